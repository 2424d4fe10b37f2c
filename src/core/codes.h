// The one list of stable codes veto reports: each code with where it applies, whether it is
// an error or a warning, and the parameters it carries. Everything else is made from it:
// the rules name codes only through `issue_code` (an enum, so a misspelt code does not compile),
// tests/unit/messages_test.cpp checks every catalog has exactly these codes using only
// their parameters, message templates an integrator supplies are checked against their
// parameters (message_overrides), and tools/gen-codes writes the TypeScript union of codes
// in web/veto.d.mts from this table (ctest `veto_d_mts.current` keeps it current).
//
// A new code: a row here, a message in every catalog (src/data/messages/), then
// `build/native/tools/gen-codes/gen-codes web/veto.d.mts web/veto.d.mts`.
#ifndef VETO_CORE_CODES_H
#define VETO_CORE_CODES_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace veto {

// Where a code is reported: a form-level issue, any field's hygiene, or a kind's rules.
enum class code_scope : std::uint8_t { form, field, email, country, phone, text };
enum class code_severity : std::uint8_t { error, warning };
// An integer parameter is written in the locale's digits and may select a plural form; a
// text parameter is written as it is and may select a `select` branch.
enum class param_type : std::uint8_t { integer, text };

struct param_spec {
  std::string_view name;  // empty: no parameter in this slot
  param_type type = param_type::text;
  bool always = true;  // false: only some issues of the code carry it
};

struct code_spec {
  std::string_view name;  // the stable code, e.g. "email.typo"
  code_scope scope;
  code_severity severity;
  std::array<param_spec, 3> params;
};

// X(id, "code", scope, severity, (params...)): the table, in the order of the contract's table (docs/contract.md §3).
#define VETO_CODES(X)                                                                          \
  X(form_too_large, "form.too_large", form, error, ())                                       \
  X(form_encoding, "form.encoding", form, error, ({"offset", param_type::integer}))          \
  X(form_json, "form.json", form, error, ())                                                 \
  X(form_not_object, "form.not_object", form, error, ())                                     \
  X(form_duplicate_field, "form.duplicate_field", form, error, ({"field"}))                  \
  X(unknown_field, "unknown_field", form, warning, ({"field"}))                               \
  X(required, "required", field, error, ())                                                  \
  X(type, "type", field, error, ())                                                          \
  X(too_long, "too_long", field, error,                                                      \
    ({"max", param_type::integer}, {"actual", param_type::integer}))                         \
  X(encoding, "encoding", field, error, ({"offset", param_type::integer}))                   \
  X(email_no_at, "email.no_at", email, error, ())                                            \
  X(email_local_empty, "email.local_empty", email, error, ())                                \
  X(email_domain_empty, "email.domain_empty", email, error, ())                              \
  X(email_quoted_local, "email.quoted_local", email, error, ())                              \
  X(email_local_char, "email.local_char", email, error, ({"char"}))                          \
  X(email_smtputf8, "email.smtputf8", email, error, ())                                      \
  X(email_local_dot, "email.local_dot", email, error, ())                                    \
  X(email_local_too_long, "email.local_too_long", email, error,                              \
    ({"max", param_type::integer}, {"actual", param_type::integer}))                         \
  X(email_domain_literal, "email.domain_literal", email, error, ())                          \
  X(email_domain_invalid, "email.domain_invalid", email, error, ({"reason"}))                \
  X(email_domain_dot, "email.domain_dot", email, error, ())                                  \
  X(email_domain_label_too_long, "email.domain_label_too_long", email, error,                \
    ({"max", param_type::integer}))                                                          \
  X(email_domain_too_long, "email.domain_too_long", email, error,                            \
    ({"max", param_type::integer}))                                                          \
  X(email_domain_no_dot, "email.domain_no_dot", email, error, ())                            \
  X(email_tld_numeric, "email.tld_numeric", email, error, ())                                \
  X(email_special_use, "email.special_use", email, error, ({"domain"}))                      \
  X(email_domain_no_mail, "email.domain_no_mail", email, error, ({"domain"}))                \
  X(email_too_long, "email.too_long", email, error,                                          \
    ({"max", param_type::integer}, {"actual", param_type::integer}))                         \
  X(email_confusable, "email.confusable", email, warning,                                    \
    ({"domain"}, {"lookalike", param_type::text, false}))                                    \
  X(email_typo, "email.typo", email, warning, ({"suggestion"}))                              \
  X(country_unknown, "country.unknown", country, error, ())                                  \
  X(country_alias, "country.alias", country, warning, ({"from"}, {"to"}))                    \
  X(country_not_eligible, "country.not_eligible", country, error, ({"country"}))             \
  X(phone_invalid, "phone.invalid", phone, error, ({"reason"}))                              \
  X(phone_type, "phone.type", phone, error, ({"type"}))                                      \
  X(phone_region_mismatch, "phone.region_mismatch", phone, warning, ({"region"}))            \
  X(text_forbidden_char, "text.forbidden_char", text, error, ({"char"}, {"kind"}))           \
  X(text_too_short, "text.too_short", text, error,                                           \
    ({"min", param_type::integer}, {"actual", param_type::integer}))                         \
  X(text_too_long, "text.too_long", text, error,                                             \
    ({"max", param_type::integer}, {"actual", param_type::integer}))                         \
  X(text_too_few_words, "text.too_few_words", text, error,                                   \
    ({"min", param_type::integer}, {"actual", param_type::integer}))                         \
  X(text_not_meaningful, "text.not_meaningful", text, error, ())

// issue_code::email_typo and so on: what the rules pass to add_error and add_warning.
enum class issue_code : std::uint8_t {
#define VETO_CODE_ID(id, name, scope, severity, params) id,
  VETO_CODES(VETO_CODE_ID)
#undef VETO_CODE_ID
};

#define VETO_CODE_PARAMS(...) \
  {                             \
    { __VA_ARGS__ }             \
  }
inline constexpr code_spec codes[] = {
#define VETO_CODE_ROW(id, name, scope, severity, params) \
  {name, code_scope::scope, code_severity::severity, VETO_CODE_PARAMS params},
    VETO_CODES(VETO_CODE_ROW)
#undef VETO_CODE_ROW
};
#undef VETO_CODE_PARAMS

inline constexpr std::size_t code_count = sizeof codes / sizeof codes[0];

constexpr const code_spec& spec_of(issue_code c) noexcept {
  return codes[static_cast<std::size_t>(c)];
}

constexpr std::string_view name_of(issue_code c) noexcept {
  return spec_of(c).name;
}

// The row of a stable code given as text, or nullptr: linear in the table (40 rows), which
// only creation-time checks do.
constexpr const code_spec* find_code(std::string_view name) noexcept {
  for (const code_spec& spec : codes) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The parameter `name` of a code, or nullptr.
constexpr const param_spec* param_of(const code_spec& spec, std::string_view name) noexcept {
  for (const param_spec& param : spec.params) {
    if (!param.name.empty() && param.name == name) return &param;
  }
  return nullptr;
}

}  // namespace veto

#endif  // VETO_CORE_CODES_H
