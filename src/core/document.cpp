#include "document.h"

#include <nlohmann/json.hpp>

#include "utf8.h"

namespace veto {
namespace {

using json = nlohmann::json;

// Records the top-level members of an object; everything deeper is only counted in depth.
class member_collector {
 public:
  form members;
  bool top_is_object = false;

  bool null() { return scalar(form_member::kind::null); }
  bool boolean(bool) { return scalar(form_member::kind::boolean); }
  bool number_integer(json::number_integer_t) { return scalar(form_member::kind::number); }
  bool number_unsigned(json::number_unsigned_t) { return scalar(form_member::kind::number); }
  bool number_float(json::number_float_t, const json::string_t&) {
    return scalar(form_member::kind::number);
  }
  bool string(json::string_t& text) {
    if (at_member_value()) {
      members.back().type = form_member::kind::string;
      members.back().text = std::move(text);
    }
    return true;
  }
  bool binary(json::binary_t&) { return true; }  // never produced by the JSON parser
  bool start_object(std::size_t) { return open(form_member::kind::object); }
  bool start_array(std::size_t) { return open(form_member::kind::array); }
  bool end_object() { return --depth_, true; }
  bool end_array() { return --depth_, true; }
  bool key(json::string_t& name) {
    if (at_member_value()) {
      members.push_back(form_member{std::move(name), form_member::kind::null, {}});
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  // Inside the top-level object, where keys and member values stand (not in a top array).
  bool at_member_value() const { return depth_ == 1 && top_is_object; }

  bool scalar(form_member::kind type) {
    if (at_member_value()) members.back().type = type;
    return true;
  }
  bool open(form_member::kind type) {
    if (depth_ == 0) top_is_object = type == form_member::kind::object;
    if (at_member_value()) members.back().type = type;
    ++depth_;
    return true;
  }

  std::size_t depth_ = 0;
};

unexpected<document_error> failed(issue_code code, named_scalars params = {}) {
  return unexpected(document_error{code, std::move(params)});
}

}  // namespace

expected<form, document_error> parse_document(std::string_view line) {
  if (line.size() > max_document_bytes) return failed(issue_code::form_too_large);
  if (const auto bad = utf8::first_invalid(line)) {
    return failed(issue_code::form_encoding, {{"offset", static_cast<std::int64_t>(*bad)}});
  }
  // JSON allows no raw NUL anywhere, but nlohmann's lexer takes one as the end of input and
  // would accept `{}\0` followed by anything: refuse it here instead.
  if (line.find('\0') != std::string_view::npos) return failed(issue_code::form_json);
  // nlohmann's lexer skips exactly one byte order mark at the start, as docs/contract.md §1.2 asks.
  member_collector collector;
  const bool well_formed = json::sax_parse(line.begin(), line.end(), &collector,
                                           json::input_format_t::json, /*strict=*/true);
  if (!well_formed) return failed(issue_code::form_json);
  if (!collector.top_is_object) return failed(issue_code::form_not_object);
  return std::move(collector.members);
}

}  // namespace veto
