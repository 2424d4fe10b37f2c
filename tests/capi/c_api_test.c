/* The C interface as a C program sees it (compiled as C99 with -Wall -Wextra -pedantic
 * -Werror): every function, its ownership rules and its error paths. ctest runs it against
 * the build tree (under ASan+LSan in the sanitize build, where a string veto allocated and
 * this program freed wrongly, or a leak, fails it); tests/install/check.sh builds it again
 * against the installed library. Prints "c_api: N checks, F failed"; exits 1 on a failure.
 *
 *   c_api_test EXPECTED_VERSION */
#include <veto/veto_c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks = 0;
static int failures = 0;

#define CHECK(condition)                                                 \
  do {                                                                   \
    ++checks;                                                            \
    if (!(condition)) {                                                  \
      ++failures;                                                        \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #condition); \
    }                                                                    \
  } while (0)

/* Whether `s` is a string veto gave: data, NUL after `length` bytes, and contains `part`. */
static int holds(const veto_string* s, const char* part) {
  return s->data != NULL && s->data[s->length] == '\0' && strlen(s->data) == s->length &&
         strstr(s->data, part) != NULL;
}

static int is_empty(const veto_string* s) {
  return s->data == NULL && s->length == 0;
}

static const char form[] =
    "{\"email\":\"anna@gmial.com\",\"country\":\"DE\","
    "\"justification\":\"Meta must not train its AI on my posts.\"}";

static void check_create(void) {
  veto_validator* v = (veto_validator*)&checks; /* must be overwritten with NULL */
  veto_string message = {(char*)"stale", 5};
  const char bad[] = "{\"id\":\"x\",\"version\":1,\"fields\":[{\"name\":\"e\",\"kind\":\"nope\"}]}";

  CHECK(veto_create(bad, sizeof bad - 1, &v, &message) == VETO_ERROR_RULESET);
  CHECK(v == NULL);
  CHECK(holds(&message, "fields[0]"));
  veto_free(message.data);

  v = (veto_validator*)&checks;
  CHECK(veto_create(bad, sizeof bad - 1, &v, NULL) == VETO_ERROR_RULESET);
  CHECK(v == NULL);
  CHECK(veto_create("{", 1, &v, &message) == VETO_ERROR_RULESET && holds(&message, ""));
  veto_free(message.data);
  CHECK(veto_create(NULL, 0, &v, &message) == VETO_ERROR_RULESET && message.length > 0);
  veto_free(message.data);

  CHECK(veto_create(NULL, 3, &v, &message) == VETO_ERROR_ARGUMENT && is_empty(&message));
  CHECK(veto_create(bad, sizeof bad - 1, NULL, &message) == VETO_ERROR_ARGUMENT);
  CHECK(is_empty(&message));
  CHECK(veto_create_default(NULL) == VETO_ERROR_ARGUMENT);

  /* A ruleset that loads: the default one's own JSON, given back. */
  {
    veto_validator* base = NULL;
    veto_validator* copy = NULL;
    veto_string json;
    veto_string again;
    CHECK(veto_create_default(&base) == VETO_OK && base != NULL);
    CHECK(veto_ruleset_json(base, &json) == VETO_OK && holds(&json, "ai-training-objection"));
    CHECK(veto_create(json.data, json.length, &copy, &message) == VETO_OK && copy != NULL);
    CHECK(is_empty(&message));
    CHECK(veto_ruleset_json(copy, &again) == VETO_OK && again.length == json.length &&
          memcmp(again.data, json.data, json.length) == 0);
    veto_free(again.data);
    veto_free(json.data);
    veto_destroy(copy);
    veto_destroy(base);
  }
}

