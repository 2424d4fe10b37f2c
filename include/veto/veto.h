// veto: a validator for privacy-rights forms (GDPR "right to object").
//
// One C++ core, compiled natively (this header, the library `veto::veto`) and to
// WebAssembly (web/). Both builds give byte-identical results for the same input.
// The contract is docs/contract.md: fields, rules, stable error codes and the result JSON.
//
//   #include <veto/veto.h>
//
//   veto::expected<veto::validator> v = veto::validator::from_default_ruleset();
//   if (!v) return fail(v.error());  // from_ruleset(text): "fields[0].kind: ..."
//   veto::result r = v->validate_json(R"({"email":"anna@exämple.de"})", "de");
//   std::string line = veto::to_json(r);  // compact, key-ordered, one line
//
// Errors are values: nothing here throws (but for std::bad_alloc when memory runs out),
// bad input is reported in the result with a stable code (`form.json`, `email.no_at`, ...),
// never as a crash, and a ruleset that cannot be loaded is an expected's error.
// docs/architecture.md shows the layers behind this header.
#ifndef VETO_VETO_H
#define VETO_VETO_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "veto/expected.h"
#include "veto/version.h"

// Marks what libveto exports: the library is built with hidden visibility.
#if defined(__GNUC__) || defined(__clang__)
#define VETO_API __attribute__((visibility("default")))
#else
#define VETO_API
#endif

namespace veto {

// veto's version, e.g. "0.1.0"; veto/version.h has it as numbers for the preprocessor.
inline constexpr std::string_view version = VETO_VERSION_STRING;

// The limits of the contract (docs/contract.md §1.2 and §1.3), for callers that read input before
// veto sees it (a server's body limit, a CLI's line limit) and want the same numbers.
inline constexpr std::size_t max_document_bytes = 1024 * 1024;  // one JSON document
inline constexpr std::size_t max_field_bytes = 64 * 1024;       // one member's string

// The locales veto has messages for (one catalog each in src/data/messages/), sorted, e.g.
// {"bg", "cs", ..., "sv"}. Any tag is accepted where a locale is asked for and negotiated
// to one of these (validator::message_locale).
VETO_API const std::vector<std::string_view>& supported_locales();

// A scalar as it appears in `params` and `info`: null, a boolean, an integer or a string.
using scalar = std::variant<std::monostate, bool, std::int64_t, std::string>;

// An ordered list of named scalars; the order is the order of the keys in the JSON.
using named_scalars = std::vector<std::pair<std::string, scalar>>;

// One error or warning: a stable code, its parameters and a localized message.
struct issue {
  std::string code;
  named_scalars params;
  std::string message;
};

// The verdict on one field of the ruleset.
struct field_result {
  std::string name;
  bool valid = true;
  std::optional<std::string> value;  // nullopt when the field is absent or has an error
  std::vector<issue> errors;
  std::vector<issue> warnings;  // always empty when `errors` is not
  named_scalars info;
};

// The verdict on a whole form (docs/contract.md §4).
struct result {
  bool valid = false;
  std::string ruleset_id;
  std::int64_t ruleset_version = 0;
  std::string locale;                // the negotiated locale, e.g. "en"
  std::vector<field_result> fields;  // ruleset order; empty after a document error
  std::vector<issue> form_errors;
  std::vector<issue> form_warnings;

};

// One top-level member of a form, as a caller hands it over without JSON: the member's
// name (UTF-8), its JSON type and, for strings, its bytes (not necessarily valid UTF-8).
struct form_member {
  enum class kind : std::uint8_t { string, null, number, boolean, array, object };
  std::string name;
  kind type = kind::string;
  std::string text;  // the string's bytes; unused for other kinds
};
using form = std::vector<form_member>;

// One entry of a country list for a dropdown.
struct country_entry {
  std::string code;  // ISO 3166-1 alpha-2
  std::string name;  // the standard name in the list's locale
  bool eligible = false;
};

// The kinds of field a ruleset can have (docs/contract.md §2).
enum class field_kind : std::uint8_t { email, country, phone, text };

// One field of a ruleset, as a page or a server needs to know it.
struct field_description {
  std::string name;
  field_kind kind = field_kind::email;
  bool required = true;
};

// One message template an integrator supplies (docs/contract.md §7.5): the message of
// `code` in `locale`, written as the catalogs in src/data/messages/ are, in the same subset
// of ICU MessageFormat: {param}, {n, plural, one {# byte} other {# bytes}} (zero, one, two,
// few, many, other, =N), {p, select, a {...} other {...}}, {n, number}; '' is an apostrophe.
struct message_template {
  std::string code;    // a stable code, e.g. "email.typo"
  std::string locale;  // one of supported_locales(), e.g. "de"
  std::string text;    // e.g. "Meinten Sie {suggestion}?"
};

// Checked message templates, each replacing the catalog's message of its code in its locale
// (and only there: a template for "de" changes no other locale's message). Immutable; one
// can be given to any number of validators, from any thread.
class VETO_API message_overrides {
 public:
  // None: every message comes from the catalogs.
  message_overrides() noexcept;
  // The templates, checked: the code is one veto reports, the locale one of
  // supported_locales(), each (code, locale) once, and the text uses only the code's
  // parameters (number ones in plural and number, text ones in select) in well-formed
  // syntax, at most 8 KiB. Or a message naming the first bad one and what is wrong:
  //   messages["email.typo"]["de"]: byte 12: unknown placeholder {sugestion}; email.typo has {suggestion}
  static expected<message_overrides> from_templates(const std::vector<message_template>& templates);
  // The same from JSON text {"email.typo": {"de": "Meinten Sie {suggestion}?"}, ...}: what
  // the C, JavaScript and Python APIs take. At most 1 MiB; a key given twice keeps its
  // last value, as JSON.parse does.
  static expected<message_overrides> from_json(std::string_view json);
  // How many templates there are.
  std::size_t size() const noexcept;

