#include "admin_auth.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "bytes.h"

namespace veto_server {
namespace {

bool is_token_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool starts_with_word(std::string_view text, std::string_view word) {
  if (text.size() <= word.size() || text[word.size()] != ' ') return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = text[i];
    if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != word[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<admin_role> parse_role(std::string_view text) {
  if (text == "reader") return admin_role::reader;
  if (text == "handler") return admin_role::handler;
  return std::nullopt;
}

const char* role_name(admin_role role) {
  return role == admin_role::handler ? "handler" : "reader";
}

veto::expected<token_file> token_file::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return veto::unexpected("cannot read tokens file " + path);
  token_file file;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    std::istringstream words{std::string(content)};
    std::string name, role, hash, extra;
    words >> name >> role >> hash;
    const std::string where = path + ": line " + std::to_string(number) + ": ";
    if (hash.empty() || (words >> extra)) return veto::unexpected(where + "expected NAME ROLE SHA256");
    if (!is_token_name(name)) return veto::unexpected(where + "a name is 1-64 of A-Z a-z 0-9 . _ -");
    const std::optional<admin_role> parsed = parse_role(role);
    if (!parsed) return veto::unexpected(where + "the role is reader or handler");
    if (!is_sha256_hex(hash)) return veto::unexpected(where + "expected 64 lowercase hex digits");
    for (const admin_token& earlier : file.tokens_) {
      if (earlier.name == name) return veto::unexpected(where + "the name " + name + " is taken");
    }
    file.tokens_.push_back(admin_token{name, *parsed, hash});
  }
  return file;
}

const admin_token* token_file::authenticate(std::string_view secret) const {
  // Hashing first makes every comparison the same length whatever was sent.
  const std::string hash = sha256_hex(secret);
  const admin_token* found = nullptr;
  for (const admin_token& token : tokens_) {
    const bool same = CRYPTO_memcmp(hash.data(), token.secret_sha256.data(), hash.size()) == 0;
    if (same) found = &token;
  }
  return secret.empty() ? nullptr : found;
}

veto::expected<std::string> create_token(const std::string& path, const std::string& name,
                                         const std::string& role) {
  if (!is_token_name(name)) return veto::unexpected("--name: 1-64 of A-Z a-z 0-9 . _ -");
  if (!parse_role(role)) return veto::unexpected("--role: reader or handler");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    veto::expected<token_file> existing = token_file::load(path);
    if (!existing) return veto::unexpected(existing.error());
    for (const admin_token& token : existing->tokens()) {
      if (token.name == name) return veto::unexpected("a token named " + name + " exists in " + path);
    }
  }
  const std::optional<std::string> random = random_hex(32);
  if (!random) return veto::unexpected(std::string("no random numbers to be had"));
  const std::string secret = std::string(token_prefix) + *random;
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return veto::unexpected("cannot write " + path + ": " + std::strerror(errno));
  const std::string line = name + " " + role + " " + sha256_hex(secret) + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) return veto::unexpected("cannot write " + path);
  return secret;
}

std::string presented_secret(std::string_view authorization) {
  authorization = trim(authorization);
  if (starts_with_word(authorization, "bearer")) {
    return std::string(trim(authorization.substr(7)));
  }
  if (starts_with_word(authorization, "basic")) {
    const std::string_view encoded = trim(authorization.substr(6));
    if (encoded.empty() || encoded.size() > 1024 || encoded.size() % 4 != 0) return "";
    std::string decoded(encoded.size() / 4 * 3, '\0');
    const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                       reinterpret_cast<const unsigned char*>(encoded.data()),
                                       static_cast<int>(encoded.size()));
    if (length < 0) return "";
    // EVP_DecodeBlock keeps the padding's zero bytes.
    std::size_t size = static_cast<std::size_t>(length);
    if (encoded.back() == '=') --size;
    if (encoded[encoded.size() - 2] == '=') --size;
    decoded.resize(size);
    const std::size_t colon = decoded.find(':');
    return colon == std::string::npos ? "" : decoded.substr(colon + 1);
  }
  return "";
}

auth_failures::auth_failures(double per_minute, std::size_t max_clients)
    : capacity_(per_minute), max_clients_(max_clients) {}

double auth_failures::refill(const std::string& client, clock::time_point now) {
  const auto it = buckets_.find(client);
  if (it == buckets_.end()) return capacity_;
  const double seconds = std::chrono::duration<double>(now - it->second.updated).count();
  it->second.left = std::min(capacity_, it->second.left + seconds * capacity_ / 60.0);
  it->second.updated = now;
  return it->second.left;
}

bool auth_failures::blocked(const std::string& client, clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  return refill(client, now) < 1.0;
}

void auth_failures::record(const std::string& client, clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const double left = refill(client, now);
  if (buckets_.size() >= max_clients_) {
    // Full buckets are the same as none: forget them; if none is full, the oldest entries
    // go rather than memory growing without bound.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = it->second.left >= capacity_ ? buckets_.erase(it) : std::next(it);
    }
    if (buckets_.size() >= max_clients_) buckets_.clear();
  }
  buckets_[client] = bucket{left - 1.0, now};
}

}  // namespace veto_server
