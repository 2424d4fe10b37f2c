// Times veto's C++ API on a corpus file (one JSON form a line, bench/corpus.mjs writes it).
// Prints one line of JSON. Times are CPU seconds of the process (CLOCK_PROCESS_CPUTIME_ID).
//
//   veto-bench FILE [--details-only]
//       validate_json + to_json per line (the work a server does per request); median of 5
//       passes after one warm-up pass: {"forms","median_seconds","passes":[...],"checksum"}.
//       --details-only: a ruleset of one `details` text field of up to 65,536 graphemes.
//   veto-bench FILE --per-field
//       the same corpus taken apart: median of 5 passes each of validate_json + to_json,
//       validate_json alone, validate (members, no JSON parse) alone, and validate_field for
//       every field of the ruleset (the field's own rules; phone also resolves the country
//       it reads). Lines must be flat objects (bench/corpus.mjs's are).
//   veto-bench FILE --api
//       the same work through the C++ API and through the C API (veto_c.h), median of 5
//       passes each: validate_json + to_json beside veto_validate_json + veto_free, and
//       validate (members) + to_json beside veto_validate_members + veto_free. Flat forms.
//   veto-bench FILE --each
//       every line timed on its own (the scaling table): seconds per validate_json + to_json,
//       median of 5 batches of at least 20 ms each.
//   veto-bench FILE --profile FIELD [--passes N]
//       runs validate_field(FIELD) over the corpus N times (default 3) inside
//       `veto_bench_profiled`, after a warm-up pass, for
//       valgrind --tool=callgrind --collect-atstart=no --toggle-collect=veto_bench_profiled
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "veto/veto.h"
#include "veto/veto_c.h"

namespace {

// CPU time of the process (one thread): the machine is shared, and CPU time is what
// time-slicing with other work does not inflate. The main mode reports wall time too.
struct cpu_clock {
  using time_point = double;
  static double now() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
};
using clock_type = cpu_clock;

double seconds_since(double start) {
  return clock_type::now() - start;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

// Median seconds of 5 passes of `pass`, after one warm-up pass.
double median_of_5(const std::function<void()>& pass) {
  pass();
  std::vector<double> passes;
  for (int i = 0; i < 5; ++i) {
    const auto start = clock_type::now();
    pass();
    passes.push_back(seconds_since(start));
  }
  return median(passes);
}

// A flat JSON object whose members are strings (or null), as bench/corpus.mjs writes them:
// the members for validate(), in the line's order.
bool parse_flat_form(const std::string& line, veto::form& members) {
  members.clear();
  const auto object = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return false;
  for (const auto& [name, value] : object.items()) {
    veto::form_member member;
    member.name = name;
    if (value.is_string()) {
      member.text = value.get<std::string>();
    } else if (value.is_null()) {
      member.type = veto::form_member::kind::null;
    } else {
      return false;
    }
    members.push_back(std::move(member));
  }
  return true;
}

// Kept out of line so that callgrind can collect inside it only.
__attribute__((noinline)) std::size_t veto_bench_profiled(const veto::validator& v,
                                                          const std::string& field,
                                                          const std::vector<veto::form>& forms,
                                                          int passes) {
  std::size_t sink = 0;
  for (int pass = 0; pass < passes; ++pass) {
    for (const auto& members : forms) sink += v.validate_field(field, members)->valid;
  }
  return sink;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: veto-bench FILE [--details-only | --per-field | --api | --each | --profile FIELD "
                 "[--passes N]]\n");
    return 2;
  }
  std::string mode = argc > 2 ? argv[2] : "";
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "veto-bench: cannot read %s\n", argv[1]);
    return 2;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  const veto::validator v =
      mode == "--details-only"
          ? *veto::validator::from_ruleset(
                R"({"id":"bench","version":1,"fields":[{"name":"details","kind":"text","max_graphemes":65536}]})")
          : *veto::validator::from_default_ruleset();
  std::size_t sink = 0;

  if (mode == "--each") {
    std::printf("{\"seconds\":[");
    for (std::size_t n = 0; n < lines.size(); ++n) {
      const auto& line = lines[n];
      sink += veto::to_json(v.validate_json(line)).size();  // warm-up
      std::vector<double> batches;
      for (int b = 0; b < 5; ++b) {
        std::size_t count = 0;
        const auto start = clock_type::now();
        double elapsed = 0;
        do {
          sink += veto::to_json(v.validate_json(line)).size();
          ++count;
          elapsed = seconds_since(start);
        } while (elapsed < 0.02);
        batches.push_back(elapsed / static_cast<double>(count));
      }
      std::printf("%s%.9f", n ? "," : "", median(batches));
    }
    std::printf("],\"checksum\":%zu}\n", sink);
    return 0;
  }

