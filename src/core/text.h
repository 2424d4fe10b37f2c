// The free-text fields (docs/contract.md §2.4): line ends and NFC, forbidden characters,
// length in extended grapheme clusters, words counted so that ICU's dictionaries never
// change the count, and a check that the text is more than a few repeated characters.
#ifndef VETO_CORE_TEXT_H
#define VETO_CORE_TEXT_H

#include <string_view>

#include "ruleset.h"
#include "veto/veto.h"

namespace veto {

class text_rules {
 public:
  explicit text_rules(const text_options& options) : options_(options) {}

  // `text`: the field's trimmed value, valid UTF-8.
  void check(std::string_view text, field_result& field) const;

 private:
  const text_options& options_;
};

}  // namespace veto

#endif  // VETO_CORE_TEXT_H
