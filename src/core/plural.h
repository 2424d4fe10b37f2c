// The CLDR plural category of a count, for the 26 locales veto's messages are written in.
//
// The messages only ever pluralize counts (bytes, graphemes, words, digits): non-negative
// integers. For integers, CLDR's rules reduce to a few comparisons per locale, so they are
// written out here instead of loading ICU's PluralRules, which brings plurals.res and
// pluralRanges.res (5.6 KB brotli), ICU's locale and resource-bundle code and its decimal
// quantity code into the WebAssembly module and costs a few milliseconds on first use.
// tests/unit/plural_rules_test.cpp checks every locale against ICU 72's PluralRules.
#ifndef VETO_CORE_PLURAL_H
#define VETO_CORE_PLURAL_H

#include <cstdint>
#include <string_view>

namespace veto {

// The CLDR locale a catalog is written for. The catalog "pt" is European Portuguese, whose
// plural rule (0 is "other") and number format differ from CLDR's "pt" (Brazilian: 0 is
// "one"); every other catalog's tag is its CLDR locale. Tests and tools/gen-numbers ask ICU
// for this locale when they check veto's tables.
constexpr std::string_view cldr_locale(std::string_view catalog_locale) {
  return catalog_locale == "pt" ? "pt_PT" : catalog_locale;
}

// "zero", "one", "two", "few", "many" or "other": the category CLDR 42 (ICU 72) gives
// the integer `count` in cldr_locale(`locale`) (`locale` is a catalog's locale, such as
// "pl"). A negative count takes the category of its absolute value, as in CLDR. Unknown
// locales get "other".
std::string_view plural_category(std::string_view locale, std::int64_t count);

}  // namespace veto

#endif  // VETO_CORE_PLURAL_H
