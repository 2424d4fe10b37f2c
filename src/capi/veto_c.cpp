// The C interface (include/veto/veto_c.h) over the C++ API: argument checks, copies of the
// C++ results into malloc'd strings, and every exception turned into a veto_status.
#include "veto/veto_c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "veto/veto.h"

struct veto_validator {
  const veto::validator cpp;
};

namespace {

// A caller's string: NULL is empty only with length 0.
bool view(const char* data, std::size_t length, std::string_view& out) {
  if (data == nullptr && length != 0) return false;
  out = data == nullptr ? std::string_view() : std::string_view(data, length);
  return true;
}

void clear(veto_string* out) {
  if (out != nullptr) *out = {nullptr, 0};
}

// Copies `text` into a malloc'd, NUL-terminated string the caller frees with veto_free.
veto_status give(std::string_view text, veto_string* out) {
  char* data = static_cast<char*>(std::malloc(text.size() + 1));
  if (data == nullptr) return VETO_ERROR_MEMORY;
  if (!text.empty()) std::memcpy(data, text.data(), text.size());
  data[text.size()] = '\0';
  *out = {data, text.size()};
  return VETO_OK;
}

bool to_form(const veto_member* members, std::size_t count, veto::form& form) {
  if (members == nullptr && count != 0) return false;
  form.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const veto_member& m = members[i];
    std::string_view name;
    std::string_view text;
    if (m.kind < VETO_KIND_STRING || m.kind > VETO_KIND_OBJECT) return false;
    if (!view(m.name, m.name_length, name)) return false;
    const bool is_string = m.kind == VETO_KIND_STRING;
    if (is_string && !view(m.text, m.text_length, text)) return false;
    form.push_back({std::string(name), static_cast<veto::form_member::kind>(m.kind),
                    is_string ? std::string(text) : std::string()});
  }
  return true;
}

// A creation refused with `status` and `why`, given to the caller in `message` if wanted.
veto_status refuse(veto_status status, const std::string& why, veto_string* message) {
  if (message == nullptr) return status;
  const veto_status given = give(why, message);
  return given == VETO_OK ? status : given;
}

// Runs `body` (which returns a veto_status) with `out` cleared first and every exception
// turned into a status; nothing the C++ side throws crosses the C interface.
template <typename Body>
veto_status guarded(veto_string* out, Body&& body) noexcept {
  clear(out);
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return VETO_ERROR_MEMORY;
  } catch (...) {
    return VETO_ERROR_INTERNAL;
  }
}

// A call that gives one string made from the validator and a locale.
template <typename Make>
veto_status from_locale(const veto_validator* validator, const char* locale,
                        std::size_t locale_length, veto_string* out, Make&& make) noexcept {
  return guarded(out, [&] {
    std::string_view tag;
    if (validator == nullptr || out == nullptr || !view(locale, locale_length, tag))
      return VETO_ERROR_ARGUMENT;
    return give(make(validator->cpp, tag), out);
  });
}

}  // namespace