  if (mode == "--api") {
    std::vector<veto::form> forms;
    std::vector<std::vector<veto_member>> c_forms;
    for (const auto& line : lines) {
      veto::form members;
      if (!parse_flat_form(line, members)) {
        std::fprintf(stderr, "veto-bench: not a flat form of strings: %.80s\n", line.c_str());
        return 2;
      }
      forms.push_back(std::move(members));
    }
    for (const auto& members : forms) {  // after `forms` stopped moving: pointers into it
      std::vector<veto_member> c_members;
      for (const auto& m : members)
        c_members.push_back({m.name.data(), m.name.size(), m.text.data(), m.text.size(),
                             static_cast<int>(m.type)});
      c_forms.push_back(std::move(c_members));
    }
    veto_validator* c_validator = nullptr;
    if (veto_create_default(&c_validator) != VETO_OK) return 2;
    const auto c_line = [&](veto_status status, const veto_string& out) {
      if (status != VETO_OK) std::abort();
      sink += out.length;
      veto_free(out.data);
    };
    const double cpp_json = median_of_5([&] {
      for (const auto& line : lines) sink += veto::to_json(v.validate_json(line)).size();
    });
    const double c_json = median_of_5([&] {
      veto_string out;
      for (const auto& line : lines)
        c_line(veto_validate_json(c_validator, line.data(), line.size(), "en", 2, &out), out);
    });
    const double cpp_members = median_of_5([&] {
      for (const auto& members : forms) sink += veto::to_json(v.validate(members)).size();
    });
    const double c_members = median_of_5([&] {
      veto_string out;
      for (const auto& members : c_forms)
        c_line(veto_validate_members(c_validator, members.data(), members.size(), "en", 2, &out),
               out);
    });
    veto_destroy(c_validator);
    std::printf(
        "{\"forms\":%zu,\"cpp_validate_json\":%.6f,\"c_validate_json\":%.6f,"
        "\"cpp_validate_members\":%.6f,\"c_validate_members\":%.6f,\"checksum\":%zu}\n",
        lines.size(), cpp_json, c_json, cpp_members, c_members, sink);
    return 0;
  }

  if (mode == "--per-field" || mode == "--profile") {
    std::vector<veto::form> forms;
    std::size_t phones = 0;
    for (const auto& line : lines) {
      veto::form members;
      if (!parse_flat_form(line, members)) {
        std::fprintf(stderr, "veto-bench: not a flat form of strings: %.80s\n", line.c_str());
        return 2;
      }
      for (const auto& m : members)
        phones += m.name == "phone" && m.type == veto::form_member::kind::string;
      forms.push_back(std::move(members));
    }
    if (mode == "--profile") {
      if (argc < 4) {
        std::fprintf(stderr, "veto-bench: --profile needs a field name\n");
        return 2;
      }
      const std::string field = argv[3];
      const int passes = argc > 5 && std::string(argv[4]) == "--passes" ? std::atoi(argv[5]) : 3;
      if (!v.validate_field(field, {})) {
        std::fprintf(stderr, "veto-bench: no field %s\n", field.c_str());
        return 2;
      }
      sink += veto_bench_profiled(v, field, forms, 1);  // warm-up (outside the collection)
      const auto start = clock_type::now();
      sink += veto_bench_profiled(v, field, forms, passes);
      std::printf(
          "{\"forms\":%zu,\"field\":\"%s\",\"passes\":%d,\"seconds\":%.6f,\"checksum\":%zu}\n",
          forms.size(), field.c_str(), passes, seconds_since(start), sink);
      return 0;
    }
    const double json_and_out = median_of_5([&] {
      for (const auto& line : lines) sink += veto::to_json(v.validate_json(line)).size();
    });
    const double json_only = median_of_5([&] {
      for (const auto& line : lines) sink += v.validate_json(line).fields.size();
    });
    const double members_only = median_of_5([&] {
      for (const auto& members : forms) sink += v.validate(members).fields.size();
    });
    std::printf(
        "{\"forms\":%zu,\"phones\":%zu,\"validate_json_to_json\":%.6f,\"validate_json\":%.6f,"
        "\"validate_members\":%.6f,\"fields\":{",
        forms.size(), phones, json_and_out, json_only, members_only);
    const auto names = v.fields();
    for (std::size_t n = 0; n < names.size(); ++n) {
      const double seconds = median_of_5([&] {
        for (const auto& members : forms) sink += v.validate_field(names[n].name, members)->valid;
      });
      std::printf("%s\"%s\":%.6f", n ? "," : "", names[n].name.c_str(), seconds);
    }
    std::printf("},\"checksum\":%zu}\n", sink);
    return 0;
  }

  std::vector<double> passes, wall;
  for (const auto& line : lines) sink += veto::to_json(v.validate_json(line)).size();  // warm-up
  for (int pass = 0; pass < 5; ++pass) {
    const auto start = clock_type::now();
    const auto wall_start = std::chrono::steady_clock::now();
    for (const auto& line : lines) sink += veto::to_json(v.validate_json(line)).size();
    passes.push_back(seconds_since(start));
    wall.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count());
  }
  std::printf("{\"forms\":%zu,\"median_seconds\":%.6f,\"median_wall_seconds\":%.6f,\"passes\":[",
              lines.size(), median(passes), median(wall));
  for (std::size_t i = 0; i < passes.size(); ++i) std::printf("%s%.6f", i ? "," : "", passes[i]);
  std::printf("],\"checksum\":%zu}\n", sink);
  return 0;
}
