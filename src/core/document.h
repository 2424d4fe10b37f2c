// Document hygiene (SPEC section 1): one line of input becomes the form's top-level
// members, or a form error. Streams through the JSON with a SAX handler, so no DOM is
// built: any nesting depth costs a bit per level, and only top-level strings are kept.
#ifndef VETO_CORE_DOCUMENT_H
#define VETO_CORE_DOCUMENT_H

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "veto/veto.h"

namespace veto {

inline constexpr std::size_t max_document_bytes = 1024 * 1024;

struct document_error {
  std::string code;  // form.too_large, form.encoding, form.json, form.not_object, ...
  named_scalars params;
};

struct parsed_document {
  form members;  // in input order
  std::optional<document_error> error;
};

parsed_document parse_document(std::string_view line);

}  // namespace veto

#endif  // VETO_CORE_DOCUMENT_H
