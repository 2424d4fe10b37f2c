// Writes src/core/country_data.inc: the facts the country field needs from ICU's locale and
// region data, taken from the host's ICU 72.1 (CLDR 42) so that the WebAssembly module
// ships none of ICU's region bundles, display-name code or collation data.
//
//   gen-countries OUTPUT_FILE
//
// For every ISO 3166-1 assigned country (ICU's territories less the ones that are not
// ISO countries, docs/contract.md §2.2 rule 2): alpha-2, alpha-3, numeric code and the
// standard display name in each of the 26 message locales (in CLDR's locale for the catalog:
// pt is pt_PT, src/core/plural.h), then in each locale of `key_only_locales`; the codes ICU resolves to one
// such country without being one of its own (UK, FX, DDR); and each locale's order of the
// countries by that locale's collator, for country lists shown to people.
//
// It stops with a message, writing nothing, when ICU's data disagrees with itself or with
// what the field relies on: the output is proven, not just produced.
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/region.h>
#include <unicode/uloc.h>
#include <unicode/ulocdata.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>
#include <unicode/ures.h>
#include <unicode/uversion.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../../src/core/plural.h"  // cldr_locale: the catalog "pt" is pt_PT
#include "veto/veto.h"

namespace {

// The message locales (the catalogs of src/data/messages/), in the order the data lists names.
const std::vector<std::string> locales(veto::supported_locales().begin(),
                                       veto::supported_locales().end());

// Locales whose names a country field also takes (docs/contract.md §2.2 rule 1) though no
// catalog shows them: ICU's pt, which is Brazilian, the locale "pt" names before CLDR's
// pt_PT does ("Tchéquia", not only "Chéquia").
const std::vector<std::string> key_only_locales = {"pt"};

// Where the names of a country's string come from: the catalogs' CLDR locales, then the
// key-only ones.
const std::vector<std::string>& name_locales() {
  static const std::vector<std::string> from = [] {
    std::vector<std::string> out;
    for (const std::string& locale : locales) out.emplace_back(veto::cldr_locale(locale));
    out.insert(out.end(), key_only_locales.begin(), key_only_locales.end());
    return out;
  }();
  return from;
}

// ICU territories that have no ISO 3166-1 assignment of their own: exceptionally reserved
// codes (AC, CP, DG, EA, IC, TA) and Kosovo's user-assigned XK.
const std::set<std::string> not_iso_countries = {"AC", "CP", "DG", "EA", "IC", "TA", "XK"};

// Codes ISO 3166-1 leaves to users: AA, QM to QZ, XA to XZ and ZZ.
bool is_user_assigned(const std::string& alpha2) {
  if (alpha2 == "AA" || alpha2 == "ZZ") return true;
  return (alpha2[0] == 'Q' && alpha2[1] >= 'M') || alpha2[0] == 'X';
}

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "gen-countries: " << why << "\n";
  std::exit(1);
}

void check(UErrorCode status, const std::string& what) {
  if (U_FAILURE(status)) fail(what + ": " + u_errorName(status));
}

std::string utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

bool is_upper_letters(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_digits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The shapes the field reads as codes (docs/contract.md §2.2 rule 1): two letters, three
// letters, three digits.
bool is_code_shape(const std::string& code) {
  return (code.size() == 2 && is_upper_letters(code)) ||
         (code.size() == 3 && (is_upper_letters(code) || is_digits(code)));
}

struct country {
  std::string alpha2;
  std::string alpha3;
  std::string numeric;
  std::vector<std::string> names;  // in the order of name_locales()
};

struct resource_closer {
  void operator()(UResourceBundle* bundle) const { ures_close(bundle); }
};
using resource = std::unique_ptr<UResourceBundle, resource_closer>;

resource open_item(const char* item) {
  UErrorCode status = U_ZERO_ERROR;
  resource bundle(ures_openDirect(nullptr, item, &status));
  check(status, std::string("opening ") + item);
  return bundle;
}

resource child(const resource& parent, const char* key) {
  UErrorCode status = U_ZERO_ERROR;
  resource bundle(ures_getByKey(parent.get(), key, nullptr, &status));
  check(status, std::string("reading ") + key);
  return bundle;
}

std::string string_at(const resource& array, int32_t index) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  const UChar* text = ures_getStringByIndex(array.get(), index, &length, &status);
  check(status, "reading a string");
  return utf8(icu::UnicodeString(text, length));
}

