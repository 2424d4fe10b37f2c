// Writes src/core/number_data.inc: how CLDR 42 writes an integer in each of the 26 message
// locales (its digits, minus sign and grouping separator, and from how many digits it
// groups), from the host's ICU 72.1.
//
//   gen-numbers OUTPUT_FILE
//
// Why a table: ICU's number formatting (number::LocalizedNumberFormatter and the locale,
// resource-bundle and decimal-quantity code behind it) is not linked into the WebAssembly
// module, and messages only ever write integers. For the 26 locales CLDR's integer format is
// a sign, the locale's ten digits and a separator every three digits once the number has at
// least 3 + minimumGroupingDigits digits. The generator checks that against ICU's own
// output for every locale before writing the table (so a locale whose format this shape
// cannot express stops it), and tests/unit/number_format_test.cpp checks the runtime
// against ICU for many numbers.
#include <unicode/dcfmtsym.h>
#include <unicode/locid.h>
#include <unicode/numberformatter.h>
#include <unicode/unistr.h>
#include <unicode/uversion.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "../../src/core/plural.h"  // cldr_locale: the catalog "pt" is pt_PT
#include "../table_text.h"

namespace {

using table_text::literal;
using table_text::utf8;

// docs/contract.md §7.1: the message locales (the catalogs of src/data/messages/).
const std::vector<std::string> locales = {"bg", "cs", "da", "de", "el", "en", "es", "et", "fi",
                                          "fr", "ga", "hr", "hu", "is", "it", "lt", "lv", "mt",
                                          "nb", "nl", "pl", "pt", "ro", "sk", "sl", "sv"};

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "gen-numbers: " << why << "\n";
  std::exit(1);
}

void check(UErrorCode status, const std::string& what) {
  if (U_FAILURE(status)) fail(what + ": " + u_errorName(status));
}

struct symbols {
  std::string digits;  // the ten digits, 0 to 9
  std::string minus;
  std::string group;
  int min_grouping = 1;
};

// The shape the table promises (and src/core/messages.cpp implements).
std::string shaped(const symbols& s, std::int64_t n) {
  const std::uint64_t magnitude =
      n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  const std::string plain = std::to_string(magnitude);
  const std::size_t width = s.digits.size() / 10;
  const bool grouped = plain.size() >= 3 + static_cast<std::size_t>(s.min_grouping);
  std::string out = n < 0 ? s.minus : "";
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (grouped && i > 0 && (plain.size() - i) % 3 == 0) out += s.group;
    out += s.digits.substr(static_cast<std::size_t>(plain[i] - '0') * width, width);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: gen-numbers OUTPUT_FILE\n";
    return 2;
  }
  std::string rows;
  for (const std::string& locale : locales) {
    const std::string cldr(veto::cldr_locale(locale));
    const icu::Locale where(cldr.c_str());
    UErrorCode status = U_ZERO_ERROR;
    const icu::DecimalFormatSymbols dfs(where, status);
    check(status, "symbols of " + cldr);
    symbols s;
    const icu::DecimalFormatSymbols::ENumberFormatSymbol digit_symbols[] = {
        icu::DecimalFormatSymbols::kZeroDigitSymbol,  icu::DecimalFormatSymbols::kOneDigitSymbol,
        icu::DecimalFormatSymbols::kTwoDigitSymbol,   icu::DecimalFormatSymbols::kThreeDigitSymbol,
        icu::DecimalFormatSymbols::kFourDigitSymbol,  icu::DecimalFormatSymbols::kFiveDigitSymbol,
        icu::DecimalFormatSymbols::kSixDigitSymbol,   icu::DecimalFormatSymbols::kSevenDigitSymbol,
        icu::DecimalFormatSymbols::kEightDigitSymbol, icu::DecimalFormatSymbols::kNineDigitSymbol};
    for (const auto symbol : digit_symbols) s.digits += utf8(dfs.getSymbol(symbol));
    if (s.digits.size() % 10 != 0) fail(cldr + ": digits of different lengths");
    s.minus = utf8(dfs.getSymbol(icu::DecimalFormatSymbols::kMinusSignSymbol));
    s.group = utf8(dfs.getSymbol(icu::DecimalFormatSymbols::kGroupingSeparatorSymbol));

    const icu::number::LocalizedNumberFormatter icu_format =
        icu::number::NumberFormatter::withLocale(where);
    const auto formatted = [&](std::int64_t n) {
      UErrorCode error = U_ZERO_ERROR;
      const std::string text = utf8(icu_format.formatInt(n, error).toString(error));
      check(error, "formatting in " + cldr);
      return text;
    };
    // 1000 is grouped from one digit on, 10000 from two.
    s.min_grouping = formatted(1000) == shaped(s, 1000) ? 1 : 2;
    std::vector<std::int64_t> probes = {0, 7, 10, 999, 1000, 9999, 10000, 12345, 99999, 100000,
                                        123456, 1000000, 1234567, 65536, INT64_MAX, INT64_MIN};
    for (std::int64_t n = 1; n < INT64_MAX / 10; n = n * 10 + 1) {
      probes.push_back(n);
      probes.push_back(-n);
    }
    for (const std::int64_t n : probes) {
      if (formatted(n) != shaped(s, n)) {
        fail(cldr + ": ICU writes " + std::to_string(n) + " as \"" + formatted(n) +
             "\", which the table's shape cannot express");
      }
    }
    rows += "    {" + literal(locale) + ", " + literal(s.digits) + ", " + literal(s.minus) + ", " +
            literal(s.group) + ", " + std::to_string(s.min_grouping) + "},  // " + cldr + ": " +
            formatted(1234) + ", " + formatted(12345) + "\n";
  }

  std::ofstream out(argv[1], std::ios::binary);
  out << "// Generated by tools/gen-numbers/gen_numbers.cpp from ICU " U_ICU_VERSION
         " (CLDR 42); do not edit.\n"
         "// Regenerate after an ICU update, from the repository root:\n"
         "//   cmake --build build/native --target gen-numbers &&\n"
         "//   build/native/tools/gen-numbers/gen-numbers src/core/number_data.inc\n"
         "// The ctest test number_data.current fails while this file differs from what the\n"
         "// generator makes with the host's ICU. Included by src/core/messages.cpp only.\n"
         "// clang-format off\n\n"
         "// How each message locale writes an integer (CLDR's locale for the catalog: pt is\n"
         "// pt_PT): its digits 0-9, minus sign and grouping separator, and the fewest digits\n"
         "// the leading group needs before the number is grouped at all (minimumGroupingDigits).\n"
         "// Sorted by locale.\n"
         "constexpr number_symbols number_table[] = {\n"
      << rows << "};\n";
  if (!out) fail(std::string("cannot write ") + argv[1]);
  return 0;
}
