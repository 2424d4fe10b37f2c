// What the table generators of tools/ (gen-casefold, gen-numbers) write tables with: ICU
// strings as UTF-8, and UTF-8 as C++ string literals that stay ASCII.
#ifndef VETO_TOOLS_TABLE_TEXT_H
#define VETO_TOOLS_TABLE_TEXT_H

#include <unicode/unistr.h>

#include <cctype>
#include <cstdio>
#include <string>

namespace table_text {

inline std::string utf8(const icu::UnicodeString& text) {
  std::string out;
  return text.toUTF8String(out);
}

// A C++ string literal of UTF-8 bytes, every non-ASCII byte escaped.
inline std::string literal(const std::string& bytes) {
  std::string out = "\"";
  bool after_escape = false;
  for (const unsigned char b : bytes) {
    const bool plain = b >= 0x20 && b < 0x7F && b != '"' && b != '\\' && b != '?';
    // A hex escape swallows the hex digits after it: end the literal there.
    if (plain && after_escape && std::isxdigit(b)) out += "\"\"";
    if (plain) {
      out += static_cast<char>(b);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", b);
      out += hex;
    }
    after_escape = !plain;
  }
  return out + "\"";
}

}  // namespace table_text

#endif  // VETO_TOOLS_TABLE_TEXT_H
