// libFuzzer target: raw bytes (not necessarily UTF-8) as the value of one field, the way
// the C++ API and the JS `validate` hand members over. The first byte picks the field and
// the locale; a second member gives the phone field a country to read.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "veto/veto.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto loaded = *veto::validator::from_default_ruleset();
  static const char* const fields[] = {"email", "country", "phone", "justification", "details"};
  static const char* const locales[] = {"en", "de", "fr", "lt", "el", "ga"};
  static const char* const countries[] = {"DE", "US", "", "narnia"};
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  const std::string value(reinterpret_cast<const char*>(data + 1), size - 1);
  const char* name = fields[pick % 5];
  const veto::form members = {
      {name, veto::form_member::kind::string, value},
      {"country", veto::form_member::kind::string, countries[(pick >> 3) % 4]}};
  const auto field = loaded.validate_field(name, members, locales[(pick >> 5) % 6]);
  if (!field) std::abort();
  if (!field->errors.empty() && field->value) std::abort();
  (void)veto::to_json(*field);
  return 0;
}
