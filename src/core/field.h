// What every field rule produces: the field's part of the result, before localization.
// Rules fill `code` and `params` of each issue; the validator adds the messages last.
#ifndef VETO_CORE_FIELD_H
#define VETO_CORE_FIELD_H

#include <string>
#include <utility>

#include "codes.h"
#include "veto/veto.h"

namespace veto {

// An issue with a code of the one list (codes.h), its message still to be added.
inline issue make_issue(issue_code code, named_scalars params = {}) {
  return issue{std::string(name_of(code)), std::move(params), {}};
}

inline void add_error(field_result& field, issue_code code, named_scalars params = {}) {
  field.valid = false;
  field.value.reset();
  field.errors.push_back(make_issue(code, std::move(params)));
}

inline void add_warning(field_result& field, issue_code code, named_scalars params = {}) {
  field.warnings.push_back(make_issue(code, std::move(params)));
}

}  // namespace veto

#endif  // VETO_CORE_FIELD_H
