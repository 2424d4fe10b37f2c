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
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "veto/veto.h"

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

double seconds_since(double start) { return clock_type::now() - start; }

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

void append_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

// A JSON string starting at line[i] == '"'; leaves i after the closing quote.
bool parse_string(const std::string& line, std::size_t& i, std::string& out) {
  out.clear();
  ++i;
  auto hex4 = [&](std::size_t at, std::uint32_t& value) {
    if (at + 4 > line.size()) return false;
    value = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
      const char c = line[k];
      value <<= 4;
      if (c >= '0' && c <= '9') value |= c - '0';
      else if (c >= 'a' && c <= 'f') value |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') value |= c - 'A' + 10;
      else return false;
    }
    return true;
  };
  while (i < line.size()) {
    const char c = line[i++];
    if (c == '"') return true;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= line.size()) return false;
    const char e = line[i++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t u;
        if (!hex4(i, u)) return false;
        i += 4;
        std::uint32_t low;
        if (u >= 0xd800 && u <= 0xdbff && i + 6 <= line.size() && line[i] == '\\' && line[i + 1] == 'u' &&
            hex4(i + 2, low) && low >= 0xdc00 && low <= 0xdfff) {
          u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
          i += 6;
        }
        append_utf8(out, u);  // a lone surrogate keeps its 3-byte form (ill-formed, as in JS)
        break;
      }
      default: return false;
    }
  }
  return false;
}

// A flat JSON object whose members are strings (or null): the members for validate().
bool parse_flat_form(const std::string& line, veto::form& members) {
  members.clear();
  std::size_t i = 0;
  auto skip = [&] { while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i; };
  skip();
  if (i >= line.size() || line[i] != '{') return false;
  ++i;
  skip();
  if (i < line.size() && line[i] == '}') return true;
  while (i < line.size()) {
    skip();
    if (line[i] != '"') return false;
    veto::form_member member;
    if (!parse_string(line, i, member.name)) return false;
    skip();
    if (i >= line.size() || line[i++] != ':') return false;
    skip();
    if (i < line.size() && line[i] == '"') {
      if (!parse_string(line, i, member.text)) return false;
    } else if (line.compare(i, 4, "null") == 0) {
      member.type = veto::form_member::kind::null;
      i += 4;
    } else {
      return false;
    }
    members.push_back(std::move(member));
    skip();
    if (i < line.size() && line[i] == ',') {
      ++i;
      continue;
    }
    return i < line.size() && line[i] == '}';
  }
  return false;
}

// Kept out of line so that callgrind can collect inside it only.
__attribute__((noinline)) std::size_t veto_bench_profiled(const veto::validator& v, const std::string& field,
                                                           const std::vector<veto::form>& forms, int passes) {
  std::size_t sink = 0;
  for (int pass = 0; pass < passes; ++pass) {
    for (const auto& members : forms) sink += v.validate_field(field, members)->valid;
  }
  return sink;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: veto-bench FILE [--details-only | --per-field | --each | --profile FIELD [--passes N]]\n");
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
  const auto loaded =
      mode == "--details-only"
          ? veto::validator::from_ruleset(
                R"({"id":"bench","version":1,"fields":[{"name":"details","kind":"text","max_graphemes":65536}]})")
          : veto::validator::from_default_ruleset();
  const auto& v = *loaded.value;
  std::size_t sink = 0;

  if (mode == "--each") {
    std::printf("{\"seconds\":[");
    for (std::size_t n = 0; n < lines.size(); ++n) {
      const auto& line = lines[n];
      sink += v.validate_json(line).to_json().size();  // warm-up
      std::vector<double> batches;
      for (int b = 0; b < 5; ++b) {
        std::size_t count = 0;
        const auto start = clock_type::now();
        double elapsed = 0;
        do {
          sink += v.validate_json(line).to_json().size();
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

  if (mode == "--per-field" || mode == "--profile") {
    std::vector<veto::form> forms;
    std::size_t phones = 0;
    for (const auto& line : lines) {
      veto::form members;
      if (!parse_flat_form(line, members)) {
        std::fprintf(stderr, "veto-bench: not a flat form of strings: %.80s\n", line.c_str());
        return 2;
      }
      for (const auto& m : members) phones += m.name == "phone" && m.type == veto::form_member::kind::string;
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
      std::printf("{\"forms\":%zu,\"field\":\"%s\",\"passes\":%d,\"seconds\":%.6f,\"checksum\":%zu}\n", forms.size(),
                  field.c_str(), passes, seconds_since(start), sink);
      return 0;
    }
    const double json_and_out = median_of_5([&] {
      for (const auto& line : lines) sink += v.validate_json(line).to_json().size();
    });
    const double json_only = median_of_5([&] {
      for (const auto& line : lines) sink += v.validate_json(line).fields.size();
    });
    const double members_only = median_of_5([&] {
      for (const auto& members : forms) sink += v.validate(members).fields.size();
    });
    std::printf("{\"forms\":%zu,\"phones\":%zu,\"validate_json_to_json\":%.6f,\"validate_json\":%.6f,"
                "\"validate_members\":%.6f,\"fields\":{",
                forms.size(), phones, json_and_out, json_only, members_only);
    const auto names = v.field_names();
    for (std::size_t n = 0; n < names.size(); ++n) {
      const double seconds = median_of_5([&] {
        for (const auto& members : forms) sink += v.validate_field(names[n], members)->valid;
      });
      std::printf("%s\"%s\":%.6f", n ? "," : "", names[n].c_str(), seconds);
    }
    std::printf("},\"checksum\":%zu}\n", sink);
    return 0;
  }

  std::vector<double> passes, wall;
  for (const auto& line : lines) sink += v.validate_json(line).to_json().size();  // warm-up
  for (int pass = 0; pass < 5; ++pass) {
    const auto start = clock_type::now();
    const auto wall_start = std::chrono::steady_clock::now();
    for (const auto& line : lines) sink += v.validate_json(line).to_json().size();
    passes.push_back(seconds_since(start));
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count());
  }
  std::printf("{\"forms\":%zu,\"median_seconds\":%.6f,\"median_wall_seconds\":%.6f,\"passes\":[", lines.size(),
              median(passes), median(wall));
  for (std::size_t i = 0; i < passes.size(); ++i) std::printf("%s%.6f", i ? "," : "", passes[i]);
  std::printf("],\"checksum\":%zu}\n", sink);
  return 0;
}