// supplementalData/codeMappings, the table ICU's Region reads: alpha-2 -> {alpha-3, numeric}.
std::map<std::string, std::pair<std::string, std::string>> code_mappings() {
  std::map<std::string, std::pair<std::string, std::string>> out;
  const resource mappings = child(open_item("supplementalData"), "codeMappings");
  for (int32_t i = 0; i < ures_getSize(mappings.get()); ++i) {
    UErrorCode status = U_ZERO_ERROR;
    const resource mapping(ures_getByIndex(mappings.get(), i, nullptr, &status));
    check(status, "reading codeMappings");
    if (ures_getSize(mapping.get()) != 3) fail("a codeMappings entry without three codes");
    out[string_at(mapping, 0)] = {string_at(mapping, 2), string_at(mapping, 1)};
  }
  return out;
}

// Every code ICU's Region may know: its regions of every type, the aliases of
// metadata/alias/territory and the alpha-3 and numeric codes of codeMappings.
std::set<std::string> candidate_codes(
    const std::map<std::string, std::pair<std::string, std::string>>& mappings) {
  std::set<std::string> out;
  for (int type = URGN_UNKNOWN; type < URGN_LIMIT; ++type) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::StringEnumeration> regions(
        icu::Region::getAvailable(static_cast<URegionType>(type), status));
    check(status, "listing regions");
    while (const char* code = regions->next(nullptr, status)) out.insert(code);
  }
  const resource aliases = child(child(open_item("metadata"), "alias"), "territory");
  for (int32_t i = 0; i < ures_getSize(aliases.get()); ++i) {
    UErrorCode status = U_ZERO_ERROR;
    const resource alias(ures_getByIndex(aliases.get(), i, nullptr, &status));
    check(status, "reading territory aliases");
    out.insert(ures_getKey(alias.get()));
  }
  for (const auto& [alpha2, codes] : mappings) {
    out.insert(alpha2);
    out.insert(codes.first);
    out.insert(codes.second);
  }
  return out;
}

std::vector<country> assigned_countries(
    const std::map<std::string, std::pair<std::string, std::string>>& mappings) {
  std::vector<country> out;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> territories(
      icu::Region::getAvailable(URGN_TERRITORY, status));
  check(status, "listing territories");
  std::set<std::string> codes;
  while (const char* code = territories->next(nullptr, status)) codes.insert(code);
  for (const std::string& code : codes) {
    if (not_iso_countries.count(code) || is_user_assigned(code)) continue;
    if (code.size() != 2 || !is_upper_letters(code)) fail("territory " + code + " is no alpha-2");
    const auto mapping = mappings.find(code);
    if (mapping == mappings.end()) fail(code + " has no alpha-3 and numeric code");
    country entry{code, mapping->second.first, mapping->second.second, {}};
    // Region and uloc keep their own tables; both must agree with codeMappings.
    status = U_ZERO_ERROR;
    const icu::Region* region = icu::Region::getInstance(code.c_str(), status);
    check(status, "Region " + code);
    char numeric[8];
    std::snprintf(numeric, sizeof numeric, "%03d", region->getNumericCode());
    const icu::Locale place("und", code.c_str());
    if (entry.alpha3.size() != 3 || !is_upper_letters(entry.alpha3) ||
        entry.alpha3 != place.getISO3Country()) {
      fail(code + ": alpha-3 " + entry.alpha3 + " disagrees with uloc's " + place.getISO3Country());
    }
    if (entry.numeric.size() != 3 || !is_digits(entry.numeric) || entry.numeric != numeric) {
      fail(code + ": numeric " + entry.numeric + " disagrees with Region's " + numeric);
    }
    for (const std::string& locale : name_locales()) {
      // The standard name: the "Countries" entry under the code itself, never the
      // "%short" or "%variant" ones. A name that is the code means there was none.
      UChar name[256];
      status = U_ZERO_ERROR;
      const int32_t length =
          uloc_getDisplayCountry(("und_" + code).c_str(), locale.c_str(), name, 256, &status);
      check(status, "display name of " + code + " in " + locale);
      if (status == U_USING_DEFAULT_WARNING || length == 0) {
        fail(code + " has no display name in " + locale);
      }
      icu::UnicodeString via_locale;
      place.getDisplayCountry(icu::Locale(locale.c_str()), via_locale);
      const std::string text = utf8(icu::UnicodeString(name, length));
      if (text != utf8(via_locale)) fail(code + " in " + locale + ": two different names");
      if (text == code) fail(code + " has no display name in " + locale);
      entry.names.push_back(text);
    }
    out.push_back(std::move(entry));
  }
  if (out.size() != 249) {
    fail("expected the 249 ISO 3166-1 countries of 2022, found " + std::to_string(out.size()));
  }
  return out;
}

