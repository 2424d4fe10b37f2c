// The page templates of docs/page-and-server.md: text with `{{name}}` and `{{name:arg}}`
// placeholders and nothing else special. Parsed once at start-up (where an unknown
// placeholder is an error, so a typo cannot ship), rendered in one linear pass.
#ifndef VETO_SERVER_PAGE_TEMPLATE_H
#define VETO_SERVER_PAGE_TEMPLATE_H

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veto/expected.h"

namespace veto_server {

// `{{name}}` has an empty arg; `{{t:page.title}}` has name "t" and arg "page.title".
struct placeholder {
  std::string name;
  std::string arg;
};

// A template as alternating pieces: literal text, and placeholders to fill in.
struct template_piece {
  std::string literal;  // used when `slot` is nullopt
  std::optional<placeholder> slot;
};

// Says whether a placeholder is known: empty when it is, else why not.
using placeholder_check = std::function<std::string(const placeholder&)>;

class page_template {
 public:
  // Placeholder syntax: `{{` NAME (`:` ARG)? `}}` with NAME of `a-z` and `_`, ARG of ASCII
  // letters, digits, `_`, `.` and `-`. Any other `{{` (also one never closed) is an error,
  // as is a placeholder `check` refuses. The error names the line and the problem.
  static veto::expected<page_template> parse(std::string_view text,
                                             const placeholder_check& check);

  const std::vector<template_piece>& pieces() const noexcept { return pieces_; }

  // Appends the rendered page: literals as they are, each placeholder as `fill` appends it.
  void render(const std::function<void(const placeholder&, std::string&)>& fill,
              std::string& out) const;

 private:
  std::vector<template_piece> pieces_;
};

// Escapes text for HTML element content and quoted attribute values: & < > " '.
void append_html_escaped(std::string_view text, std::string& out);
std::string html_escaped(std::string_view text);

}  // namespace veto_server

#endif  // VETO_SERVER_PAGE_TEMPLATE_H
