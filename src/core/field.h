// What every field rule produces: the field's part of the result, before localization.
// Rules fill `code` and `params` of each issue; the validator adds the messages last.
#ifndef VETO_CORE_FIELD_H
#define VETO_CORE_FIELD_H

#include <string>
#include <utility>

#include "veto/veto.h"

namespace veto {

inline void add_error(field_result& field, std::string code, named_scalars params = {}) {
  field.valid = false;
  field.value.reset();
  field.errors.push_back(issue{std::move(code), std::move(params), {}});
}

inline void add_warning(field_result& field, std::string code, named_scalars params = {}) {
  field.warnings.push_back(issue{std::move(code), std::move(params), {}});
}

}  // namespace veto

#endif  // VETO_CORE_FIELD_H
