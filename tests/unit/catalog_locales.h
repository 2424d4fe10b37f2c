// The locales of the message catalogs (src/data/messages/), as the files say: for the tests
// that check a table of the core for every catalog locale against ICU.
#ifndef VETO_TESTS_UNIT_CATALOG_LOCALES_H
#define VETO_TESTS_UNIT_CATALOG_LOCALES_H

#include <filesystem>
#include <string>
#include <vector>

inline std::vector<std::string> catalog_locales() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(VETO_CATALOG_DIR)) {
    out.push_back(entry.path().stem().string());
  }
  return out;
}

#endif  // VETO_TESTS_UNIT_CATALOG_LOCALES_H