// Codes that ICU's Region resolves to exactly one assigned country of which they are not one
// of its own codes. A code with several preferred values stays a deprecated region in
// Region::getInstance, so it resolves to no country and is left out.
std::map<std::string, std::string> aliases(const std::vector<country>& countries,
                                           const std::set<std::string>& candidates) {
  std::map<std::string, const country*> by_alpha2;
  for (const country& entry : countries) by_alpha2[entry.alpha2] = &entry;
  std::map<std::string, std::string> out;
  for (const std::string& code : candidates) {
    if (!is_code_shape(code)) continue;
    UErrorCode status = U_ZERO_ERROR;
    const icu::Region* region = icu::Region::getInstance(code.c_str(), status);
    if (U_FAILURE(status) || !region || region->getType() != URGN_TERRITORY) continue;
    const auto target = by_alpha2.find(region->getRegionCode());
    if (target == by_alpha2.end()) continue;
    const country& to = *target->second;
    if (code == to.alpha2 || code == to.alpha3 || code == to.numeric) continue;
    out[code] = to.alpha2;
  }
  for (const auto& [from, to] :
       std::map<std::string, std::string>{{"UK", "GB"}, {"FX", "FR"}, {"DDR", "DE"}}) {
    const auto found = out.find(from);
    if (found == out.end() || found->second != to) fail(from + " must be an alias of " + to);
  }
  return out;
}

// Indices into `country_table`, in the order of `locale`'s collator on the display names; ties
// (none in CLDR 42, but cheap to settle) go by alpha-2.
std::vector<std::size_t> collation_order(const std::vector<country>& countries,
                                         std::size_t locale) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Collator> collator(
      icu::Collator::createInstance(icu::Locale(name_locales()[locale].c_str()), status));
  check(status, "collator for " + locales[locale]);
  std::vector<icu::UnicodeString> names;
  for (const country& entry : countries) {
    names.push_back(icu::UnicodeString::fromUTF8(entry.names[locale]));
  }
  std::vector<std::size_t> order(countries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    UErrorCode compare_status = U_ZERO_ERROR;
    return collator->compare(names[a], names[b], compare_status) == UCOL_LESS;
  });
  return order;
}

// The name key (docs/contract.md §2.2 rule 1: NFKC_Casefold, then NFD without its
// nonspacing marks) of each non-ASCII code point of the names, for country.cpp's
// table_name_key, which makes a name's key from its code points' keys without calling ICU.
// That is exact when every combining mark a code point brings is nonspacing (the marks are
// dropped, so their order does not matter); a code point that brings another mark is left
// out, and its names take ICU's whole way at run time (none in CLDR 42's names).
std::map<UChar32, std::string> key_pieces(const std::vector<country>& countries) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  check(status, "NFKC_Casefold and NFD");
  std::set<UChar32> points;
  for (const country& entry : countries) {
    for (const std::string& name : entry.names) {
      const icu::UnicodeString text = icu::UnicodeString::fromUTF8(name);
      for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
        if (text.char32At(i) >= 0x80) points.insert(text.char32At(i));
      }
    }
  }
  std::map<UChar32, std::string> out;
  for (const UChar32 point : points) {
    if (point > 0xFFFF) fail("a name holds a code point beyond the BMP");
    const icu::UnicodeString parts =
        nfd->normalize(fold->normalize(icu::UnicodeString(point), status), status);
    check(status, "a code point's key");
    icu::UnicodeString kept;
    bool concatenable = true;
    for (int32_t i = 0; i < parts.length(); i = parts.moveIndex32(i, 1)) {
      const UChar32 part = parts.char32At(i);
      if (u_charType(part) == U_NON_SPACING_MARK) continue;
      if (u_getCombiningClass(part) != 0) concatenable = false;
      kept.append(part);
    }
    if (!concatenable) continue;
    std::string key;
    out[point] = kept.toUTF8String(key);
  }
  return out;
}

// What ends each name in a country's string of names (no CLDR 42 name holds it).
const std::string name_end = "|";

std::string literal(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) fail("a control character in a name");
    out += c;
  }
  return out + "\"";
}

