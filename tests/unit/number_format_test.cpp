// Numbers in messages: format_integer (messages.h, from the table tools/gen-numbers makes)
// against its oracle, ICU 72's number formatting of CLDR 42, for every catalog locale; and
// the public path, a message with a limit in it. Like plural_rules_test.cpp this reaches
// past the public header, because the table is internal.
#include <gtest/gtest.h>
#include <unicode/locid.h>
#include <unicode/numberformatter.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "messages.h"
#include "plural.h"
#include "veto/veto.h"

namespace {

TEST(number_format, every_catalog_locale_writes_integers_as_icu_does) {
  // Every number of up to five digits (where the grouping starts), then random ones of
  // every length, and the powers of ten with their neighbours.
  std::vector<std::int64_t> numbers;
  for (std::int64_t n = 0; n <= 20000; ++n) numbers.push_back(n);
  std::mt19937_64 random(21);
  for (int i = 0; i < 10000; ++i) numbers.push_back(static_cast<std::int64_t>(random() >> (i % 64)));
  for (std::int64_t n = 1;; n *= 10) {
    numbers.insert(numbers.end(), {n - 1, n, -n, -(n - 1)});
    if (n > INT64_MAX / 10) break;  // 10^18 is the last power of ten in an int64
  }
  numbers.insert(numbers.end(), {INT64_MAX, INT64_MIN, INT64_MIN + 1});

  const std::vector<std::string> locales(veto::supported_locales().begin(),
                                        veto::supported_locales().end());
  ASSERT_EQ(locales.size(), 26u);
  for (const std::string& locale : locales) {
    const icu::number::LocalizedNumberFormatter icu_format =
        icu::number::NumberFormatter::withLocale(
            icu::Locale(std::string(veto::cldr_locale(locale)).c_str()));
    int mismatches = 0;
    for (const std::int64_t n : numbers) {
      UErrorCode status = U_ZERO_ERROR;
      std::string expected;
      icu_format.formatInt(n, status).toString(status).toUTF8String(expected);
      ASSERT_TRUE(U_SUCCESS(status)) << locale;
      const std::string actual = veto::format_integer(locale, n);
      if (actual != expected && ++mismatches <= 5) {
        ADD_FAILURE() << locale << " " << n << ": \"" << actual << "\", ICU says \"" << expected
                      << "\"";
      }
    }
    EXPECT_EQ(mismatches, 0) << locale;
  }
}

// The facts the issue names, spelled out, so a table that went wrong with ICU reads plainly.
TEST(number_format, grouping_follows_each_locale) {
  EXPECT_EQ(veto::format_integer("en", 10000), "10,000");
  EXPECT_EQ(veto::format_integer("de", 10000), "10.000");
  EXPECT_EQ(veto::format_integer("fr", 10000), "10\u202F000");  // narrow no-break space
  EXPECT_EQ(veto::format_integer("pl", 1000), "1000");          // grouped from 5 digits
  EXPECT_EQ(veto::format_integer("pl", 10000), "10\u00A0000");
  EXPECT_EQ(veto::format_integer("es", 1000), "1000");
  EXPECT_EQ(veto::format_integer("es", 65536), "65.536");
  EXPECT_EQ(veto::format_integer("pt", 1000), "1000");  // pt_PT; Brazil writes 1.000
  EXPECT_EQ(veto::format_integer("pt", 10000), "10\u00A0000");
  EXPECT_EQ(veto::format_integer("sv", -5), "\u22125");  // U+2212 MINUS SIGN
  EXPECT_EQ(veto::format_integer("xx", 10000), "10000");
}

// Through the public interface: a limit in a message is written the locale's way.
TEST(number_format, limits_in_messages_are_formatted) {
  const auto loaded = veto::validator::from_ruleset(
      R"({"id":"n","version":1,"fields":[{"name":"t","kind":"text","max_graphemes":10000}]})");
  ASSERT_TRUE(loaded) << loaded.error();
  const veto::form form = {{"t", veto::form_member::kind::string, std::string(12345, 'a')}};
  const auto message = [&](const char* locale) {
    return loaded->validate_field("t", form, locale)->errors.at(0).message;
  };
  EXPECT_NE(message("de").find("10.000"), std::string::npos) << message("de");
  EXPECT_NE(message("de").find("12.345"), std::string::npos) << message("de");
  EXPECT_NE(message("fr").find("10\u202F000"), std::string::npos) << message("fr");
  EXPECT_NE(message("en").find("10,000"), std::string::npos) << message("en");
}

}  // namespace
