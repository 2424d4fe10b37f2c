// The phone field (docs/contract.md §2.3): libphonenumber parses the number with the
// country of residence as default region, checks it, and formats it.
#ifndef VETO_CORE_PHONE_H
#define VETO_CORE_PHONE_H

#include <array>
#include <string_view>

#include "ruleset.h"
#include "veto/veto.h"

namespace veto {

// docs/contract.md §2.3 rule 2: libphonenumber's PhoneNumberType names in lower-case snake
// case, indexed by the enum's value (FIXED_LINE = 0 ... UNKNOWN = 11).
inline constexpr std::array<std::string_view, 12> phone_type_tokens = {
    "fixed_line",  "mobile", "fixed_line_or_mobile", "toll_free", "premium_rate",
    "shared_cost", "voip",   "personal_number",      "pager",     "uan",
    "voicemail",   "unknown"};

class phone_rules {
 public:
  explicit phone_rules(const phone_options& options) : options_(options) {}

  // `text`: the trimmed value, valid UTF-8. `region`: the alpha-2 code the country field
  // resolved to (also when not eligible), or empty: then only numbers with + parse.
  void check(std::string_view text, std::string_view region, field_result& field) const;

  // libphonenumber reads all regions' metadata on first use (about 140 ms in Wasm): this
  // does that now, so a page can pay it in idle time instead of on the first phone number.
  static void warm_up();

 private:
  const phone_options& options_;
};

}  // namespace veto

#endif  // VETO_CORE_PHONE_H
