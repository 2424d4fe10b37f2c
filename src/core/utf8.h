// UTF-8 scanning without ICU: validation with the offset of the first bad byte, and a
// decoder for text already known to be valid.
#ifndef VETO_CORE_UTF8_H
#define VETO_CORE_UTF8_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace veto::utf8 {

// The offset of the first byte that does not start or continue a well-formed sequence
// (Unicode's "maximal subpart" rule: a truncated sequence is bad at its lead byte), or
// nullopt when all of `text` is well-formed UTF-8. Surrogates and values past U+10FFFF are
// ill-formed, so a lone surrogate encoded as ED A0 80 is caught here.
std::optional<std::size_t> first_invalid(std::string_view text) noexcept;

// Decodes the code point at `text[pos]` of valid UTF-8 and advances `pos` past it.
inline char32_t next(std::string_view text, std::size_t& pos) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    pos += 1;
    return lead;
  }
  if (lead < 0xE0) {
    const char32_t cp = ((lead & 0x1Fu) << 6) | (byte(pos + 1) & 0x3Fu);
    pos += 2;
    return cp;
  }
  if (lead < 0xF0) {
    const char32_t cp =
        ((lead & 0x0Fu) << 12) | ((byte(pos + 1) & 0x3Fu) << 6) | (byte(pos + 2) & 0x3Fu);
    pos += 3;
    return cp;
  }
  const char32_t cp = ((lead & 0x07u) << 18) | ((byte(pos + 1) & 0x3Fu) << 12) |
                      ((byte(pos + 2) & 0x3Fu) << 6) | (byte(pos + 3) & 0x3Fu);
  pos += 4;
  return cp;
}

// Decodes the code point that ends just before `text[end]` and moves `end` to its start.
inline char32_t previous(std::string_view text, std::size_t& end) noexcept {
  std::size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0u) == 0x80u) --start;
  std::size_t pos = start;
  const char32_t cp = next(text, pos);
  end = start;
  return cp;
}

void append(std::string& out, char32_t cp);

// "U+0041", "U+1F600": how messages and params name a character.
std::string code_point_label(char32_t cp);

}  // namespace veto::utf8

#endif  // VETO_CORE_UTF8_H