  struct impl;  // opaque: the checked templates


 private:
  friend class validator;
  std::shared_ptr<const impl> state_;
};

// A validator for one ruleset. Immutable after loading; `validate*` are const and safe to
// call from several threads at once. Movable; a moved-from validator may only be destroyed
// or assigned to.
class VETO_API validator {
 public:
  // Loads a ruleset (docs/contract.md §5) from JSON text: a validator, or a message naming the
  // bad place, e.g. "fields[0].min_graphemes: must be ...".
  static expected<validator> from_ruleset(std::string_view ruleset_json);
  // The ruleset that ships with veto (`ai-training-objection`, version 1). It fails only
  // when ICU cannot open what the rules need (a build whose ICU data lacks it).
  static expected<validator> from_default_ruleset();
  // The same, with messages replaced where `messages` has a template for the code and the
  // negotiated locale.
  static expected<validator> from_ruleset(std::string_view ruleset_json,
                                          const message_overrides& messages);
  static expected<validator> from_default_ruleset(const message_overrides& messages);
  // The default ruleset's JSON text, e.g. to serve it or to derive another from it.
  static std::string_view default_ruleset_json() noexcept;

  // Validates one JSON document (one CLI line, without its line end). `locale` is a
  // BCP 47 tag, negotiated as docs/contract.md §7.3 says.
  result validate_json(std::string_view document, std::string_view locale = "en") const;
  // Validates members handed over one by one (the path the JS `validate(form)` takes).
  // Document checks do not apply; field hygiene and rules do.
  result validate(const form& members, std::string_view locale = "en") const;
  // Validates one field of the ruleset for live feedback, reading other fields of `members`
  // where a rule needs them. nullopt when the ruleset has no field of that name.
  std::optional<field_result> validate_field(std::string_view name, const form& members,
                                             std::string_view locale = "en") const;

  // Every assigned country, named in `locale` (negotiated) and sorted the way people of that
  // locale expect (ICU's collation order, precomputed), flagged eligible by the ruleset's
  // first country field (none eligible without one).
  std::vector<country_entry> countries(std::string_view locale = "en") const;
  // The locale whose messages a result for `locale` carries (docs/contract.md §7.3: the exact tag,
  // then its language, then "en"), e.g. "de" for "de-AT": what a page is rendered in.
  std::string message_locale(std::string_view locale) const;
  // `n` written as the messages for `locale` (negotiated as for a result) write numbers:
  // "5.000" in de and it, "5 000" (U+00A0) in hu, "5000" in es and pl (CLDR 42). For a
  // page's own numbers beside the messages, such as a character counter.
  std::string format_integer(std::int64_t n, std::string_view locale) const;

  // An issue found outside the ruleset's rules (veto-server's mail-domain check reports
  // `email.domain_no_mail`), its message in `locale` (negotiated as for a result), so that
  // it reads exactly like the validator's own (custom templates included). `code` is one of
  // the contract's codes (docs/contract.md §3) with its params; another gets the code as
  // its message.
  issue make_issue(std::string code, named_scalars params, std::string_view locale) const;

  // The ruleset as loaded, with every default filled in, as compact JSON.
  const std::string& ruleset_json() const noexcept;
  // The fields of the ruleset, in order.
  std::vector<field_description> fields() const;

  ~validator();
  validator(validator&&) noexcept;
  validator& operator=(validator&&) noexcept;
  validator(const validator&) = delete;
  validator& operator=(const validator&) = delete;

 private:
  struct impl;
  explicit validator(std::unique_ptr<impl> state) noexcept;
  std::unique_ptr<impl> state_;
};

// Does the one-time set-up that the first phone number would otherwise pay (libphonenumber
// reads every region's metadata: ~140 ms in Wasm, a few ms natively). Optional; thread-safe.
VETO_API void warm_up();

// JSON, compact, keys in the contract's order, no trailing newline, the same bytes in both
// builds: a result as docs/contract.md §4 gives it (one CLI output line);
VETO_API std::string to_json(const result& verdict);
// one field result as the object it is inside `fields` of a result;
VETO_API std::string to_json(const field_result& field);
// a country list as an array of {"code","name","eligible"} objects.
VETO_API std::string to_json(const std::vector<country_entry>& countries);

}  // namespace veto

#endif  // VETO_VETO_H
