// application/x-www-form-urlencoded bodies, as a browser's plain HTML form sends them, and
// how they become the validator's form members.
#ifndef VETO_SERVER_URLENCODED_H
#define VETO_SERVER_URLENCODED_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veto/veto.h"

namespace veto_server {

// One `name=value` pair, decoded: `+` is a space and `%XX` the byte XX. A `%` not followed
// by two hex digits stays as it is (what the WHATWG URL standard does). The bytes are not
// checked for UTF-8 here: the validator reports ill-formed values (`encoding`).
struct urlencoded_pair {
  std::string name;
  std::string value;
};

// Splits a body at `&`, skipping empty pieces, and each piece at its first `=` (a piece
// without one is a name with an empty value). One pass, linear in the body.
std::vector<urlencoded_pair> parse_urlencoded(std::string_view body);

// Decodes one name or value (see urlencoded_pair).
std::string percent_decode(std::string_view text);

// A submission of the objection page without JavaScript. `locale` and `idempotency_key`
// are controls of the page, not fields of the form: they are taken out (the first of each
// counts). Every other pair becomes a string member in body order, repeated names and
// empty values included: the validator treats an empty or blank value as absent
// (docs/contract.md §1.3), so an empty optional `phone` input means "not given", and a
// repeated name is `form.duplicate_field` exactly as in a JSON document.
struct page_submission {
  veto::form members;
  std::string locale;                          // empty when the body has none
  std::optional<std::string> idempotency_key;  // nullopt when absent
};

page_submission to_page_submission(std::vector<urlencoded_pair> pairs);

}  // namespace veto_server

#endif  // VETO_SERVER_URLENCODED_H
