// veto: the command-line front end. Reads forms, one JSON text a line, and writes one
// compact result a line (docs/contract.md §6.1). All I/O of the project lives here and in web/.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "veto/veto.h"

namespace {

constexpr int exit_valid = 0;
constexpr int exit_invalid = 1;
constexpr int exit_trouble = 2;  // usage, ruleset or I/O error

// A line is one document: lines longer than the contract's limit are cut where they are
// sure to be reported as too large.
constexpr std::size_t max_line_bytes = veto::max_document_bytes;

const char usage[] =
    "usage: veto validate [--ruleset FILE] [--messages FILE] [--locale TAG] [FILE...]\n"
    "       veto ruleset [--ruleset FILE]   print the ruleset with every default filled in\n"
    "       veto countries [--ruleset FILE] [--locale TAG]   the country list, as JSON\n"
    "       veto --version\n"
    "\n"
    "validate reads forms, one JSON object a line, from each FILE or from standard input\n"
    "(no FILE, or -), and writes one JSON result a line. Exit status: 0 all forms valid,\n"
    "1 some form invalid, 2 usage, ruleset or I/O error. --messages FILE replaces messages\n"
    "with the templates of a JSON file {\"code\": {\"locale\": \"template\"}}.\n";

// Reads lines of any length in bounded memory: a line is kept up to one byte past the
// document limit, which is enough to report it as too large.
class line_reader {
 public:
  explicit line_reader(std::FILE* file) : file_(file), buffer_(1 << 16) {}

  // False at the end of input. `line` is without its LF (and the CR of a CRLF); `blank`
  // tells whether the whole line, also past what is kept, is only spaces, tabs and CRs.
  bool next(std::string& line, bool& blank) {
    line.clear();
    blank = true;
    std::size_t length = 0;
    bool any = false;
    char last = 0;
    while (true) {
      if (pos_ == end_) {
        end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
        pos_ = 0;
        if (end_ == 0) break;
      }
      any = true;
      const char* start = buffer_.data() + pos_;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      const std::size_t chunk = newline ? static_cast<std::size_t>(newline - start) : end_ - pos_;
      if (line.size() < max_line_bytes + 2) {
        line.append(start, std::min(chunk, max_line_bytes + 2 - line.size()));
      }
      if (chunk > 0) last = start[chunk - 1];
      for (std::size_t i = 0; i < chunk && blank; ++i) {
        blank = start[i] == ' ' || start[i] == '\t' || start[i] == '\r';
      }
      length += chunk;
      pos_ += chunk + (newline ? 1 : 0);
      if (newline) return finish(line, length, last);
    }
    return any ? finish(line, length, last) : false;
  }

  bool failed() const { return std::ferror(file_) != 0; }

 private:
  static bool finish(std::string& line, std::size_t length, char last) {
    if (last == '\r' && length > 0 && length - 1 <= max_line_bytes) line.resize(length - 1);
    return true;
  }

  std::FILE* file_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
};

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

struct options {
  std::string ruleset_path;
  std::string messages_path;  // message templates (docs/contract.md §7.5)
  std::string locale = "en";
  std::vector<std::string> files;
};

// Parses the options after the subcommand; false (with a message) on a usage error.
bool parse_options(int argc, char** argv, options& out) {
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--ruleset" || arg == "--locale") && i + 1 < argc) {
      (arg == "--ruleset" ? out.ruleset_path : out.locale) = argv[++i];
    } else if (arg == "--messages" && i + 1 < argc) {
      out.messages_path = argv[++i];
    } else if (arg.rfind("--messages=", 0) == 0) {
      out.messages_path = arg.substr(11);
    } else if (arg.rfind("--ruleset=", 0) == 0) {
      out.ruleset_path = arg.substr(10);
    } else if (arg.rfind("--locale=", 0) == 0) {
      out.locale = arg.substr(9);
    } else if (arg == "-" || arg.empty() || arg[0] != '-') {
      out.files.push_back(arg);
    } else {
      std::fprintf(stderr, "veto: unknown option %s\n%s", arg.c_str(), usage);
      return false;
    }
  }
  return true;
}

veto::expected<veto::validator> load(const options& opts) {
  veto::message_overrides messages;
  if (!opts.messages_path.empty()) {
    std::string json;
    if (!read_file(opts.messages_path, json)) {
      return veto::unexpected("cannot read " + opts.messages_path + ": " + std::strerror(errno));
    }
    veto::expected<veto::message_overrides> read = veto::message_overrides::from_json(json);
    if (!read) return veto::unexpected(opts.messages_path + ": " + read.error());
    messages = std::move(*read);
  }
  if (opts.ruleset_path.empty()) return veto::validator::from_default_ruleset(messages);
  std::string text;
  if (!read_file(opts.ruleset_path, text)) {
    return veto::unexpected("cannot read " + opts.ruleset_path + ": " + std::strerror(errno));
  }
  veto::expected<veto::validator> loaded = veto::validator::from_ruleset(text, messages);
  if (!loaded) return veto::unexpected(opts.ruleset_path + ": " + loaded.error());
  return loaded;
}

int validate(const veto::validator& v, const options& opts) {
  std::vector<std::string> files = opts.files;
  if (files.empty()) files.push_back("-");
  bool all_valid = true;
  bool trouble = false;
  std::string line;
  std::string out;
  for (const auto& path : files) {
    std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (!file) {
      std::fprintf(stderr, "veto: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
      trouble = true;
      continue;
    }
    line_reader reader(file);
    bool blank = false;
    while (reader.next(line, blank)) {
      if (blank) continue;
      const veto::result r = v.validate_json(line, opts.locale);
      all_valid = all_valid && r.valid;
      out = veto::to_json(r);
      out += '\n';
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    if (reader.failed()) {
      std::fprintf(stderr, "veto: cannot read %s\n", path.c_str());
      trouble = true;
    }
    if (file != stdin) std::fclose(file);
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "veto: cannot write results: %s\n", std::strerror(errno));
    return exit_trouble;
  }
  return trouble ? exit_trouble : all_valid ? exit_valid : exit_invalid;
}

}  // namespace

int main(int argc, char** argv) {
  static char output_buffer[1 << 16];
  std::setvbuf(stdout, output_buffer, _IOFBF, sizeof output_buffer);
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "--version") {
    std::printf("veto %.*s\n", static_cast<int>(veto::version.size()), veto::version.data());
    return exit_valid;
  }
  if (command == "--help" || command == "-h") {
    std::fputs(usage, stdout);
    return exit_valid;
  }
  if (command != "validate" && command != "ruleset" && command != "countries") {
    std::fputs(usage, stderr);
    return exit_trouble;
  }
  options opts;
  if (!parse_options(argc, argv, opts)) return exit_trouble;
  const veto::expected<veto::validator> loaded = load(opts);
  if (!loaded) {
    std::fprintf(stderr, "veto: %s\n", loaded.error().c_str());
    return exit_trouble;
  }
  if (command == "ruleset") {
    std::printf("%s\n", loaded->ruleset_json().c_str());
    return exit_valid;
  }
  if (command == "countries") {
    std::printf("%s\n", veto::to_json(loaded->countries(opts.locale)).c_str());
    return exit_valid;
  }
  return validate(*loaded, opts);
}
