// veto::message_overrides: an integrator's templates, checked once when they are made
// (codes.h for codes and parameters, check_template below for the syntax), so that a
// validator given them formats every message without failing. Compiled -Os: it runs once
// per set of templates (CMakeLists.txt).
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "codes.h"
#include "json_writer.h"
#include "messages.h"
#include "unicode.h"
#include "utf8.h"
#include "veto/veto.h"

namespace veto {
namespace {

// Reads a template the way pattern_formatter does, but strictly: anything the formatter
// would read leniently (an unclosed brace, an unknown argument type, a missing `other`) is
// refused, so that a template veto accepts means the same to the formatter and to ICU's
// MessageFormat (fuzz/capi.cpp checks ICU parses every template veto accepts).
class template_checker {
 public:
  template_checker(std::string_view text, const code_spec& spec) : p_(text), spec_(spec) {}

  expected<void> run() {
    message(/*depth=*/0, /*in_plural=*/false, /*nested=*/false);
    if (!error_.empty()) return unexpected("byte " + std::to_string(at_) + ": " + error_);
    return {};
  }

 private:
  bool fail(std::string problem) {
    if (error_.empty()) error_ = std::move(problem), at_ = i_;
    return false;
  }

  bool message(int depth, bool in_plural, bool nested) {
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '\'') {
        if (!quoted(in_plural)) return false;
      } else if (c == '{') {
        ++i_;
        if (!argument(depth + 1)) return false;
      } else if (c == '}') {
        if (nested) return true;
        return fail("a } without its {; write '}' for the character itself");
      } else {
        ++i_;
      }
    }
    if (nested) return fail("a { is not closed");
    return true;
  }

  bool quoted(bool in_plural) {
    if (i_ + 1 < p_.size() && p_[i_ + 1] == '\'') return i_ += 2, true;
    if (i_ + 1 >= p_.size() || !starts_quoted_text(p_[i_ + 1], in_plural)) return ++i_, true;
    const std::size_t start = i_++;
    while (i_ < p_.size()) {
      if (p_[i_] != '\'') {
        ++i_;
      } else if (i_ + 1 < p_.size() && p_[i_ + 1] == '\'') {
        i_ += 2;
      } else {
        return ++i_, true;
      }
    }
    i_ = start;
    return fail("the apostrophe starts quoted text that never ends; write '' for an apostrophe");
  }

  void skip_space() {
    while (i_ < p_.size() && is_space(p_[i_])) ++i_;
  }

  // An ASCII identifier, as argument names and selectors are: letters, digits and '_'.
  std::string_view identifier() {
    const std::size_t start = i_;
    while (i_ < p_.size() && (std::isalnum(static_cast<unsigned char>(p_[i_])) || p_[i_] == '_'))
      ++i_;
    return p_.substr(start, i_ - start);
  }

  std::string placeholders() const {
    std::string list;
    for (const param_spec& param : spec_.params) {
      if (param.name.empty()) continue;
      list += list.empty() ? "{" : ", {";
      list += param.name;
      list += '}';
    }
    return list.empty() ? std::string(spec_.name) + " has none"
                        : std::string(spec_.name) + " has " + list;
  }

  // After '{': name [, number [, integer] | , plural, choices | , select, choices] '}'
  bool argument(int depth) {
    const std::size_t brace_at = i_ - 1;
    if (depth > max_template_depth) {
      i_ = brace_at;
      return fail("arguments nested more than " + std::to_string(max_template_depth) + " deep");
    }
    skip_space();
    const std::string_view name = identifier();
    if (name.empty()) return i_ = brace_at, fail("a { must start a placeholder, like {" +
                                  std::string(spec_.params[0].name.empty() ? "name" : spec_.params[0].name) +
                                  "}; write '{' for the character itself");
    const param_spec* param = param_of(spec_, name);
    if (!param) {
      i_ = brace_at;
      return fail("unknown placeholder {" + std::string(name) + "}; " + placeholders());
    }
    skip_space();
    if (i_ < p_.size() && p_[i_] == '}') return ++i_, true;
    if (i_ >= p_.size() || p_[i_] != ',') return fail("expected } or , after {" + std::string(name));
    ++i_;
    skip_space();
    const std::size_t type_at = i_;
    const std::string_view type = identifier();
    const bool is_integer = param->type == param_type::integer;
    if (type != "number" && type != "plural" && type != "select") {
      i_ = type_at;
      return fail("unsupported argument type \"" + std::string(type) +
                  "\"; use plural, select or number");
    }
    if (type != "select" && !is_integer) {
      i_ = type_at;
      return fail("{" + std::string(name) + "} is text: it can be used in select, not " +
                  std::string(type));
    }
    if (type == "select" && is_integer) {
      i_ = type_at;
      return fail("{" + std::string(name) + "} is a number: use plural, not select");
    }
    skip_space();
    if (type == "number") {
      if (i_ < p_.size() && p_[i_] == ',') {
        ++i_;
        skip_space();
        if (identifier() != "integer") return fail("a number's only style is integer");
        skip_space();
      }
      if (i_ >= p_.size() || p_[i_] != '}') return fail("expected } to close {" + std::string(name));
      return ++i_, true;
    }
    if (i_ >= p_.size() || p_[i_] != ',') {
      return fail("expected , and the choices after " + std::string(type));
    }
    ++i_;
    return choices(depth, type == "plural");
  }

