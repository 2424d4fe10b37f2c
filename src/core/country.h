// The country field (docs/contract.md §2.2): ISO 3166-1 codes, the codes ICU resolves to
// a country (UK, FX, DDR) and the countries' standard names in the 26 message locales, then
// the ruleset's list of eligible countries. The facts come from ICU 72.1's region and locale
// data through a generated table (country_data.inc, see tools/gen-countries), so the
// WebAssembly module needs none of ICU's region bundles or collation data.
//
// Decisions, written into docs/contract.md §2.2:
// - Rule 1 goes by shape alone: "Cad" is read as an alpha-3 code (none, so unknown) although
//   "Čad" is a name of Chad; "USA" is the alpha-3 code of the United States.
// - A name is ambiguous when its key belongs to two countries in any of the 26 locales
//   together ("Kongo": nb for CD, other locales for CG). Names of ICU's territories that are
//   not ISO countries (Kosovo, Ascension Island) are unknown; in CLDR 42 none shares a key
//   with a country's name, so this changes no answer.
// - Spaces inside a name are compared as they are: "Deutsch land" is unknown.
// - `country.alias` params.from is the code after NFKC_Casefold, upper-cased ("Ｕｋ" -> "UK").
#ifndef VETO_CORE_COUNTRY_H
#define VETO_CORE_COUNTRY_H

#include <optional>
#include <string_view>
#include <vector>

#include "ruleset.h"
#include "veto/veto.h"

namespace veto {

// True when `alpha2` is the upper-case alpha-2 code of an ISO 3166-1 assigned country.
bool is_assigned_country(std::string_view alpha2) noexcept;

struct country_choice {
  std::string_view alpha2;
  std::string_view name;  // the standard name in the locale asked for
};

// Every assigned country with its name in `locale` (one of the message locales, else
// English), sorted by that locale's ICU collator: the order a country list shows.
std::vector<country_choice> countries_in_order(std::string_view locale);

class country_rules {
 public:
  // Builds the shared code and name index on first use (once per process).
  explicit country_rules(const country_options& options);

  // The alpha-2 code of the country that `text` (the field's trimmed value, valid UTF-8)
  // names, eligible or not; nullopt when it names none. What the phone field takes as its
  // default region.
  std::optional<std::string_view> resolve(std::string_view text) const;

  // Fills errors, warnings, value and info of `field`, with the name in `locale` (a
  // negotiated message locale). Returns what resolve() returns.
  std::optional<std::string_view> check(std::string_view text, std::string_view locale,
                                        field_result& field) const;

 private:
  std::vector<bool> eligible_;  // by index into the country table
};

}  // namespace veto

#endif  // VETO_CORE_COUNTRY_H