extern "C" {

const char* veto_version(void) { return VETO_VERSION_STRING; }

const char* veto_status_name(veto_status status) {
  switch (status) {
    case VETO_OK: return "VETO_OK";
    case VETO_ERROR_ARGUMENT: return "VETO_ERROR_ARGUMENT";
    case VETO_ERROR_RULESET: return "VETO_ERROR_RULESET";
    case VETO_ERROR_NO_FIELD: return "VETO_ERROR_NO_FIELD";
    case VETO_ERROR_MEMORY: return "VETO_ERROR_MEMORY";
    case VETO_ERROR_INTERNAL: return "VETO_ERROR_INTERNAL";
    case VETO_ERROR_MESSAGES: return "VETO_ERROR_MESSAGES";
  }
  return "VETO_ERROR_UNKNOWN";
}

void veto_free(void* data) {
  std::free(data);
}

veto_status veto_create_default(veto_validator** out) {
  if (out == nullptr) return VETO_ERROR_ARGUMENT;
  *out = nullptr;
  return guarded(nullptr, [&] {
    veto::expected<veto::validator> loaded = veto::validator::from_default_ruleset();
    // The shipped ruleset loads unless ICU cannot open what it needs: a broken build.
    if (!loaded) return VETO_ERROR_INTERNAL;
    *out = new veto_validator{std::move(*loaded)};
    return VETO_OK;
  });
}

veto_status veto_create(const char* ruleset_json, std::size_t ruleset_length,
                        veto_validator** out, veto_string* message) {
  clear(message);
  std::string_view json;
  if (out == nullptr) return VETO_ERROR_ARGUMENT;
  *out = nullptr;
  if (!view(ruleset_json, ruleset_length, json)) return VETO_ERROR_ARGUMENT;
  return guarded(message, [&] {
    veto::expected<veto::validator> loaded = veto::validator::from_ruleset(json);
    if (!loaded) return refuse(VETO_ERROR_RULESET, loaded.error(), message);
    *out = new veto_validator{std::move(*loaded)};
    return VETO_OK;
  });
}

veto_status veto_create_with_messages(const char* ruleset_json, std::size_t ruleset_length,
                                      const char* messages_json, std::size_t messages_length,
                                      veto_validator** out, veto_string* message) {
  clear(message);
  std::string_view ruleset;
  std::string_view messages;
  if (out == nullptr) return VETO_ERROR_ARGUMENT;
  *out = nullptr;
  if (!view(ruleset_json, ruleset_length, ruleset) ||
      !view(messages_json, messages_length, messages))
    return VETO_ERROR_ARGUMENT;
  return guarded(message, [&] {
    veto::expected<veto::message_overrides> custom =
        messages_json == nullptr ? veto::message_overrides()
                                 : veto::message_overrides::from_json(messages);
    if (!custom) return refuse(VETO_ERROR_MESSAGES, custom.error(), message);
    if (ruleset_json == nullptr) {
      veto::expected<veto::validator> loaded = veto::validator::from_default_ruleset(*custom);
      if (!loaded) return VETO_ERROR_INTERNAL;  // as in veto_create_default
      *out = new veto_validator{std::move(*loaded)};
      return VETO_OK;
    }
    veto::expected<veto::validator> loaded = veto::validator::from_ruleset(ruleset, *custom);
    if (!loaded) return refuse(VETO_ERROR_RULESET, loaded.error(), message);
    *out = new veto_validator{std::move(*loaded)};
    return VETO_OK;
  });
}

void veto_destroy(veto_validator* validator) {
  delete validator;
}

veto_status veto_validate_json(const veto_validator* validator, const char* document,
                               std::size_t document_length, const char* locale,
                               std::size_t locale_length, veto_string* result) {
  return guarded(result, [&] {
    std::string_view doc;
    std::string_view tag;
    if (validator == nullptr || result == nullptr || !view(document, document_length, doc) ||
        !view(locale, locale_length, tag))
      return VETO_ERROR_ARGUMENT;
    return give(veto::to_json(validator->cpp.validate_json(doc, tag)), result);
  });
}

veto_status veto_validate_members(const veto_validator* validator, const veto_member* members,
                                  std::size_t count, const char* locale,
                                  std::size_t locale_length, veto_string* result) {
  return guarded(result, [&] {
    veto::form form;
    std::string_view tag;
    if (validator == nullptr || result == nullptr || !to_form(members, count, form) ||
        !view(locale, locale_length, tag))
      return VETO_ERROR_ARGUMENT;
    return give(veto::to_json(validator->cpp.validate(form, tag)), result);
  });
}

veto_status veto_validate_field(const veto_validator* validator, const char* name,
                                std::size_t name_length, const veto_member* members,
                                std::size_t count, const char* locale, std::size_t locale_length,
                                veto_string* field) {
  return guarded(field, [&] {
    veto::form form;
    std::string_view field_name;
    std::string_view tag;
    if (validator == nullptr || field == nullptr || !view(name, name_length, field_name) ||
        !to_form(members, count, form) || !view(locale, locale_length, tag))
      return VETO_ERROR_ARGUMENT;
    const auto checked = validator->cpp.validate_field(field_name, form, tag);
    if (!checked) return VETO_ERROR_NO_FIELD;
    return give(veto::to_json(*checked), field);
  });
}

veto_status veto_countries(const veto_validator* validator, const char* locale,
                           std::size_t locale_length, veto_string* countries) {
  return from_locale(validator, locale, locale_length, countries,
                     [](const veto::validator& cpp, std::string_view tag) {
                       return veto::to_json(cpp.countries(tag));
                     });
}

veto_status veto_message_locale(const veto_validator* validator, const char* locale,
                                std::size_t locale_length, veto_string* message_locale) {
  return from_locale(validator, locale, locale_length, message_locale,
                     [](const veto::validator& cpp, std::string_view tag) {
                       return cpp.message_locale(tag);
                     });
}

veto_status veto_format_integer(const veto_validator* validator, std::int64_t n, const char* locale,
                                std::size_t locale_length, veto_string* text) {
  return from_locale(validator, locale, locale_length, text,
                     [n](const veto::validator& cpp, std::string_view tag) {
                       return cpp.format_integer(n, tag);
                     });
}

veto_status veto_ruleset_json(const veto_validator* validator, veto_string* ruleset) {
  return guarded(ruleset, [&] {
    if (validator == nullptr || ruleset == nullptr) return VETO_ERROR_ARGUMENT;
    return give(validator->cpp.ruleset_json(), ruleset);
  });
}

veto_status veto_warm_up(void) {
  return guarded(nullptr, [] {
    veto::warm_up();
    return VETO_OK;
  });
}

}  // extern "C"