  // "selector {message}" pairs up to the closing '}', `other` among them.
  bool choices(int depth, bool plural) {
    std::vector<std::string_view> seen;
    for (;;) {
      skip_space();
      if (i_ >= p_.size()) return fail("a { is not closed");
      if (p_[i_] == '}') break;
      const std::size_t selector_at = i_;
      const bool exact = plural && p_[i_] == '=';
      if (exact) ++i_;
      const std::string_view word = identifier();
      const std::string_view selector = p_.substr(selector_at, i_ - selector_at);
      if (word.empty()) return fail("expected a selector or }");
      if (exact) {
        const bool digits = word.size() <= 18 &&
                            std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || (word.size() > 1 && word[0] == '0')) {
          i_ = selector_at;
          return fail("an exact selector is = and a whole number, like =0");
        }
      } else if (plural && word != "zero" && word != "one" && word != "two" && word != "few" &&
                 word != "many" && word != "other") {
        i_ = selector_at;
        return fail("unknown plural form \"" + std::string(word) +
                    "\"; use zero, one, two, few, many, other or =N");
      }
      if (std::find(seen.begin(), seen.end(), selector) != seen.end()) {
        i_ = selector_at;
        return fail("the selector " + std::string(selector) + " appears twice");
      }
      seen.push_back(selector);
      skip_space();
      if (i_ >= p_.size() || p_[i_] != '{') return fail("expected { after the selector " + std::string(selector));
      ++i_;
      if (!message(depth, plural, /*nested=*/true)) return false;
      ++i_;  // the '}' closing the choice's message
    }
    if (std::find(seen.begin(), seen.end(), "other") == seen.end()) {
      return fail(std::string(plural ? "plural" : "select") + " needs an other {...} choice");
    }
    return ++i_, true;
  }

  std::string_view p_;
  const code_spec& spec_;
  std::size_t i_ = 0;
  std::string error_;
  std::size_t at_ = 0;
};

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

expected<const code_spec*> known_code(std::string_view code) {
  const code_spec* spec = find_code(code);
  if (!spec) return refused(place(code), "not a code veto reports (docs/contract.md §7.5)");
  return spec;
}

// Checks one template and adds it to `into`.
expected<void> add(message_overrides::impl& into, const code_spec& spec, std::string_view locale,
                   std::string text) {
  const auto& locales = supported_locales();
  if (std::find(locales.begin(), locales.end(), locale) == locales.end()) {
    std::string list;
    for (const std::string_view known : locales) list += (list.empty() ? "" : " ") + std::string(known);
    return refused(place(spec.name, locale), "not a locale veto has messages for (" + list + ")");
  }
  if (expected<void> checked = check_template(text, spec); !checked) {
    return refused(place(spec.name, locale), checked.error());
  }
  if (!into.templates.emplace(message_overrides::impl::key(locale, spec.name), std::move(text)).second) {
    return refused(place(spec.name, locale), "given twice");
  }
  return {};
}

}  // namespace

expected<void> check_template(std::string_view text, const code_spec& spec) {
  if (text.size() > max_template_bytes) {
    return unexpected("longer than " + std::to_string(max_template_bytes) + " bytes");
  }
  if (const auto bad = utf8::first_invalid(text)) {
    return unexpected("byte " + std::to_string(*bad) + ": not valid UTF-8");
  }
  if (unicode::trim(text).empty()) return unexpected(std::string("empty"));
  return template_checker(text, spec).run();
}

message_overrides::message_overrides() noexcept = default;

std::size_t message_overrides::size() const noexcept {
  return state_ ? state_->templates.size() : 0;
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
  using json = nlohmann::json;
  if (text.size() > max_overrides_bytes) {
    return unexpected(std::string("messages: larger than 1 MiB"));
  }
  // The same DOM parse as the catalogs and the ruleset, with no callback: one instance of
  // nlohmann's parser in the Wasm module (a SAX reader of its own cost 2 KB of brotli). A
  // key given twice keeps its last value, as for the ruleset and as JSON.parse does.
  // nlohmann's lexer takes a NUL as the end of input (see document.cpp).
  const json all = text.find('\0') != std::string_view::npos
                       ? json(json::value_t::discarded)
                       : json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (all.is_discarded()) return unexpected(std::string("messages: not valid JSON"));
  if (!all.is_object()) {
    return unexpected(std::string(R"(messages: must be a JSON object {"code": {"locale": "template"}})"));
  }
  // In the order of the object's keys (sorted), so the first problem reported is stable.
  auto made = std::make_shared<impl>();
  for (const auto& [name, locales] : all.items()) {
    expected<const code_spec*> spec = known_code(name);
    if (!spec) return unexpected(std::move(spec).error());
    if (!locales.is_object()) return refused(place(name), R"(must be an object {"locale": "template"})");
    for (const auto& [locale, pattern] : locales.items()) {
      if (!pattern.is_string()) return refused(place(name, locale), "must be a string");
      expected<void> added = add(*made, **spec, locale, pattern.get<std::string>());
      if (!added) return unexpected(std::move(added).error());
    }
  }
  message_overrides out;
  if (!made->templates.empty()) out.state_ = std::move(made);
  return out;
}

}  // namespace veto
