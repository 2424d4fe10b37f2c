#include "messages.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <variant>

#include "embedded.h"
#include "plural.h"

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

}  // namespace

std::string format_message(std::string_view pattern, const named_scalars& params,
                           std::string_view locale) {
  return pattern_formatter(pattern, params, locale).run();
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