static void check_validate_json(const veto_validator* v) {
  veto_string line = {(char*)"stale", 5};
  const char bad_utf8[] = "{\"email\":\"a\xff" "b\"}";
  const char with_nul[] = "{\"email\":\"a\0b\"}";

  CHECK(veto_validate_json(v, form, sizeof form - 1, "de", 2, &line) == VETO_OK);
  CHECK(holds(&line, "{\"valid\":true,\"ruleset\":{\"id\":\"ai-training-objection\""));
  CHECK(holds(&line, "\"locale\":\"de\""));
  CHECK(holds(&line, "\"code\":\"email.typo\""));
  CHECK(holds(&line, "Meinten Sie anna@gmail.com?"));
  veto_free(line.data);

  /* The locale is not NUL-terminated: only its length counts. */
  CHECK(veto_validate_json(v, form, sizeof form - 1, "frX", 2, &line) == VETO_OK);
  CHECK(holds(&line, "\"locale\":\"fr\""));
  veto_free(line.data);
  CHECK(veto_validate_json(v, form, sizeof form - 1, NULL, 0, &line) == VETO_OK);
  CHECK(holds(&line, "\"locale\":\"en\""));
  veto_free(line.data);

  /* Bad input is a result with a code, not a failure. */
  CHECK(veto_validate_json(v, bad_utf8, sizeof bad_utf8 - 1, "en", 2, &line) == VETO_OK);
  CHECK(holds(&line, "\"code\":\"form.encoding\",\"params\":{\"offset\":11}"));
  veto_free(line.data);
  CHECK(veto_validate_json(v, NULL, 0, "en", 2, &line) == VETO_OK);
  CHECK(holds(&line, "\"code\":\"form.json\""));
  veto_free(line.data);
  CHECK(veto_validate_json(v, "[1]", 3, "en", 2, &line) == VETO_OK);
  CHECK(holds(&line, "\"code\":\"form.not_object\""));
  veto_free(line.data);
  CHECK(veto_validate_json(v, with_nul, sizeof with_nul - 1, "en", 2, &line) == VETO_OK);
  CHECK(holds(&line, "\"valid\":false"));
  veto_free(line.data);

  /* Arguments that are wrong: a status, and nothing to free. */
  line.data = (char*)"stale";
  CHECK(veto_validate_json(NULL, form, sizeof form - 1, "en", 2, &line) == VETO_ERROR_ARGUMENT);
  CHECK(is_empty(&line));
  CHECK(veto_validate_json(v, NULL, 5, "en", 2, &line) == VETO_ERROR_ARGUMENT);
  CHECK(veto_validate_json(v, form, sizeof form - 1, NULL, 2, &line) == VETO_ERROR_ARGUMENT);
  CHECK(is_empty(&line));
  CHECK(veto_validate_json(v, form, sizeof form - 1, "en", 2, NULL) == VETO_ERROR_ARGUMENT);
}

static void check_members(const veto_validator* v) {
  veto_string out;
  veto_member members[3];
  const char bad_text[] = "anna@\xc3(";

  members[0].name = "email";
  members[0].name_length = 5;
  members[0].text = "anna@gmial.com";
  members[0].text_length = 14;
  members[0].kind = VETO_KIND_STRING;
  members[1].name = "country";
  members[1].name_length = 7;
  members[1].text = "DE";
  members[1].text_length = 2;
  members[1].kind = VETO_KIND_STRING;
  members[2].name = "phone";
  members[2].name_length = 5;
  members[2].text = NULL; /* ignored for a number */
  members[2].text_length = 99;
  members[2].kind = VETO_KIND_NUMBER;

  CHECK(veto_validate_members(v, members, 2, "en", 2, &out) == VETO_OK);
  CHECK(holds(&out, "\"code\":\"email.typo\""));
  veto_free(out.data);
  CHECK(veto_validate_members(v, members, 3, "en", 2, &out) == VETO_OK);
  CHECK(holds(&out, "\"phone\":{\"valid\":false") && holds(&out, "\"code\":\"type\""));
  veto_free(out.data);
  CHECK(veto_validate_members(v, NULL, 0, "en", 2, &out) == VETO_OK);
  CHECK(holds(&out, "\"code\":\"required\""));
  veto_free(out.data);

  CHECK(veto_validate_field(v, "email", 5, members, 2, "de", 2, &out) == VETO_OK);
  CHECK(holds(&out, "{\"valid\":true,\"value\":\"anna@gmial.com\""));
  CHECK(holds(&out, "Meinten Sie"));
  veto_free(out.data);
  members[0].text = bad_text;
  members[0].text_length = sizeof bad_text - 1;
  CHECK(veto_validate_field(v, "email", 5, members, 1, "en", 2, &out) == VETO_OK);
  CHECK(holds(&out, "\"code\":\"encoding\""));
  veto_free(out.data);

  out.data = (char*)"stale";
  CHECK(veto_validate_field(v, "nope", 4, members, 1, "en", 2, &out) == VETO_ERROR_NO_FIELD);
  CHECK(is_empty(&out));
  CHECK(veto_validate_field(v, NULL, 1, members, 1, "en", 2, &out) == VETO_ERROR_ARGUMENT);
  members[1].kind = 6;
  CHECK(veto_validate_members(v, members, 2, "en", 2, &out) == VETO_ERROR_ARGUMENT);
  CHECK(is_empty(&out));
  members[1].kind = -1;
  CHECK(veto_validate_field(v, "email", 5, members, 2, "en", 2, &out) == VETO_ERROR_ARGUMENT);
  members[1].kind = VETO_KIND_STRING;
  members[1].text = NULL;
  CHECK(veto_validate_members(v, members, 2, "en", 2, &out) == VETO_ERROR_ARGUMENT);
  members[1].name = NULL;
  members[1].text = "DE";
  CHECK(veto_validate_members(v, members, 2, "en", 2, &out) == VETO_ERROR_ARGUMENT);
  CHECK(veto_validate_members(v, NULL, 1, "en", 2, &out) == VETO_ERROR_ARGUMENT);
  CHECK(is_empty(&out));
}

