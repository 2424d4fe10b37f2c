// plural.h against its oracle, ICU 72's PluralRules (CLDR 42), for every catalog locale.
// An internal test (veto-internal-tests): the table in plural.cpp is behind the public
// header, and the public path (a message's plural form) is in messages_test.cpp.
#include <gtest/gtest.h>
#include <unicode/locid.h>
#include <unicode/plurrule.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "veto/veto.h"
#include "plural.h"

namespace {

TEST(plural_rules, every_catalog_locale_matches_icu_for_counts) {
  std::vector<std::int64_t> counts;
  for (std::int64_t n = 0; n <= 100000; ++n) counts.push_back(n);
  for (const std::int64_t n : {999999LL, 1000000LL, 1000001LL, 2000000LL, 5000000LL, 10000000LL,
                               1000000000LL, 1000000011LL, 1234567890123LL, 9007199254740000LL}) {
    counts.push_back(n);
  }
  for (std::int64_t n = 1; n <= 100000; n *= 3) counts.push_back(-n);

  const std::vector<std::string> locales(veto::supported_locales().begin(),
                                        veto::supported_locales().end());
  ASSERT_EQ(locales.size(), 26u);
  for (const std::string& locale : locales) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::PluralRules> rules(
        icu::PluralRules::forLocale(icu::Locale(std::string(veto::cldr_locale(locale)).c_str()),
                                    status));
    ASSERT_TRUE(U_SUCCESS(status)) << locale;
    int mismatches = 0;
    for (const std::int64_t n : counts) {
      std::string expected;
      rules->select(static_cast<double>(n)).toUTF8String(expected);
      const std::string_view actual = veto::plural_category(locale, n);
      if (actual != expected && ++mismatches <= 5) {
        ADD_FAILURE() << locale << " " << n << ": " << actual << ", ICU says " << expected;
      }
    }
    EXPECT_EQ(mismatches, 0) << locale;
  }
}

// The pt catalog is European Portuguese: ICU has pt_PT's own rule, and it is not pt's.
// 0 is "other" there (zero palavras), "one" in Brazil.
TEST(plural_rules, portuguese_is_the_catalogs_variety) {
  EXPECT_EQ(veto::cldr_locale("pt"), "pt_PT");
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::PluralRules> portugal(
      icu::PluralRules::forLocale(icu::Locale("pt_PT"), status));
  std::unique_ptr<icu::PluralRules> brazil(icu::PluralRules::forLocale(icu::Locale("pt"), status));
  ASSERT_TRUE(U_SUCCESS(status));
  std::string in_portugal, in_brazil;
  portugal->select(0.0).toUTF8String(in_portugal);
  brazil->select(0.0).toUTF8String(in_brazil);
  EXPECT_EQ(in_portugal, "other");
  EXPECT_EQ(in_brazil, "one");
  EXPECT_EQ(veto::plural_category("pt", 0), "other");
  EXPECT_EQ(veto::plural_category("pt", 1), "one");
  EXPECT_EQ(veto::plural_category("pt", 2), "other");
  EXPECT_EQ(veto::plural_category("pt", 1000000), "many");
}

TEST(plural_rules, unknown_locale_is_other) {
  EXPECT_EQ(veto::plural_category("xx", 1), "other");
  EXPECT_EQ(veto::plural_category("", 0), "other");
}

}  // namespace
