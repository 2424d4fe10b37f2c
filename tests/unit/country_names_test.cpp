// Every country name of every locale, typed back into a country field, against an oracle
// that keys names the way docs/contract.md §2.2 rule 1 says (NFKC_Casefold, then NFD without nonspacing
// marks) with ICU directly: a name resolves to its country unless its key is also another
// country's name, and its upper-case and decomposed spellings resolve the same. The names
// are those the lists show (pt as pt_PT writes them) and ICU's pt names (Brazilian), which
// the field takes too; the pt_PT names make no name of ICU's 26 locales ambiguous.
#include <gtest/gtest.h>
#include <unicode/bytestream.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <map>
#include <set>
#include <string>

#include "veto/veto.h"

namespace {

std::string normalized(const icu::Normalizer2* normalizer, const std::string& text) {
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  normalizer->normalizeUTF8(0, text, sink, nullptr, status);
  EXPECT_TRUE(U_SUCCESS(status));
  return out;
}

std::string oracle_key(const std::string& name) {
  UErrorCode status = U_ZERO_ERROR;
  const std::string decomposed =
      normalized(icu::Normalizer2::getNFDInstance(status),
                 normalized(icu::Normalizer2::getNFKCCasefoldInstance(status), name));
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(decomposed);
  icu::UnicodeString kept;
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    if (u_charType(text.char32At(i)) != U_NON_SPACING_MARK) kept.append(text.char32At(i));
  }
  std::string key;
  return kept.toUTF8String(key);
}

std::string spelled(const std::string& name, bool upper) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(name);
  if (upper) text.toUpper(icu::Locale::getRoot());
  UErrorCode status = U_ZERO_ERROR;
  std::string out;
  return upper ? text.toUTF8String(out)
               : normalized(icu::Normalizer2::getNFDInstance(status), name);
}

// The country a field resolves `text` to (eligible or not), or "" when it is unknown.
std::string resolved(const veto::validator& v, const std::string& text) {
  const auto field = v.validate_field("c", {{"c", veto::form_member::kind::string, text}});
  if (!field) return "?";
  if (field->value) return *field->value;
  if (!field->errors.empty() && field->errors[0].code == "country.not_eligible") {
    return std::get<std::string>(field->errors[0].params.at(0).second);
  }
  return "";
}

TEST(country_names, every_name_of_every_locale_resolves_unless_its_key_is_shared) {
  const auto loaded = veto::validator::from_ruleset(
      R"({"id":"c","version":1,"fields":[{"name":"c","kind":"country"}]})");
  ASSERT_TRUE(loaded) << loaded.error();
  const veto::validator& v = *loaded;

  std::map<std::string, std::set<std::string>> countries_of_key;
  std::map<std::string, std::string> country_of_name;
  // The same over ICU's own display names in the 26 locales (pt: ICU's pt), without pt_PT's.
  std::map<std::string, std::set<std::string>> countries_of_icu_key;
  const auto add = [&](const std::string& name, const std::string& code, bool icu_locale) {
    countries_of_key[oracle_key(name)].insert(code);
    country_of_name[name] = code;
    if (icu_locale) countries_of_icu_key[oracle_key(name)].insert(code);
  };
  for (const std::string_view locale : veto::supported_locales()) {
    ASSERT_EQ(v.message_locale(locale), locale);
    for (const veto::country_entry& entry : v.countries(locale)) {
      add(entry.name, entry.code, locale != "pt");
      if (locale != "pt") continue;
      icu::UnicodeString brazilian;
      icu::Locale("und", entry.code.c_str()).getDisplayCountry(icu::Locale("pt"), brazilian);
      std::string text;
      add(brazilian.toUTF8String(text), entry.code, true);
    }
  }
  ASSERT_GT(country_of_name.size(), 3000u);
  for (const auto& [key, codes] : countries_of_icu_key) {
    EXPECT_EQ(countries_of_key.at(key), codes) << key << ": a pt_PT name made it ambiguous";
  }

  // Country rule 1 (docs/contract.md §2.2) reads two or three ASCII letters as a code, so
  // the names "Man" and "Tai" are looked up as alpha-3 codes (and are none): they say
  // nothing about name keys.
  const auto reads_as_code = [](const std::string& key) {
    return (key.size() == 2 || key.size() == 3) &&
           key.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos;
  };
  int checked = 0, shared = 0;
  for (const auto& [name, code] : country_of_name) {
    if (reads_as_code(oracle_key(name))) continue;
    shared += countries_of_key.at(oracle_key(name)).size() > 1;
    for (const std::string& text : {name, spelled(name, true), spelled(name, false)}) {
      const auto owners = countries_of_key.find(oracle_key(text));
      const bool one_owner = owners != countries_of_key.end() && owners->second.size() == 1;
      EXPECT_EQ(resolved(v, text), one_owner ? *owners->second.begin() : "")
          << text << " (" << name << ", " << code << ")";
      ++checked;
    }
  }
  EXPECT_LT(shared, 20);  // a handful of names are two countries' (rule 1: they match none)
  EXPECT_GT(checked, 3 * 3000);
}

}  // namespace