static void check_lists(const veto_validator* v) {
  veto_string out;
  CHECK(veto_countries(v, "de", 2, &out) == VETO_OK);
  CHECK(holds(&out, "[{\"code\":\"") && holds(&out, "{\"code\":\"DE\",\"name\":\"Deutschland\""));
  veto_free(out.data);
  CHECK(veto_countries(v, NULL, 0, &out) == VETO_OK && holds(&out, "\"name\":\"Germany\""));
  veto_free(out.data);
  CHECK(veto_countries(v, "de", 2, NULL) == VETO_ERROR_ARGUMENT);

  CHECK(veto_message_locale(v, "de-AT", 5, &out) == VETO_OK && strcmp(out.data, "de") == 0);
  veto_free(out.data);
  CHECK(veto_message_locale(v, "xx", 2, &out) == VETO_OK && strcmp(out.data, "en") == 0);
  veto_free(out.data);
  CHECK(veto_message_locale(NULL, "de", 2, &out) == VETO_ERROR_ARGUMENT && is_empty(&out));

  /* Numbers as the messages write them: grouped from 5 digits in es, with U+00A0 in hu,
   * the locale negotiated (de-AT is de), the int64 range whole. */
  static const struct {
    int64_t n;
    const char* locale;
    const char* text;
  } numbers[] = {
      {5000, "de-AT", "5.000"},       {5000, "es", "5000"},
      {12345, "es", "12.345"},        {5000, "hu", "5\xc2\xa0" "000"},
      {-1234567, "en", "-1,234,567"}, {INT64_MIN, "xx", "-9,223,372,036,854,775,808"},
  };
  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; ++i) {
    CHECK(veto_format_integer(v, numbers[i].n, numbers[i].locale, strlen(numbers[i].locale), &out) == VETO_OK &&
          strcmp(out.data, numbers[i].text) == 0);
    veto_free(out.data);
  }
  CHECK(veto_format_integer(NULL, 1, "de", 2, &out) == VETO_ERROR_ARGUMENT && is_empty(&out));
  CHECK(veto_format_integer(v, 1, NULL, 2, &out) == VETO_ERROR_ARGUMENT && is_empty(&out));
  CHECK(veto_ruleset_json(NULL, &out) == VETO_ERROR_ARGUMENT && is_empty(&out));
}

/* Message templates: they replace the catalog's message of their code in their locale,
 * with the default ruleset (NULL) or a given one; a bad template is refused by name. */