std::string render(const std::vector<country>& countries,
                   const std::map<std::string, std::string>& alias_table) {
  std::ostringstream out;
  UVersionInfo cldr;
  UErrorCode status = U_ZERO_ERROR;
  ulocdata_getCLDRVersion(cldr, &status);
  check(status, "CLDR version");
  out << "// Generated by tools/gen-countries/gen_countries.cpp from ICU " << U_ICU_VERSION
      << " (CLDR " << int{cldr[0]} << "); do not edit.\n"
      << "// Regenerate after an ICU update, from the repository root:\n"
      << "//   cmake --build build/native --target gen-countries &&\n"
      << "//   build/native/tools/gen-countries/gen-countries src/core/country_data.inc\n"
      << "// The ctest test country_data.current fails while this file differs from what the\n"
      << "// generator makes with the host's ICU. Included by src/core/country.cpp only.\n"
      << "// clang-format off\n\n";
  out << "inline constexpr std::size_t country_locale_count = " << locales.size() << ";\n";
  out << "// The names of a country's string: one in each of country_locales, then one in each\n"
      << "// locale of country_key_only_locales, which a field takes but no list shows.\n";
  out << "inline constexpr std::size_t country_name_count = " << name_locales().size() << ";\n";
  out << "inline constexpr std::size_t country_count = " << countries.size() << ";\n\n";
  out << "// The locales of docs/contract.md §7.1; country_record::names and country_order follow them.\n";
  out << "constexpr std::string_view country_locales[country_locale_count] = {";
  for (std::size_t i = 0; i < locales.size(); ++i) {
    out << (i % 13 == 0 ? "\n    " : " ") << literal(locales[i]) << ",";
  }
  out << "\n};\n";
  out << "// ICU's locales of the key-only names (pt: Brazilian; the catalog pt shows pt_PT's).\n";
  out << "constexpr std::string_view country_key_only_locales[country_name_count - country_locale_count] = {";
  for (const std::string& locale : key_only_locales) out << " " << literal(locale) << ",";
  out << " };\n\n";
  out << "// Every ISO 3166-1 assigned country, by alpha-2: alpha-3, numeric, and its standard "
         "ICU\n"
      << "// display names in the order of country_locales (in CLDR's locale for each catalog,\n"
      << "// pt_PT for pt), then of country_key_only_locales, each ended by a `|`. One string a\n"
      << "// country, not one a name, keeps the table small in the WebAssembly module.\n";
  out << "constexpr country_record country_table[country_count] = {\n";
  for (const country& entry : countries) {
    out << "    {" << literal(entry.alpha2) << ", " << literal(entry.alpha3) << ", "
        << literal(entry.numeric) << ",\n";
    const std::vector<std::string>& from = name_locales();
    for (std::size_t i = 0; i < from.size(); ++i) {
      if (entry.names[i].find(name_end) != std::string::npos) {
        fail(entry.alpha2 + "'s name in " + from[i] + " holds the separator " + name_end);
      }
      out << "     " << literal(entry.names[i] + name_end) << "  // " << from[i]
          << (i < locales.size() ? "" : " (key only)") << "\n";
    }
    out << "    },\n";
  }
  out << "};\n\n";
  out << "// Codes ICU resolves to one country without being one of its own: from, alpha-2.\n";
  out << "constexpr country_alias country_aliases[] = {\n";
  for (const auto& [from, to] : alias_table) {
    out << "    {" << literal(from) << ", " << literal(to) << "},\n";
  }
  out << "};\n\n";
  const std::map<UChar32, std::string> pieces = key_pieces(countries);
  out << "// The name key of each non-ASCII code point of the names (NFKC_Casefold, then NFD\n"
      << "// without its nonspacing marks), by code point, for table_name_key.\n";
  out << "inline constexpr std::size_t country_key_piece_count = " << pieces.size() << ";\n";
  out << "constexpr std::uint16_t country_key_piece_points[country_key_piece_count] = {";
  std::size_t column = 0;
  for (const auto& [point, key] : pieces) {
    out << (column++ % 12 == 0 ? "\n    " : " ") << point << ",";
  }
  out << "\n};\n";
  out << "constexpr std::string_view country_key_pieces[country_key_piece_count] = {";
  column = 0;
  for (const auto& [point, key] : pieces) {
    out << (column++ % 12 == 0 ? "\n    " : " ") << literal(key) << ",";
  }
  out << "\n};\n\n";
  out << "// Per locale, indices into `country_table` sorted by that locale's ICU collator on the\n"
      << "// display names.\n";
  out << "constexpr std::uint8_t country_order[country_locale_count][country_count] = {\n";
  for (std::size_t locale = 0; locale < locales.size(); ++locale) {
    out << "    {  // " << locales[locale];
    const std::vector<std::size_t> order = collation_order(countries, locale);
    for (std::size_t i = 0; i < order.size(); ++i) {
      out << (i % 16 == 0 ? "\n        " : " ") << order[i] << ",";
    }
    out << "\n    },\n";
  }
  out << "};\n";
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: gen-countries OUTPUT_FILE\n";
    return 2;
  }
  if (std::string(U_ICU_VERSION) != "72.1")
    fail(std::string("needs ICU 72.1, not ") + U_ICU_VERSION);
  const auto mappings = code_mappings();
  const std::vector<country> countries = assigned_countries(mappings);
  if (countries.size() > 255) fail("more countries than country_order's bytes can index");
  const std::string text = render(countries, aliases(countries, candidate_codes(mappings)));
  std::ofstream file(argv[1], std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) fail(std::string("cannot write ") + argv[1]);
  return 0;
}
