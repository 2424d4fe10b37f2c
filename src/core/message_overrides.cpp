// veto::message_overrides: an integrator's templates, checked once when they are made
// (codes.h for codes and parameters, check_template for the syntax), so that a validator
// given them can format any message without failing.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "codes.h"
#include "json_writer.h"
#include "messages.h"
#include "veto/veto.h"

namespace veto {
namespace {

// The whole JSON text of overrides: all 41 codes in 26 locales at the catalogs' lengths are
// ~250 KB, so this leaves room and still bounds the work.
constexpr std::size_t max_overrides_bytes = 1024 * 1024;

std::string quoted(std::string_view text) {
  std::string out;
  json_writer(out).string(text);
  return out;
}

std::string place(std::string_view code) {
  return "messages[" + quoted(code) + "]";
}

std::string place(std::string_view code, std::string_view locale) {
  return place(code) + "[" + quoted(locale) + "]";
}

unexpected<std::string> refused(std::string where, std::string_view problem) {
  return unexpected(std::move(where) + ": " + std::string(problem));
}

std::string supported_list() {
  std::string list;
  for (const std::string_view locale : supported_locales()) {
    list += list.empty() ? "" : " ";
    list += locale;
  }
  return list;
}

expected<const code_spec*> known_code(std::string_view code) {
  const code_spec* spec = find_code(code);
  if (!spec) return refused(place(code), "not a code veto reports (docs/custom-messages.md)");
  return spec;
}

// Checks one template and adds it to `into`.
expected<void> add(message_overrides::impl& into, const code_spec& spec, std::string_view locale,
                   std::string text) {
  const auto& locales = supported_locales();
  if (std::find(locales.begin(), locales.end(), locale) == locales.end()) {
    return refused(place(spec.name, locale),
                   "not a locale veto has messages for (" + supported_list() + ")");
  }
  if (expected<void> checked = check_template(text, spec); !checked) {
    return refused(place(spec.name, locale), checked.error());
  }
  auto& in_locale = into.templates[std::string(locale)];
  if (!in_locale.emplace(std::string(spec.name), std::move(text)).second) {
    return refused(place(spec.name, locale), "given twice");
  }
  return {};
}

using json = nlohmann::json;

// Reads {code: {locale: template}} as it streams by, checking each member where it stands:
// the first problem in input order is the one reported, and nothing deeper than two levels
// is ever built.
class overrides_reader {
 public:
  message_overrides::impl made;
  std::string error;

  bool null() { return wrong_value(); }
  bool boolean(bool) { return wrong_value(); }
  bool number_integer(json::number_integer_t) { return wrong_value(); }
  bool number_unsigned(json::number_unsigned_t) { return wrong_value(); }
  bool number_float(json::number_float_t, const json::string_t&) { return wrong_value(); }
  bool binary(json::binary_t&) { return wrong_value(); }
  bool start_array(std::size_t) { return wrong_value(); }
  bool end_array() { return false; }
  bool string(json::string_t& text) {
    if (depth_ != 2) return wrong_value();
    expected<void> added = add(made, *spec_, locale_, std::move(text));
    if (!added) return fail(std::move(added).error());
    return true;
  }
  bool start_object(std::size_t) {
    if (depth_ >= 2) return wrong_value();
    ++depth_;
    return true;
  }
  bool end_object() { return --depth_, true; }
  bool key(json::string_t& name) {
    if (depth_ == 1) {
      expected<const code_spec*> spec = known_code(name);
      if (!spec) return fail(std::move(spec).error());
      spec_ = *spec;
      if (std::find(seen_codes_.begin(), seen_codes_.end(), spec_) != seen_codes_.end()) {
        return fail(refused(place(name), "given twice").error());
      }
      seen_codes_.push_back(spec_);
    } else {
      locale_ = std::move(name);
    }
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    return fail("messages: not valid JSON (at byte " + std::to_string(position) + ")");
  }

 private:
  bool fail(std::string problem) {
    if (error.empty()) error = std::move(problem);
    return false;
  }
  bool wrong_value() {
    if (depth_ == 0) return fail("messages: must be a JSON object {\"code\": {\"locale\": \"template\"}}");
    if (depth_ == 1) return fail(refused(place(spec_->name), "must be an object {\"locale\": \"template\"}").error());
    return fail(refused(place(spec_->name, locale_), "must be a string").error());
  }

  int depth_ = 0;
  const code_spec* spec_ = nullptr;
  std::string locale_;
  std::vector<const code_spec*> seen_codes_;  // at most the 41 codes: an unknown one stops
};

}  // namespace

message_overrides::message_overrides() noexcept = default;

std::size_t message_overrides::size() const noexcept {
  std::size_t count = 0;
  if (state_) {
    for (const auto& [locale, templates] : state_->templates) count += templates.size();
  }
  return count;
}

expected<message_overrides> message_overrides::from_templates(
    const std::vector<message_template>& templates) {
  auto made = std::make_shared<impl>();
  for (const message_template& given : templates) {
    expected<const code_spec*> spec = known_code(given.code);
    if (!spec) return unexpected(std::move(spec).error());
    expected<void> added = add(*made, **spec, given.locale, given.text);
    if (!added) return unexpected(std::move(added).error());
  }
  message_overrides out;
  if (!made->templates.empty()) out.state_ = std::move(made);
  return out;
}

expected<message_overrides> message_overrides::from_json(std::string_view text) {
  if (text.size() > max_overrides_bytes) {
    return unexpected(std::string("messages: larger than 1 MiB"));
  }
  // nlohmann's lexer takes a NUL as the end of input (see document.cpp).
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return unexpected("messages: not valid JSON (at byte " + std::to_string(nul) + ")");
  }
  overrides_reader reader;
  const bool read = json::sax_parse(text.begin(), text.end(), &reader, json::input_format_t::json,
                                    /*strict=*/true);
  if (!read) {
    return unexpected(reader.error.empty() ? std::string("messages: not valid JSON") : reader.error);
  }
  message_overrides out;
  if (!reader.made.templates.empty()) {
    out.state_ = std::make_shared<const impl>(std::move(reader.made));
  }
  return out;
}

}  // namespace veto
