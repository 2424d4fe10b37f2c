// Who may use the admin listener: bearer tokens from a tokens file that holds, per token,
// a name, a role and the SHA-256 of its secret (never the secret). A secret is 256 random
// bits, so a plain hash is as strong as a slow one would be. Lines:
//
//   # comment
//   NAME ROLE SHA256-HEX
//
// NAME is 1-64 of [A-Za-z0-9._-]; ROLE is `reader` (list, read, export) or `handler`
// (also status changes, extensions, erasure and the audit log).
#ifndef VETO_SERVER_ADMIN_AUTH_H
#define VETO_SERVER_ADMIN_AUTH_H

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "veto/expected.h"

namespace veto_server {

enum class admin_role { reader, handler };

std::optional<admin_role> parse_role(std::string_view text);
const char* role_name(admin_role role);

struct admin_token {
  std::string name;
  admin_role role = admin_role::reader;
  std::string secret_sha256;  // 64 lowercase hex digits
};

// Every secret starts with this, so that one is recognised wherever it turns up (a URL, a
// log line) and refused there.
constexpr std::string_view token_prefix = "vetoadm_";

class token_file {
 public:
  // Reads the tokens file; errors name the file and the line.
  static veto::expected<token_file> load(const std::string& path);

  // The token whose secret this is, comparing the secret's hash with every token's in
  // constant time (no early exit, CRYPTO_memcmp), so that neither a missing nor a wrong
  // secret nor which token it resembles shows in the time taken.
  const admin_token* authenticate(std::string_view secret) const;

  const std::vector<admin_token>& tokens() const noexcept { return tokens_; }

 private:
  std::vector<admin_token> tokens_;
};

// Creates a token: appends its line to `path` (creating the file owner-only) and returns
// the secret, which is stored nowhere. Errors: a bad name or role, a name already there.
veto::expected<std::string> create_token(const std::string& path, const std::string& name,
                                         const std::string& role);

// The secret an Authorization header carries: `Bearer SECRET`, or `Basic` with SECRET as
// the password (how a browser sends what its login prompt was given). Empty if neither.
std::string presented_secret(std::string_view authorization);

// Failed authentications per client: each may fail `per_minute` times at once, and earns
// attempts back at that rate; while none is left, even a right token is refused, so that
// guessing goes no faster. Thread-safe.
class auth_failures {
 public:
  using clock = std::chrono::steady_clock;
  explicit auth_failures(double per_minute, std::size_t max_clients = 100000);
  bool blocked(const std::string& client, clock::time_point now);
  void record(const std::string& client, clock::time_point now);

 private:
  double refill(const std::string& client, clock::time_point now);
  struct bucket {
    double left;
    clock::time_point updated;
  };
  double capacity_;
  std::size_t max_clients_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace veto_server

#endif  // VETO_SERVER_ADMIN_AUTH_H
