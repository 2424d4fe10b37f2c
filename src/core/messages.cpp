#include "messages.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <nlohmann/json.hpp>
#include <variant>

#include "embedded.h"
#include "plural.h"
#include "unicode.h"
#include "utf8.h"

namespace veto {
namespace {

struct number_symbols {
  std::string_view locale;
  std::string_view digits;  // 0 to 9, each of the same length
  std::string_view minus;
  std::string_view group;
  std::size_t min_grouping;
};

#include "number_data.inc"

}  // namespace

std::string format_integer(std::string_view locale, std::int64_t n) {
  const auto* end = std::end(number_table);
  const auto* s = std::lower_bound(std::begin(number_table), end, locale,
                                   [](const number_symbols& row, std::string_view key) {
                                     return row.locale < key;
                                   });
  if (s == end || s->locale != locale) return std::to_string(n);
  const std::uint64_t magnitude =
      n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  const std::string plain = std::to_string(magnitude);
  const std::size_t width = s->digits.size() / 10;
  const bool grouped = plain.size() >= 3 + s->min_grouping;
  std::string out(n < 0 ? s->minus : std::string_view());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (grouped && i > 0 && (plain.size() - i) % 3 == 0) out += s->group;
    out += s->digits.substr(static_cast<std::size_t>(plain[i] - '0') * width, width);
  }
  return out;
}

namespace {

// Integers are written the locale's way; text and flags as they are.
std::string scalar_text(const scalar& value, std::string_view locale) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<std::int64_t>(&value)) return format_integer(locale, *number);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  return "";
}

// A select keyword is the value's plain text: a number selects by its digits.
std::string select_key(const scalar& value) {
  if (const auto* number = std::get_if<std::int64_t>(&value)) return std::to_string(*number);
  return scalar_text(value, "");
}

const scalar* find_param(const named_scalars& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

// The syntax the formatter and check_template share. Spaces inside an argument: ICU's
// Pattern_White_Space has more, but templates are checked to use only these.
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

// ICU's default apostrophe mode: an apostrophe before { or } (or # in a plural's message)
// starts quoted text; '|' would too only inside a choice argument, which veto has not.
constexpr bool starts_quoted_text(char next, bool in_plural) {
  return next == '{' || next == '}' || (in_plural && next == '#');
}

// Formats the ICU MessageFormat subset described in messages.h. Patterns are trusted data
// (checked by tests), so a malformed one degrades to its literal text instead of failing.
class pattern_formatter {
 public:
  pattern_formatter(std::string_view pattern, const named_scalars& params, std::string_view locale)
      : p_(pattern), params_(params), locale_(locale) {}

  std::string run() {
    std::string out;
    message(out, /*plural_number=*/nullptr, /*nested=*/false);
    return out;
  }

 private:
  // Copies text up to the end of the pattern, or up to the '}' closing a nested message.
  void message(std::string& out, const std::int64_t* plural_number, bool nested) {
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '}' && nested) return;
      if (c == '\'') {
        quoted(out, plural_number != nullptr);
      } else if (c == '{') {
        ++i_;
        argument(out);
      } else if (c == '#' && plural_number) {
        out += format_integer(locale_, *plural_number);
        ++i_;
      } else {
        out += c;
        ++i_;
      }
    }
  }

  // ICU's default apostrophe mode: '' is one apostrophe; an apostrophe before { } (or # in
  // a plural) quotes up to the next lone apostrophe; any other apostrophe is literal.
  void quoted(std::string& out, bool in_plural) {
    if (i_ + 1 < p_.size() && p_[i_ + 1] == '\'') {
      out += '\'', i_ += 2;
      return;
    }
    const bool starts_quote = i_ + 1 < p_.size() && starts_quoted_text(p_[i_ + 1], in_plural);
    ++i_;
    if (!starts_quote) {
      out += '\'';
      return;
    }
    while (i_ < p_.size()) {
      if (p_[i_] == '\'') {
        if (i_ + 1 < p_.size() && p_[i_ + 1] == '\'') {
          out += '\'', i_ += 2;
          continue;
        }
        ++i_;
        return;
      }
      out += p_[i_++];
    }
  }

  void skip_space() {
    while (i_ < p_.size() && is_space(p_[i_])) ++i_;
  }

  std::string_view word() {
    skip_space();
    const std::size_t start = i_;
    while (i_ < p_.size() && p_[i_] != ',' && p_[i_] != '}' && p_[i_] != '{' && !is_space(p_[i_])) ++i_;
    const std::string_view w = p_.substr(start, i_ - start);
    skip_space();
    return w;
  }

  // After '{': name [, plural|select|number, ...] '}'
  void argument(std::string& out) {
    const std::string_view name = word();
    const scalar* value = find_param(params_, name);
    if (i_ < p_.size() && p_[i_] == '}') {
      ++i_;
      if (value) out += scalar_text(*value, locale_);
      return;
    }
    if (i_ >= p_.size() || p_[i_] != ',') return;
    ++i_;
    const std::string_view type = word();
    if (type == "number") {  // {n, number} or {n, number, integer}: plain digits
      while (i_ < p_.size() && p_[i_] != '}') ++i_;
      ++i_;
      if (value) out += scalar_text(*value, locale_);
      return;
    }
    if (i_ >= p_.size() || p_[i_] != ',') return;
    ++i_;
    if (type == "plural") {
      plural(out, value);
    } else {
      select(out, value);
    }
  }

  // Reads "selector {message}" pairs up to the closing '}' and formats the one chosen.
  template <typename Choose>
  void choice(std::string& out, const std::int64_t* plural_number, Choose&& is_chosen) {
    bool done = false;
    std::string other;
    while (i_ < p_.size()) {
      skip_space();
      if (i_ < p_.size() && p_[i_] == '}') {
        ++i_;
        break;
      }
      const std::string_view selector = word();
      if (i_ >= p_.size() || p_[i_] != '{') return;
      ++i_;
      std::string text;
      message(text, plural_number, /*nested=*/true);
      ++i_;  // the '}' closing the nested message
      if (!done && is_chosen(selector)) {
        out += text;
        done = true;
      } else if (selector == "other") {
        other = std::move(text);
      }
    }
    if (!done) out += other;
  }

  void plural(std::string& out, const scalar* value) {
    std::int64_t number = 0;
    if (value) {
      if (const auto* n = std::get_if<std::int64_t>(value)) number = *n;
    }
    const std::string_view keyword = plural_category(locale_, number);
    const std::string exact = "=" + std::to_string(number);
    // An explicit =N beats a keyword wherever it stands, so look for it first.
    const std::size_t start = i_;
    std::string chosen;
    bool has_exact = false;
    choice(chosen, &number, [&](std::string_view s) { return s == exact && (has_exact = true); });
    if (!has_exact) {
      i_ = start;
      chosen.clear();
      choice(chosen, &number, [&](std::string_view s) { return s == keyword; });
    }
    out += chosen;
  }

  void select(std::string& out, const scalar* value) {
    const std::string key = value ? select_key(*value) : "";
    choice(out, nullptr, [&](std::string_view s) { return s == key; });
  }

  std::string_view p_;
  std::size_t i_ = 0;
  const named_scalars& params_;
  std::string_view locale_;
};

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

}  // namespace

