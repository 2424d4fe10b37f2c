// Message catalogs: complete, only known params, and formatted as ICU patterns would be.
#include <gtest/gtest.h>
#include <unicode/messagepattern.h>
#include <unicode/msgfmt.h>
#include <unicode/plurrule.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "../../src/core/codes.h"   // the one list of codes (constexpr, header only)
#include "../../src/core/plural.h"  // cldr_locale: the catalog "pt" is pt_PT
#include "veto/veto.h"

namespace {

using json = nlohmann::json;

// code -> its params, from the one list of codes (src/core/codes.h).
std::map<std::string, std::set<std::string>> known_codes() {
  std::map<std::string, std::set<std::string>> codes;
  for (const veto::code_spec& spec : veto::codes) {
    auto& params = codes[std::string(spec.name)];
    for (const veto::param_spec& param : spec.params) {
      if (!param.name.empty()) params.insert(std::string(param.name));
    }
  }
  return codes;
}

TEST(messages, every_catalog_has_exactly_the_known_codes_with_known_params) {
  const auto codes = known_codes();
  ASSERT_GT(codes.size(), 20u);
  int catalogs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VETO_CATALOG_DIR)) {
    ++catalogs;
    std::ifstream in(entry.path());
    const json catalog = json::parse(in);
    SCOPED_TRACE(entry.path().filename().string());
    for (const auto& [code, params] : codes) {
      EXPECT_TRUE(catalog.contains(code)) << "missing " << code;
    }
    for (const auto& [code, pattern] : catalog.items()) {
      ASSERT_TRUE(codes.count(code)) << "unknown code " << code;
      const std::string text = pattern.get<std::string>();
      EXPECT_FALSE(text.empty()) << code;
      // Every argument must name a param of the code.
      UErrorCode status = U_ZERO_ERROR;
      UParseError where{};
      icu::MessagePattern parsed(icu::UnicodeString::fromUTF8(text), &where, status);
      for (int i = 0; U_SUCCESS(status) && i < parsed.countParts(); ++i) {
        if (parsed.getPart(i).getType() != UMSGPAT_PART_TYPE_ARG_NAME) continue;
        std::string name;
        parsed.getSubstring(parsed.getPart(i)).toUTF8String(name);
        EXPECT_TRUE(codes.at(code).count(name)) << code << " uses {" << name << "}";
      }
    }
  }
  EXPECT_GE(catalogs, 1);
}

// The plural categories counts can reach in `locale` (counts stay below 70,000 in veto).
std::set<std::string> reachable_categories(const icu::PluralRules& rules) {
  std::set<std::string> out;
  for (int n = 0; n < 70000; ++n) {
    std::string keyword;
    rules.select(n).toUTF8String(keyword);
    out.insert(keyword);
  }
  return out;
}

// Every pattern parses as ICU MessageFormat, and every plural argument has a message for
// each plural category a count can fall in, in that locale.
TEST(messages, patterns_parse_as_icu_message_format_and_cover_every_plural_category) {
  for (const auto& entry : std::filesystem::directory_iterator(VETO_CATALOG_DIR)) {
    const std::string locale = entry.path().stem().string();
    SCOPED_TRACE(locale);
    UErrorCode status = U_ZERO_ERROR;
    const icu::Locale cldr(std::string(veto::cldr_locale(locale)).c_str());
    std::unique_ptr<icu::PluralRules> rules(icu::PluralRules::forLocale(cldr, status));
    ASSERT_TRUE(U_SUCCESS(status));
    const std::set<std::string> categories = reachable_categories(*rules);
    std::ifstream in(entry.path());
    const json catalog = json::parse(in);
    for (const auto& [code, pattern] : catalog.items()) {
      const icu::UnicodeString text = icu::UnicodeString::fromUTF8(pattern.get<std::string>());
      UParseError where{};
      status = U_ZERO_ERROR;
      icu::MessageFormat format(text, cldr, where, status);
      EXPECT_TRUE(U_SUCCESS(status))
          << code << ": ICU cannot parse it (offset " << where.offset << ")";
      status = U_ZERO_ERROR;
      icu::MessagePattern parsed(text, &where, status);
      if (U_FAILURE(status)) continue;
      for (int i = 0; i < parsed.countParts(); ++i) {
        const auto& part = parsed.getPart(i);
        if (part.getType() != UMSGPAT_PART_TYPE_ARG_START ||
            part.getArgType() != UMSGPAT_ARG_TYPE_PLURAL)
          continue;
        std::set<std::string> selectors;
        const int limit = parsed.getLimitPartIndex(i);
        for (int j = i + 1; j < limit; ++j) {
          const auto& inner = parsed.getPart(j);
          if (inner.getType() == UMSGPAT_PART_TYPE_ARG_SELECTOR) {
            std::string selector;
            parsed.getSubstring(inner).toUTF8String(selector);
            selectors.insert(selector);
          }
          if (inner.getType() == UMSGPAT_PART_TYPE_MSG_START) j = parsed.getLimitPartIndex(j);
        }
        for (const auto& category : categories) {
          EXPECT_TRUE(selectors.count(category)) << code << ": plural lacks \"" << category << "\"";
        }
      }
    }
  }
}

veto::issue only_error(const veto::result& r, const std::string& field) {
  for (const auto& f : r.fields) {
    if (f.name == field && f.errors.size() == 1) return f.errors[0];
  }
  ADD_FAILURE() << "no single error on " << field << ": " << veto::to_json(r);
  return {};
}

