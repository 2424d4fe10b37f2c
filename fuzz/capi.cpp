// libFuzzer target: the C interface (veto_c.h) as another language's FFI calls it. The first
// byte picks the call and the locale; the rest is the document, the members (split at 0x00:
// name, value, name, value, ...; a member's first byte picks its kind), the field name or a
// ruleset or message templates. Every string out must be NUL-terminated at its length and
// freed exactly once (LeakSanitizer checks that), and the C interface must give byte for
// byte what the C++ API gives, so the layer adds no behaviour of its own. Message templates
// veto accepts must also parse as ICU MessageFormat naming only their code's parameters
// (ICU is the oracle: a template veto accepts means the same to ICU), and format without
// failing.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/messagepattern.h>
#include <unicode/unistr.h>

#include <nlohmann/json.hpp>

#include "../src/core/codes.h"
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

// Forms that between them raise most codes, with parameters of each type.
const char* const message_forms[] = {
    R"({"email":"a b@x.de","country":"US","phone":"12","justification":"aaaa","x":1})",
    R"({"email":"anna@gmial.com","country":"UK","phone":"+1 202 555 0100"})",
    R"({"email":"a@-x.de","country":"ZZ","justification":"a\u0001b"})",
    R"({"email":1,"country":"","justification":"one two three four five six seven"})", "[",
    R"({"a":1,"a":2})"};

// Every template in the accepted JSON `text` parses as ICU MessageFormat and names only
// parameters of its code.
void require_icu_accepts(std::string_view text) {
  const auto all = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  require(all.is_object());
  for (const auto& [code, locales] : all.items()) {
    const veto::code_spec* spec = veto::find_code(code);
    require(spec != nullptr);
    for (const auto& [locale, pattern] : locales.items()) {
      UErrorCode status = U_ZERO_ERROR;
      UParseError where{};
      icu::MessagePattern parsed(icu::UnicodeString::fromUTF8(pattern.get<std::string>()), &where,
                                 status);
      require(U_SUCCESS(status));
      for (int i = 0; i < parsed.countParts(); ++i) {
        if (parsed.getPart(i).getType() != UMSGPAT_PART_TYPE_ARG_NAME) continue;
        std::string name;
        parsed.getSubstring(parsed.getPart(i)).toUTF8String(name);
        require(veto::param_of(*spec, name) != nullptr);
      }
    }
  }
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
      {
        // A number from the input's bytes, written in the locale the rest names.
        std::uint64_t bits = 0;
        for (const char c : rest.substr(0, 8)) bits = bits * 256 + static_cast<unsigned char>(c);
        const auto n = static_cast<std::int64_t>(bits);  // the high bit makes it negative
        require(veto_format_integer(v, n, rest.data(), rest.size(), &out) == VETO_OK);
        require(take(out) == cpp.format_integer(n, rest));
      }
      break;
    case 5: {
      // Message templates: refused as the C++ API refuses them, or accepted by ICU too and
      // giving the C++ API's results.
      veto_validator* loaded = nullptr;
      const veto_status status =
          veto_create_with_messages(nullptr, 0, rest.data(), rest.size(), &loaded, &out);
      const auto expected = veto::message_overrides::from_json(rest);
      if (!expected) {
        require(status == VETO_ERROR_MESSAGES && loaded == nullptr);
        require(take(out) == expected.error());
        break;
      }
      require(status == VETO_OK && loaded != nullptr && out.data == nullptr);
      require_icu_accepts(rest);
      const auto custom = veto::validator::from_default_ruleset(*expected);
      for (const char* form_line : message_forms) {
        const std::string_view doc(form_line);
        require(veto_validate_json(loaded, doc.data(), doc.size(), locale.data(), locale.size(),
                                   &out) == VETO_OK);
        require(take(out) == veto::to_json(custom->validate_json(doc, locale)));
      }
      veto_destroy(loaded);
      break;
    }
    case 4: {
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
