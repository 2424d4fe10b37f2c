// Localized messages for every error and warning code. Catalogs are data files
// (src/data/messages/LOCALE.json: code -> pattern) embedded at build time. Patterns use
// ICU MessageFormat syntax: {param}, {n, plural, one {...} other {...}} with #, and
// {param, select, a {...} other {...}}. They are formatted here, with plural.h choosing the
// plural form, rather than with icu::MessageFormat: that class drags ICU's date, calendar
// and time-zone code into the WebAssembly module (~200 KB, WASM-NOTES) for features veto's
// messages never use. Numbers are written as the locale writes integers (format_integer).
#ifndef VETO_CORE_MESSAGES_H
#define VETO_CORE_MESSAGES_H

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "codes.h"
#include "veto/expected.h"
#include "veto/veto.h"

namespace veto {

// `n` as CLDR 42 writes an integer in cldr_locale(`locale`) (plural.h): the locale's digits
// and minus sign, and its grouping separator every three digits once the number has
// 3 + minimumGroupingDigits digits ("10.000" in de, "10 000" with U+202F in fr, "1000" but
// "10 000" in pl). From a table generated from ICU 72.1 (tools/gen-numbers), not ICU's
// number formatting, which the WebAssembly module does not link: the table and this
// function cost the module 1.1 KB of brotli (bench/RESULTS.md). Unknown locales get plain
// ASCII digits.
std::string format_integer(std::string_view locale, std::int64_t n);

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

// Limits on an integrator's template (docs/contract.md §7.5). The longest catalog pattern is
// 1.6 KB (bg email.domain_invalid) and nests arguments 1 deep. The depth is bounded because
// formatting a plural reads its choices up to twice, so each level could double the work.
inline constexpr std::size_t max_template_bytes = 8 * 1024;
inline constexpr int max_template_depth = 3;

// Checks a template for `spec`'s messages: valid UTF-8, not blank, within the limits, and the
// subset of ICU MessageFormat the formatter reads, strictly: {param} with a parameter of the
// code; {n, number} or {n, number, integer} and {n, plural, ...} only for integer
// parameters; {p, select, ...} only for text ones; plural forms zero one two few many other
// and =N; an `other` choice; each selector once; quotes as ICU's default apostrophe mode.
// The problem, when there is one, says where: "byte 12: unknown placeholder {x}; ...".
expected<void> check_template(std::string_view text, const code_spec& spec);

// `pattern` (a catalog's, or a checked template) formatted with `params` in `locale`.
std::string format_message(std::string_view pattern, const named_scalars& params,
                           std::string_view locale);

class message_catalog {
 public:
  // Loads the embedded catalogs. Never fails: a broken catalog is a build-time test failure.
  message_catalog();
  ~message_catalog();

  // docs/contract.md §7.3: the exact tag, then its language, then "en" ("no" and "nn" read "nb").
  std::string_view negotiate(std::string_view tag) const;

  // The message for `code` in `locale` (already negotiated). Falls back to English, then
  // to the code itself, so a message is never empty.
  std::string format(std::string_view locale, std::string_view code,
                     const named_scalars& params) const;

  std::vector<std::string> locales() const;
  // The pattern of `code` in `locale`, or nullptr: for catalog checks.
  const std::string* pattern(std::string_view locale, std::string_view code) const;

 private:
  // A catalog is parsed on its first use, not when the validator is made: a page or a
  // request needs one or two of the 26, and parsing all of them
  // was the largest part of making a validator. call_once keeps it safe across threads.
  struct locale_catalog {
    std::string_view source;  // the embedded JSON
    mutable std::once_flag loaded;
    mutable std::map<std::string, std::string, std::less<>> patterns;
  };
  static const locale_catalog& loaded(const locale_catalog& catalog);
  std::map<std::string, locale_catalog, std::less<>> catalogs_;
};

// The checked templates of a veto::message_overrides, by locale and code.
struct message_overrides::impl {
  std::map<std::string, std::string, std::less<>> templates;  // key(locale, code) -> template

  static std::string key(std::string_view locale, std::string_view code) {
    std::string joined(locale);
    joined += ' ';
    joined += code;
    return joined;
  }
  const std::string* find(std::string_view locale, std::string_view code) const {
    const auto found = templates.find(key(locale, code));
    return found == templates.end() ? nullptr : &found->second;
  }
};

}  // namespace veto

#endif  // VETO_CORE_MESSAGES_H
