// A compact JSON writer. veto writes its results itself, rather than through a DOM, so the
// bytes are fixed by this file alone: the same in the native and the Wasm build, keys in the
// order they are written, no whitespace, UTF-8 passed through as is.
#ifndef VETO_CORE_JSON_WRITER_H
#define VETO_CORE_JSON_WRITER_H

#include <cstdint>
#include <string>
#include <string_view>

#include "veto/veto.h"

namespace veto {

class json_writer {
 public:
  explicit json_writer(std::string& out) : out_(out) {}

  void begin_object() { separate(), out_ += '{', first_ = true; }
  void end_object() { out_ += '}', first_ = false; }
  void begin_array() { separate(), out_ += '[', first_ = true; }
  void end_array() { out_ += ']', first_ = false; }
  void key(std::string_view name) {
    separate();
    quoted(name);
    out_ += ':';
    first_ = true;  // the value that follows needs no comma
  }
  void string(std::string_view text) { separate(), quoted(text); }
  void number(std::int64_t value);
  void boolean(bool value) { separate(), out_ += value ? "true" : "false"; }
  void null() { separate(), out_ += "null"; }
  void value(const scalar& value);
  // Writes already serialized JSON as one value.
  void raw(std::string_view json) { separate(), out_ += json; }

 private:
  void separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  // Escapes what JSON requires; ill-formed UTF-8 (possible in member names handed over
  // without a document) becomes U+FFFD so the output is always valid JSON.
  void quoted(std::string_view text);

  std::string& out_;
  bool first_ = true;
};

}  // namespace veto

#endif  // VETO_CORE_JSON_WRITER_H
