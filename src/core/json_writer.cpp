#include "json_writer.h"

#include <variant>

#include "utf8.h"

namespace veto {

void json_writer::number(std::int64_t value) {
  separate();
  out_ += std::to_string(value);
}

void json_writer::value(const scalar& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    null();
  } else if (const bool* flag = std::get_if<bool>(&value)) {
    boolean(*flag);
  } else if (const std::int64_t* count = std::get_if<std::int64_t>(&value)) {
    number(*count);
  } else {
    string(std::get<std::string>(value));
  }
}

void json_writer::quoted(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Copy the longest run that needs no escaping in one go.
    std::size_t run = pos;
    while (run < text.size()) {
      const auto c = static_cast<unsigned char>(text[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    out_.append(text.data() + pos, run - pos);
    pos = run;
    if (pos == text.size()) break;
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x80) {
      // Copy one well-formed sequence, or replace the bad bytes up to the next lead byte.
      const std::size_t length = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      const std::string_view sequence = text.substr(pos, length);
      if (sequence.size() == length && !utf8::first_invalid(sequence)) {
        out_.append(sequence);
        pos += length;
      } else {
        out_ += "\xEF\xBF\xBD";
        ++pos;
        while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0u) == 0x80u) ++pos;
      }
      continue;
    }
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 0xF];
    }
    ++pos;
  }
  out_ += '"';
}

}  // namespace veto
