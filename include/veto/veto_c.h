/* veto's C interface: the validator for every language with a C FFI (Python's ctypes,
 * PHP's FFI, Go's cgo, Java's Panama, ...) and for the WebAssembly module's JavaScript.
 * Valid C99 and C++; the same library as the C++ API (veto/veto.h), whose results these
 * are, byte for byte.
 *
 *   #include <veto/veto_c.h>
 *
 *   veto_validator* v = NULL;
 *   if (veto_create_default(&v) != VETO_OK) return 1;          // out of memory only
 *   veto_string line;
 *   const char doc[] = "{\"email\":\"anna@example.de\"}";
 *   if (veto_validate_json(v, doc, sizeof doc - 1, "de", 2, &line) == VETO_OK) {
 *     fwrite(line.data, 1, line.length, stdout);               // the CLI's line
 *     veto_free(line.data);
 *   }
 *   veto_destroy(v);
 *
 * Conventions, for every function below:
 * - Strings in are a pointer and a byte length, need not be NUL-terminated and are not kept
 *   after the call returns. A NULL pointer with length 0 is the empty string; a NULL pointer
 *   with a length above 0 is VETO_ERROR_ARGUMENT. Bytes need not be valid UTF-8: bad bytes
 *   are reported in the result (`form.encoding`, a field's `encoding`), never rejected here.
 * - A NULL validator, or a NULL pointer where a result is to be stored, is
 *   VETO_ERROR_ARGUMENT (and nothing is stored).
 * - Strings out are a veto_string the caller passes by pointer. On VETO_OK it holds bytes
 *   veto allocated (followed by a NUL that `length` does not count), which the caller frees
 *   with veto_free(s.data). On any other status it is {NULL, 0} and there is nothing to free.
 * - Nothing throws or aborts across this interface: every failure is a veto_status, out of
 *   memory (VETO_ERROR_MEMORY) included (natively; the WebAssembly module is built without
 *   C++ exceptions, so there memory running out aborts the module). Invalid input is not
 *   a failure: it is a result whose error codes say what is wrong.
 * - A veto_validator is immutable once created: any number of threads may call the
 *   functions taking `const veto_validator*` on the same one at once. veto_destroy must not
 *   run while another call uses it.
 */
#ifndef VETO_VETO_C_H
#define VETO_VETO_C_H

#include <stddef.h>
#include <stdint.h>

#include "veto/version.h" /* VETO_VERSION_STRING and its numbers */

/* The library is built with hidden visibility; this marks what it exports. */
#if defined(__GNUC__) || defined(__clang__)
#define VETO_C_API __attribute__((visibility("default")))
#else
#define VETO_C_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* What a call did. Values are stable; new ones may be added. */
typedef enum veto_status {
  VETO_OK = 0,
  /* A pointer argument that must not be NULL was NULL, or a NULL string had a length. */
  VETO_ERROR_ARGUMENT = 1,
  /* The ruleset JSON did not load; its message names the bad place (veto_create). */
  VETO_ERROR_RULESET = 2,
  /* The ruleset has no field of that name (veto_validate_field). */
  VETO_ERROR_NO_FIELD = 3,
  /* Memory ran out; nothing was allocated for the caller. */
  VETO_ERROR_MEMORY = 4,
  /* Any other failure inside veto (a bug: please report it). */
  VETO_ERROR_INTERNAL = 5,
  /* The message templates did not load; the message names the code, locale and problem
   * (veto_create_with_messages). */
  VETO_ERROR_MESSAGES = 6
} veto_status;

/* A string veto allocated: `length` bytes at `data`, then a NUL. Free `data` with veto_free. */
typedef struct veto_string {
  char* data;
  size_t length;
} veto_string;

/* A validator for one ruleset; opaque. */
typedef struct veto_validator veto_validator;

/* The JSON type of a form member handed over without JSON (veto_member). */
typedef enum veto_kind {
  VETO_KIND_STRING = 0,
  VETO_KIND_NULL = 1,
  VETO_KIND_NUMBER = 2,
  VETO_KIND_BOOLEAN = 3,
  VETO_KIND_ARRAY = 4,
  VETO_KIND_OBJECT = 5
} veto_kind;

/* One top-level member of a form: its name and, for VETO_KIND_STRING, its bytes (`text` is
 * ignored for the other kinds, whose values no field accepts). `kind` is a veto_kind; any
 * other value is VETO_ERROR_ARGUMENT. The layout is fixed: JavaScript writes these structs
 * into the WebAssembly module's memory (web/veto-api.js). */
typedef struct veto_member {
  const char* name;
  size_t name_length;
  const char* text;
  size_t text_length;
  int kind;
} veto_member;

/* veto's version, e.g. "0.1.0": a static NUL-terminated string, never NULL, not to be
 * freed. It is the library's, where VETO_VERSION_STRING is the header's. */
VETO_C_API const char* veto_version(void);

/* A short, static, NUL-terminated name for a status, e.g. "VETO_ERROR_RULESET"; never NULL. */
VETO_C_API const char* veto_status_name(veto_status status);

