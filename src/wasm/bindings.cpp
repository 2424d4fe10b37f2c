// The C ABI the JavaScript API (web/veto-api.js) calls. Strings cross the boundary as
// UTF-8 bytes in the module's memory: JS writes input into a reusable buffer, and every
// call leaves its output in one reusable buffer (read at once, before the next call).
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "veto/veto.h"

namespace {

std::vector<unsigned char> input;
std::string output;

const char* set_output(std::string text) {
  output = std::move(text);
  return output.c_str();
}

std::string_view view(const char* data, std::uint32_t length) {
  return {data, length};
}

// Packed members, as web/veto-api.js writes them (little-endian):
//   u32 count, then per member: u8 kind, u32 name length, name, u32 text length, text.
// Returns false on a malformed buffer, which only a bug in veto-api.js could produce.
bool unpack(const unsigned char* data, std::uint32_t length, veto::form& members) {
  std::uint32_t pos = 0;
  const auto read_u32 = [&](std::uint32_t& value) {
    if (length - pos < 4) return false;
    std::memcpy(&value, data + pos, 4);
    pos += 4;
    return true;
  };
  const auto read_bytes = [&](std::string& out) {
    std::uint32_t size = 0;
    if (!read_u32(size) || length - pos < size) return false;
    out.assign(reinterpret_cast<const char*>(data + pos), size);
    pos += size;
    return true;
  };
  std::uint32_t count = 0;
  if (!read_u32(count)) return false;
  members.clear();
  for (std::uint32_t i = 0; i < count; ++i) {
    if (pos >= length || data[pos] > static_cast<unsigned char>(veto::form_member::kind::object))
      return false;
    veto::form_member member;
    member.type = static_cast<veto::form_member::kind>(data[pos++]);
    if (!read_bytes(member.name) || !read_bytes(member.text)) return false;
    members.push_back(std::move(member));
  }
  return pos == length;
}

}  // namespace

extern "C" {

// A buffer of at least `size` bytes for the next call's input.
EMSCRIPTEN_KEEPALIVE unsigned char* veto_input(std::uint32_t size) {
  if (input.size() < size) input.resize(size);
  return input.data();
}

EMSCRIPTEN_KEEPALIVE const char* veto_output() {
  return output.c_str();
}

EMSCRIPTEN_KEEPALIVE std::uint32_t veto_output_length() {
  return static_cast<std::uint32_t>(output.size());
}

// Loads a ruleset (empty: the default). Null on failure, with the message as output.
EMSCRIPTEN_KEEPALIVE veto::validator* veto_create(const char* ruleset, std::uint32_t length) {
  veto::expected<veto::validator> loaded = length == 0
                                               ? veto::validator::from_default_ruleset()
                                               : veto::validator::from_ruleset(view(ruleset, length));
  if (!loaded) {
    set_output(std::move(loaded).error());
    return nullptr;
  }
  set_output(loaded->ruleset_json());
  return new veto::validator(std::move(*loaded));
}

EMSCRIPTEN_KEEPALIVE void veto_destroy(veto::validator* v) {
  delete v;
}

// The input buffer holds the locale, then the document.
EMSCRIPTEN_KEEPALIVE const char* veto_validate_json(const veto::validator* v,
                                                    std::uint32_t locale_length,
                                                    std::uint32_t document_length) {
  const char* base = reinterpret_cast<const char*>(input.data());
  return set_output(veto::to_json(
      v->validate_json(view(base + locale_length, document_length), view(base, locale_length))));
}

// The input buffer holds the locale, then the packed members.
EMSCRIPTEN_KEEPALIVE const char* veto_validate_members(const veto::validator* v,
                                                       std::uint32_t locale_length,
                                                       std::uint32_t packed_length) {
  veto::form members;
  if (!unpack(input.data() + locale_length, packed_length, members)) return nullptr;
  const char* base = reinterpret_cast<const char*>(input.data());
  return set_output(veto::to_json(v->validate(members, view(base, locale_length))));
}

// The input buffer holds the locale, the field name, then the packed members. Null when
// the ruleset has no such field.
EMSCRIPTEN_KEEPALIVE const char* veto_validate_field(const veto::validator* v,
                                                     std::uint32_t locale_length,
                                                     std::uint32_t name_length,
                                                     std::uint32_t packed_length) {
  veto::form members;
  const unsigned char* packed = input.data() + locale_length + name_length;
  if (!unpack(packed, packed_length, members)) return nullptr;
  const char* base = reinterpret_cast<const char*>(input.data());
  const auto field = v->validate_field(view(base + locale_length, name_length), members,
                                       view(base, locale_length));
  return field ? set_output(veto::to_json(*field)) : nullptr;
}

// The input buffer holds the locale.
EMSCRIPTEN_KEEPALIVE const char* veto_countries(const veto::validator* v,
                                                std::uint32_t locale_length) {
  const char* base = reinterpret_cast<const char*>(input.data());
  return set_output(veto::to_json(v->countries(view(base, locale_length))));
}

// Pays libphonenumber's one-time set-up now (about 140 ms in Wasm), e.g. in idle time.
EMSCRIPTEN_KEEPALIVE void veto_warm_up() {
  veto::warm_up();
}

}  // extern "C"
