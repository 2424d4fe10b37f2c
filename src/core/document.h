// Document hygiene (docs/contract.md §1.2): one line of input becomes the form's top-level
// members, or a form error. Streams through the JSON with a SAX handler, so no DOM is
// built: any nesting depth costs a bit per level, and only top-level strings are kept.
#ifndef VETO_CORE_DOCUMENT_H
#define VETO_CORE_DOCUMENT_H

#include <cstddef>
#include <string>
#include <string_view>

#include "codes.h"
#include "veto/expected.h"
#include "veto/veto.h"

namespace veto {

struct document_error {
  issue_code code;  // form_too_large, form_encoding, form_json or form_not_object
  named_scalars params;
};

// The top-level members in input order (names may repeat: the validator refuses duplicates
// for documents and handed-over forms alike), or the document's error.
expected<form, document_error> parse_document(std::string_view line);

}  // namespace veto

#endif  // VETO_CORE_DOCUMENT_H
