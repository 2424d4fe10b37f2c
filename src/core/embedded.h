// Data files compiled into the library (see cmake/embed.cmake): the default ruleset and
// the message catalogs. Embedding keeps the core free of file I/O and the Wasm module
// self-contained.
#ifndef VETO_CORE_EMBEDDED_H
#define VETO_CORE_EMBEDDED_H

#include <cstddef>
#include <string_view>

namespace veto::embedded {

struct file {
  std::string_view name;  // file name without folder, e.g. "en.json"
  std::string_view contents;
};

extern const file default_ruleset;
extern const file message_catalogs[];
extern const std::size_t message_catalog_count;

}  // namespace veto::embedded

#endif  // VETO_CORE_EMBEDDED_H