TEST(messages, plural_and_select_arguments_are_formatted) {
  const auto v = *veto::validator::from_default_ruleset();
  const std::string local(65, 'a');
  const auto long_local = v.validate_json(R"({"email":")" + local + R"(@example.de"})");
  EXPECT_EQ(only_error(long_local, "email").message,
            "The part before the @ may be at most 64 bytes long; yours is 65 bytes.");
  const auto hyphen = v.validate_json(R"({"email":"a@-x.de"})");
  EXPECT_EQ(only_error(hyphen, "email").message,
            "The domain after the @ is not valid: a part starts with a hyphen.");
  const auto character = v.validate_json(R"({"email":"a b@x.de"})");
  EXPECT_EQ(only_error(character, "email").message,
            "The part before the @ can’t contain the character U+0020.");
}

TEST(messages, every_issue_in_the_vectors_has_a_non_empty_message_without_placeholders) {
  const auto v = *veto::validator::from_default_ruleset();
  for (const char* line : {R"({"email":"x"})", R"({"email":"a@b..c"})", R"({"email":1})", "[",
                           R"({"email":"anna@gmial.com","extra":1})"}) {
    const auto r = v.validate_json(line);
    std::vector<veto::issue> all = r.form_errors;
    all.insert(all.end(), r.form_warnings.begin(), r.form_warnings.end());
    for (const auto& f : r.fields) {
      all.insert(all.end(), f.errors.begin(), f.errors.end());
      all.insert(all.end(), f.warnings.begin(), f.warnings.end());
    }
    ASSERT_FALSE(all.empty()) << line;
    for (const auto& item : all) {
      EXPECT_FALSE(item.message.empty()) << item.code;
      EXPECT_EQ(item.message.find('{'), std::string::npos) << item.message;
    }
  }
}

TEST(messages, locale_is_negotiated_exact_tag_then_language_then_english) {
  const auto v = *veto::validator::from_default_ruleset();
  const std::pair<const char*, const char*> cases[] = {
      {"de", "de"}, {"de-AT", "de"}, {"DE_ch", "de"},     {"pt-BR", "pt"},  {"nb-NO", "nb"},
      {"no", "nb"}, {"nn", "nb"},    {"ga-IE", "ga"},     {"mt", "mt"},     {"en-GB", "en"},
      {"zz", "en"}, {"", "en"},      {"x-klingon", "en"}, {"sr-Latn", "en"}};
  for (const auto& [tag, expected] : cases) {
    EXPECT_EQ(v.validate_json("{}", tag).locale, expected) << tag;
  }
}

}  // namespace

namespace {

// Every locale veto has messages for, as C strings for ICU.
const std::vector<std::string> all_locales(veto::supported_locales().begin(),
                                           veto::supported_locales().end());

// The text.too_short message for a text of `count` graphemes (min 200), in `locale`.
std::string too_short_message(const veto::validator& v, int count, const char* locale) {
  const auto field = v.validate_field(
      "t", {{"t", veto::form_member::kind::string, std::string(count, 'a')}}, locale);
  return field->errors.at(0).message;
}

std::string without_digits(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }),
             text.end());
  return text;
}

// Counts in the same plural category read the same but for the number, and every count is
// written into its message; the coverage test above makes sure each category has its form.
TEST(messages, counts_take_the_plural_form_of_their_category_in_every_locale) {
  const auto loaded = veto::validator::from_ruleset(
      R"({"id":"p","version":1,"fields":[{"name":"t","kind":"text","min_graphemes":200}]})");
  ASSERT_TRUE(loaded) << loaded.error();
  const int counts[] = {1, 2, 3, 5, 11, 21, 22, 101};  // 0 is absent, not a count
  for (const std::string& name : all_locales) {
    const char* const locale = name.c_str();
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::PluralRules> rules(icu::PluralRules::forLocale(
        icu::Locale(std::string(veto::cldr_locale(locale)).c_str()), status));
    std::map<std::string, std::string> form_of_category;
    for (const int count : counts) {
      std::string category;
      rules->select(count).toUTF8String(category);
      const std::string message = too_short_message(*loaded, count, locale);
      EXPECT_NE(message.find(" " + std::to_string(count)), std::string::npos)
          << locale << ": " << message;
      const auto [it, fresh] = form_of_category.emplace(category, without_digits(message));
      if (!fresh)
        EXPECT_EQ(it->second, without_digits(message))
            << locale << " " << count << " (" << category << ")";
    }
  }
}

// Words that only English messages use; none may show up in another locale's messages.
TEST(messages, no_english_in_other_locales) {
  const std::set<std::string> english = {"the",   "and",     "your",       "please", "must", "this",
                                         "field", "address", "characters", "words",  "enter"};
  std::ifstream in(std::string(VETO_CATALOG_DIR) + "/en.json");
  const json en = json::parse(in);
  for (const std::string& locale : all_locales) {
    if (locale == "en") continue;
    std::ifstream file(std::string(VETO_CATALOG_DIR) + "/" + locale + ".json");
    const json catalog = json::parse(file);
    for (const auto& [code, pattern] : catalog.items()) {
      const std::string text = pattern.get<std::string>();
      EXPECT_NE(text, en[code].get<std::string>())
          << locale << " " << code << " is the English text";
      // Argument names and selector keywords are code, not text: leave them out.
      static const std::regex code_words(R"(\{\s*[a-z_]+|[a-z_=0-9]+\s*\{)");
      const std::string prose = std::regex_replace(text, code_words, "{");
      std::string word;
      for (const char c : prose + " ") {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
          word += static_cast<char>(c | 0x20);
          continue;
        }
        EXPECT_FALSE(english.count(word))
            << locale << " " << code << ": \"" << word << "\" in " << text;
        word.clear();
      }
    }
  }
}

}  // namespace
