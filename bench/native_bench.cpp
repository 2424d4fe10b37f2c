// Times veto's C++ API on a file of form lines: validate_json + to_json per line, the
// work a server does per request. Prints JSON: forms, median seconds of 5 passes.
//   veto-bench FILE [--details-only]   (the second form: a ruleset of one large text field)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "veto/veto.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: veto-bench FILE [--details-only]\n");
    return 2;
  }
  const bool details_only = argc > 2 && std::string(argv[2]) == "--details-only";
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const auto loaded =
      details_only ? veto::validator::from_ruleset(
                         R"({"id":"bench","version":1,"fields":[{"name":"details","kind":"text","max_graphemes":65536}]})")
                   : veto::validator::from_default_ruleset();
  const auto& v = *loaded.value;
  std::size_t bytes = 0;
  for (const auto& line : lines) bytes += v.validate_json(line).to_json().size();  // warm-up
  std::vector<double> passes;
  for (int pass = 0; pass < 5; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& line : lines) bytes += v.validate_json(line).to_json().size();
    passes.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(passes.begin(), passes.end());
  std::printf("{\"forms\":%zu,\"median_seconds\":%.6f,\"checksum\":%zu}\n", lines.size(), passes[2],
              bytes);
  return 0;
}
