#include "page_template.h"

#include <algorithm>
#include <utility>

namespace veto_server {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}

bool is_arg_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// Parses the inside of `{{...}}`; nullopt when it is not a well-formed placeholder.
std::optional<placeholder> parse_inside(std::string_view inside) {
  const std::size_t colon = inside.find(':');
  const std::string_view name = inside.substr(0, colon);
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) return std::nullopt;
  placeholder result{std::string(name), std::string()};
  if (colon != std::string_view::npos) {
    const std::string_view arg = inside.substr(colon + 1);
    if (arg.empty() || !std::all_of(arg.begin(), arg.end(), is_arg_char)) return std::nullopt;
    result.arg = std::string(arg);
  }
  return result;
}

}  // namespace

veto::expected<page_template> page_template::parse(std::string_view text, const placeholder_check& check) {
  page_template parsed;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      parsed.pieces_.push_back({std::string(text.substr(pos)), std::nullopt});
      break;
    }
    if (open > pos)
      parsed.pieces_.push_back({std::string(text.substr(pos, open - pos)), std::nullopt});
    // The placeholder ends at the first `}}`; a `{` inside makes it malformed, which also
    // keeps the scan linear (the next search starts after this `}}`).
    const std::size_t close = text.find("}}", open + 2);
    const std::string_view inside = close == std::string_view::npos
                                        ? std::string_view()
                                        : text.substr(open + 2, close - open - 2);
    std::optional<placeholder> slot;
    if (close != std::string_view::npos && inside.find('{') == std::string_view::npos) {
      slot = parse_inside(inside);
    }
    if (!slot) {
      return veto::unexpected("line " + std::to_string(line_of(text, open)) +
                              ": malformed placeholder (expected {{name}} or {{name:arg}})");
    }
    std::string problem = check(*slot);
    if (!problem.empty()) {
      return veto::unexpected("line " + std::to_string(line_of(text, open)) + ": {{" +
                              std::string(inside) + "}}: " + problem);
    }
    parsed.pieces_.push_back({std::string(), std::move(slot)});
    pos = close + 2;
  }
  return parsed;
}

void page_template::render(const std::function<void(const placeholder&, std::string&)>& fill,
                           std::string& out) const {
  for (const template_piece& piece : pieces_) {
    if (piece.slot) {
      fill(*piece.slot, out);
    } else {
      out += piece.literal;
    }
  }
}

void append_html_escaped(std::string_view text, std::string& out) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_html_escaped(text, out);
  return out;
}

}  // namespace veto_server