std::string format_message(std::string_view pattern, const named_scalars& params,
                           std::string_view locale) {
  return pattern_formatter(pattern, params, locale).run();
}

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

message_catalog::message_catalog() {
  for (std::size_t i = 0; i < embedded::message_catalog_count; ++i) {
    const embedded::file& file = embedded::message_catalogs[i];
    const std::string locale(file.name.substr(0, file.name.find('.')));
    catalogs_[locale].source = file.contents;
  }
}

const message_catalog::locale_catalog& message_catalog::loaded(const locale_catalog& catalog) {
  std::call_once(catalog.loaded, [&catalog] {
    const auto document = nlohmann::json::parse(catalog.source.begin(), catalog.source.end(),
                                                nullptr, /*allow_exceptions=*/false);
    if (document.is_object()) {
      for (const auto& [code, pattern] : document.items()) {
        if (pattern.is_string()) catalog.patterns.emplace(code, pattern.get<std::string>());
      }
    }
  });
  return catalog;
}

message_catalog::~message_catalog() = default;

std::string_view message_catalog::negotiate(std::string_view tag) const {
  std::string normalized;
  for (const char c : tag) {
    normalized += c == '_' ? '-' : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (const auto exact = catalogs_.find(normalized); exact != catalogs_.end()) return exact->first;
  std::string language = normalized.substr(0, normalized.find('-'));
  // Norwegian: "no" is the macrolanguage and Nynorsk readers read Bokmål, the catalog veto has.
  if (language == "no" || language == "nn") language = "nb";
  if (const auto lang = catalogs_.find(language); lang != catalogs_.end()) return lang->first;
  return "en";
}

std::string message_catalog::format(std::string_view locale, std::string_view code,
                                    const named_scalars& params) const {
  for (const std::string_view candidate : {locale, std::string_view("en")}) {
    const auto found = catalogs_.find(candidate);
    if (found == catalogs_.end()) continue;
    const locale_catalog& catalog = loaded(found->second);
    const auto pattern = catalog.patterns.find(code);
    if (pattern == catalog.patterns.end()) continue;
    return pattern_formatter(pattern->second, params, found->first).run();
  }
  return std::string(code);
}

std::vector<std::string> message_catalog::locales() const {
  std::vector<std::string> out;
  for (const auto& [locale, catalog] : catalogs_) out.push_back(locale);
  return out;
}

const std::string* message_catalog::pattern(std::string_view locale, std::string_view code) const {
  const auto found = catalogs_.find(locale);
  if (found == catalogs_.end()) return nullptr;
  const locale_catalog& catalog = loaded(found->second);
  const auto it = catalog.patterns.find(code);
  return it == catalog.patterns.end() ? nullptr : &it->second;
}

}  // namespace veto