static void check_messages(void) {
  static const char messages[] =
      "{\"email.typo\":{\"de\":\"Vielleicht {suggestion}?\"},"
      "\"required\":{\"de\":\"{x}\"}}";
  static const char good[] = "{\"email.typo\":{\"de\":\"Vielleicht {suggestion}?\"}}";
  static const char one_field[] =
      "{\"id\":\"m\",\"version\":1,\"fields\":[{\"name\":\"email\",\"kind\":\"email\"}]}";
  veto_validator* v = (veto_validator*)&checks;
  veto_string message = {(char*)"stale", 5};
  veto_string out;

  CHECK(veto_create_with_messages(NULL, 0, messages, sizeof messages - 1, &v, &message) ==
        VETO_ERROR_MESSAGES);
  CHECK(v == NULL);
  CHECK(holds(&message, "messages[\"required\"][\"de\"]: byte 0: unknown placeholder {x}; "
                        "required has none"));
  veto_free(message.data);
  CHECK(veto_create_with_messages(NULL, 0, "[", 1, &v, NULL) == VETO_ERROR_MESSAGES && v == NULL);
  /* The templates are checked first, then the ruleset. */
  CHECK(veto_create_with_messages("{", 1, good, sizeof good - 1, &v, &message) ==
        VETO_ERROR_RULESET && v == NULL && message.length > 0);
  veto_free(message.data);
  CHECK(veto_create_with_messages(NULL, 0, NULL, 1, &v, &message) == VETO_ERROR_ARGUMENT &&
        is_empty(&message));
  CHECK(veto_create_with_messages(NULL, 0, good, sizeof good - 1, NULL, &message) ==
        VETO_ERROR_ARGUMENT);
  CHECK(strcmp(veto_status_name(VETO_ERROR_MESSAGES), "VETO_ERROR_MESSAGES") == 0);

  CHECK(veto_create_with_messages(NULL, 0, good, sizeof good - 1, &v, &message) == VETO_OK);
  CHECK(v != NULL && is_empty(&message));
  CHECK(veto_validate_json(v, form, sizeof form - 1, "de", 2, &out) == VETO_OK);
  CHECK(holds(&out, "\"message\":\"Vielleicht anna@gmail.com?\""));
  veto_free(out.data);
  CHECK(veto_validate_json(v, form, sizeof form - 1, "en", 2, &out) == VETO_OK);
  CHECK(holds(&out, "\"message\":\"Did you mean anna@gmail.com?\""));
  veto_free(out.data);
  veto_destroy(v);

  /* A given ruleset; no templates (NULL) is the same as veto_create. */
  CHECK(veto_create_with_messages(one_field, sizeof one_field - 1, good, sizeof good - 1, &v,
                                  &message) == VETO_OK);
  CHECK(veto_validate_json(v, form, sizeof form - 1, "de", 2, &out) == VETO_OK);
  CHECK(holds(&out, "Vielleicht anna@gmail.com?") && holds(&out, "\"unknown_field\""));
  veto_free(out.data);
  veto_destroy(v);
  CHECK(veto_create_with_messages(one_field, sizeof one_field - 1, NULL, 0, &v, NULL) == VETO_OK);
  CHECK(veto_validate_json(v, form, sizeof form - 1, "de", 2, &out) == VETO_OK);
  CHECK(holds(&out, "Meinten Sie anna@gmail.com?"));
  veto_free(out.data);
  veto_destroy(v);
}

int main(int argc, char** argv) {
  veto_validator* v = NULL;
  if (argc != 2) {
    fprintf(stderr, "usage: c_api_test EXPECTED_VERSION\n");
    return 2;
  }
  CHECK(strcmp(veto_version(), argv[1]) == 0);
  CHECK(strcmp(veto_status_name(VETO_ERROR_RULESET), "VETO_ERROR_RULESET") == 0);
  CHECK(strcmp(veto_status_name((veto_status)99), "VETO_ERROR_UNKNOWN") == 0);
  CHECK(veto_warm_up() == VETO_OK);
  veto_free(NULL);
  veto_destroy(NULL);

  check_create();
  check_messages();
  CHECK(veto_create_default(&v) == VETO_OK && v != NULL);
  if (v != NULL) {
    check_validate_json(v);
    check_members(v);
    check_lists(v);
  }
  veto_destroy(v);
  printf("c_api: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
