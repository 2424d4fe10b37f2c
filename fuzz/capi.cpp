// libFuzzer target: the C interface (veto_c.h) as another language's FFI calls it. The first
// byte picks the call and the locale; the rest is the document, the members (split at 0x00:
// name, value, name, value, ...; a member's first byte picks its kind), the field name or a
// ruleset. Every string out must be NUL-terminated at its length and freed exactly once
// (LeakSanitizer checks that), and the C interface must give byte for byte what the C++ API
// gives, so the layer adds no behaviour of its own.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "veto/veto.h"
#include "veto/veto_c.h"

namespace {

const veto_validator* c_validator() {
  static veto_validator* v = [] {
    veto_validator* made = nullptr;
    if (veto_create_default(&made) != VETO_OK) std::abort();
    return made;
  }();
  return v;
}

const veto::validator& cpp_validator() {
  static const veto::validator loaded = *veto::validator::from_default_ruleset();
  return loaded;
}

// Takes a string veto gave: checks it, copies it and frees it.
std::string take(const veto_string& s) {
  if (s.data == nullptr || s.data[s.length] != '\0') std::abort();
  std::string copy(s.data, s.length);
  veto_free(s.data);
  return copy;
}

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char* const locales[] = {"en", "de", "fr-CA", "pl", "ga", "", "xx", "el"};
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string_view locale = locales[(pick >> 3) % 8];
  const veto_validator* v = c_validator();
  const veto::validator& cpp = cpp_validator();
  veto_string out;

  // The members: NUL-separated name/value pairs; a value's first byte % 6 is its kind.
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = rest.find('\0', start);
    parts.push_back(rest.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::vector<veto_member> members;
  veto::form form;
  for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
    const std::string_view name = parts[i];
    std::string_view value = parts[i + 1];
    const int kind = value.empty() ? VETO_KIND_STRING : static_cast<unsigned char>(value[0]) % 6;
    if (!value.empty()) value.remove_prefix(1);
    members.push_back({name.data(), name.size(), value.data(), value.size(), kind});
    form.push_back({std::string(name), static_cast<veto::form_member::kind>(kind),
                    kind == VETO_KIND_STRING ? std::string(value) : std::string()});
  }

  switch (pick % 6) {
    case 0:
      require(veto_validate_json(v, rest.data(), rest.size(), locale.data(), locale.size(),
                                 &out) == VETO_OK);
      require(take(out) == veto::to_json(cpp.validate_json(rest, locale)));
      break;
    case 1:
      require(veto_validate_members(v, members.data(), members.size(), locale.data(),
                                    locale.size(), &out) == VETO_OK);
      require(take(out) == veto::to_json(cpp.validate(form, locale)));
      break;
    case 2: {
      const std::string_view name = parts[0];
      const veto_status status = veto_validate_field(v, name.data(), name.size(), members.data(),
                                                     members.size(), locale.data(),
                                                     locale.size(), &out);
      const auto expected = cpp.validate_field(name, form, locale);
      if (!expected) {
        require(status == VETO_ERROR_NO_FIELD && out.data == nullptr && out.length == 0);
      } else {
        require(status == VETO_OK && take(out) == veto::to_json(*expected));
      }
      break;
    }
    case 3:
      require(veto_countries(v, rest.data(), rest.size(), &out) == VETO_OK);
      require(take(out) == veto::to_json(cpp.countries(rest)));
      require(veto_message_locale(v, rest.data(), rest.size(), &out) == VETO_OK);
      require(take(out) == cpp.message_locale(rest));
      break;
    case 4:
    case 5: {
      // A ruleset: loads as the C++ loader says, or fails with the loader's message.
      veto_validator* loaded = nullptr;
      const veto_status status = veto_create(rest.data(), rest.size(), &loaded, &out);
      const auto expected = veto::validator::from_ruleset(rest);
      if (expected) {
        require(status == VETO_OK && loaded != nullptr && out.data == nullptr);
        require(veto_ruleset_json(loaded, &out) == VETO_OK);
        require(take(out) == expected->ruleset_json());
      } else {
        require(status == VETO_ERROR_RULESET && loaded == nullptr);
        require(take(out) == expected.error());
      }
      veto_destroy(loaded);
      break;
    }
  }
  return 0;
}
