#include "plural.h"

namespace veto {
namespace {

bool in(std::uint64_t n, std::uint64_t low, std::uint64_t high) {
  return n >= low && n <= high;
}

}  // namespace

// Each case is CLDR's rule with the fraction operands (v, f, t) zero and the exponent e
// zero, so n = i. Comments give the CLDR rule where reducing it takes a step.
std::string_view plural_category(std::string_view locale, std::int64_t count) {
  const std::uint64_t n =
      count < 0 ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  const std::uint64_t n10 = n % 10, n100 = n % 100;
  // Only "one" for 1: bg da de el en et fi hu nb nl sv (da: n = 1 or t != 0 and i = 0,1).
  if (locale == "bg" || locale == "da" || locale == "de" || locale == "el" || locale == "en" ||
      locale == "et" || locale == "fi" || locale == "hu" || locale == "nb" || locale == "nl" ||
      locale == "sv") {
    return n == 1 ? "one" : "other";
  }
  // many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0 (or e not in 0..5).
  const bool millions = n != 0 && n % 1000000 == 0;
  // pt is pt_PT (cldr_locale): one is i = 1 and v = 0, as in es and it; CLDR's pt (Brazil)
  // and fr have i = 0,1.
  if (locale == "es" || locale == "it" || locale == "pt") {
    return n == 1 ? "one" : millions ? "many" : "other";
  }
  if (locale == "fr") return n <= 1 ? "one" : millions ? "many" : "other";
  if (locale == "cs" || locale == "sk") return n == 1 ? "one" : in(n, 2, 4) ? "few" : "other";
  if (locale == "ga") {
    return n == 1 ? "one" : n == 2 ? "two" : in(n, 3, 6) ? "few" : in(n, 7, 10) ? "many" : "other";
  }
  if (locale == "hr") {
    if (n10 == 1 && n100 != 11) return "one";
    return in(n10, 2, 4) && !in(n100, 12, 14) ? "few" : "other";
  }
  if (locale == "is") return n10 == 1 && n100 != 11 ? "one" : "other";
  if (locale == "lt") {
    if (in(n100, 11, 19)) return "other";
    return n10 == 1 ? "one" : n10 >= 2 ? "few" : "other";
  }
  if (locale == "lv") {
    if (n10 == 0 || in(n100, 11, 19)) return "zero";
    return n10 == 1 ? "one" : "other";
  }
  if (locale == "mt") {
    if (n == 1) return "one";
    if (n == 2) return "two";
    if (n == 0 || in(n100, 3, 10)) return "few";
    return in(n100, 11, 19) ? "many" : "other";
  }
  if (locale == "pl") {
    if (n == 1) return "one";
    // many: i != 1 and i % 10 = 0..1, or i % 10 = 5..9, or i % 100 = 12..14
    return in(n10, 2, 4) && !in(n100, 12, 14) ? "few" : "many";
  }
  if (locale == "ro") {
    if (n == 1) return "one";
    return n == 0 || in(n100, 1, 19) ? "few" : "other";
  }
  if (locale == "sl") {
    return n100 == 1 ? "one" : n100 == 2 ? "two" : in(n100, 3, 4) ? "few" : "other";
  }
  return "other";
}

}  // namespace veto