/* Frees what veto allocated for the caller (a veto_string's `data`). NULL does nothing. */
VETO_C_API void veto_free(void* data);

/* Creates a validator for the ruleset that ships with veto and stores it in `*out`
 * (`*out` is NULL on failure). Destroy it with veto_destroy. Thread-safe.
 * VETO_ERROR_ARGUMENT if `out` is NULL; otherwise fails only for lack of memory
 * (VETO_ERROR_MEMORY) or in a build whose ICU data lacks what the rules open
 * (VETO_ERROR_INTERNAL). */
VETO_C_API veto_status veto_create_default(veto_validator** out);

/* Loads a ruleset (docs/contract.md §5) from JSON text and stores the validator in `*out`
 * (`*out` is NULL on failure). Destroy it with veto_destroy. Thread-safe.
 * VETO_ERROR_RULESET when the ruleset is bad: then `*message` (if `message` is not NULL)
 * holds the loader's message, e.g. "fields[0].min_graphemes: must be ...", to veto_free;
 * on every other status `*message` is {NULL, 0}. */
VETO_C_API veto_status veto_create(const char* ruleset_json, size_t ruleset_length,
                                   veto_validator** out, veto_string* message);

/* Creates a validator whose messages are replaced where `messages_json` has a template
 * (docs/contract.md §7.5): a JSON object {"code": {"locale": "template", ...}, ...}, e.g.
 * {"email.typo": {"de": "Meinten Sie {suggestion}?"}}, each template replacing the catalog's
 * message of its code in its locale. `ruleset_json` as for veto_create; NULL with length 0
 * means the ruleset that ships with veto. `messages_json` NULL with length 0 means none.
 * VETO_ERROR_MESSAGES when a template is refused (an unknown code, locale or placeholder,
 * bad syntax; the templates are checked before the ruleset), VETO_ERROR_RULESET when the
 * ruleset is: then `*message` (if `message` is not NULL) says why, to veto_free, e.g.
 * `messages["email.typo"]["de"]: byte 12: unknown placeholder {sugestion}; email.typo has
 * {suggestion}`; on every other status `*message` is {NULL, 0}. */
VETO_C_API veto_status veto_create_with_messages(const char* ruleset_json, size_t ruleset_length,
                                                 const char* messages_json, size_t messages_length,
                                                 veto_validator** out, veto_string* message);

/* Destroys a validator. NULL does nothing. No other call may use `validator` meanwhile. */
VETO_C_API void veto_destroy(veto_validator* validator);

/* Validates one JSON document (one CLI line, without its line end) and gives the result as
 * compact JSON (docs/contract.md §4), byte-identical to the CLI's line for the same input.
 * `locale` is a BCP 47 tag, negotiated as docs/contract.md §7.3 says (empty: "en"). */
VETO_C_API veto_status veto_validate_json(const veto_validator* validator, const char* document,
                                          size_t document_length, const char* locale,
                                          size_t locale_length, veto_string* result);

/* Validates a form handed over member by member, without JSON (what a language binding
 * gives from its map type): the result JSON as for veto_validate_json, except that
 * document checks (size, nesting, duplicate keys) do not apply. `members` may be NULL
 * when `count` is 0. */
VETO_C_API veto_status veto_validate_members(const veto_validator* validator,
                                             const veto_member* members, size_t count,
                                             const char* locale, size_t locale_length,
                                             veto_string* result);

/* Validates the field `name` of the ruleset for live feedback, reading the other members
 * where a rule needs them; gives the field's result as the JSON object it is inside a
 * result's `fields`. VETO_ERROR_NO_FIELD when the ruleset has no such field. */
VETO_C_API veto_status veto_validate_field(const veto_validator* validator, const char* name,
                                           size_t name_length, const veto_member* members,
                                           size_t count, const char* locale,
                                           size_t locale_length, veto_string* field);

/* Every assigned country as a JSON array of {"code","name","eligible"} objects, named in
 * `locale` (negotiated) and sorted the way people of that locale expect, flagged eligible
 * by the ruleset's first country field. */
VETO_C_API veto_status veto_countries(const veto_validator* validator, const char* locale,
                                      size_t locale_length, veto_string* countries);

/* The locale whose messages a result for `locale` carries, e.g. "de" for "de-AT". */
VETO_C_API veto_status veto_message_locale(const veto_validator* validator, const char* locale,
                                           size_t locale_length, veto_string* message_locale);

/* `n` written as the messages for `locale` (negotiated) write numbers, e.g. "5.000" in de,
 * "5000" in es: for a page's own numbers beside the messages, such as a counter. */
VETO_C_API veto_status veto_format_integer(const veto_validator* validator, int64_t n,
                                           const char* locale, size_t locale_length,
                                           veto_string* text);

/* The ruleset as loaded, with every default filled in, as compact JSON. */
VETO_C_API veto_status veto_ruleset_json(const veto_validator* validator, veto_string* ruleset);

/* Does the one-time set-up that the first phone number would otherwise pay (a few ms
 * natively, ~140 ms in WebAssembly). Optional; thread-safe. */
VETO_C_API veto_status veto_warm_up(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* VETO_VETO_C_H */
