// libFuzzer target: whole documents through validate_json, as a CLI line or validateJson
// would take them. Built with ASan and UBSan (scripts/fuzz.sh); any crash, leak, hang or
// undefined behaviour is a finding, and so is a result that is not valid JSON or that
// breaks the contract's shape.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "veto/veto.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto loaded = *veto::validator::from_default_ruleset();
  static const char* const locales[] = {"en", "de", "pl", "ga", "mt"};
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const veto::result r = loaded.validate_json(line, locales[size % 5]);
  const auto parsed = nlohmann::json::parse(veto::to_json(r), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) std::abort();  // always valid JSON
  const bool has_form_error = !r.form_errors.empty();
  if (has_form_error && !r.fields.empty()) std::abort();  // a document error leaves fields empty
  if (!has_form_error && r.fields.size() != loaded.fields().size()) std::abort();
  for (const auto& field : r.fields) {
    if (!field.errors.empty() && (!field.warnings.empty() || field.value)) std::abort();
    for (const auto& e : field.errors) {
      if (e.message.empty()) std::abort();
    }
  }
  return 0;
}
