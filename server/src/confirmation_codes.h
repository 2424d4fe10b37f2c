// Mode `code` (issue 23): a 6-digit code sent to the address before an objection is
// accepted. This class makes the codes and asks the store to keep and check them; the store
// sees only keyed hashes (objection_store.h), with a pepper that lives in this process's
// memory alone, so the database gives away neither addresses nor codes. A restart therefore
// voids the codes still out: the person asks for a new one (the page's "Send a new code").
//
//   a code         6 decimal digits from the CSPRNG (OpenSSL RAND_bytes), uniform
//   valid          --code-ttl (10 minutes), once
//   wrong tries    5, then the code is dead and a new one is needed
//   per address    at most 5 codes an hour (resends included)
//   comparison     of the hashes, in constant time (CRYPTO_memcmp, in the store)
#ifndef VETO_SERVER_CONFIRMATION_CODES_H
#define VETO_SERVER_CONFIRMATION_CODES_H

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "objection_store.h"

namespace veto_server {

constexpr int code_max_wrong_tries = 5;
constexpr int codes_per_address = 5;
constexpr std::chrono::minutes code_address_window{60};

class confirmation_codes {
 public:
  // nullopt when the CSPRNG failed (nothing can then be issued safely).
  static std::optional<confirmation_codes> create(objection_store& store,
                                                  std::chrono::milliseconds ttl);

  struct issued {
    code_issue_outcome outcome = code_issue_outcome::failed;
    std::string code;  // the 6 digits, only when issued: for the email, never stored or logged
  };
  // A new code for `address` (the normalized address: the validator's value), which
  // replaces the address's earlier ones.
  issued issue(std::string_view address) const;

  // Checks what the person typed against the address's live code, and uses it up when right.
  code_check_outcome check(std::string_view address, std::string_view typed) const;

  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  confirmation_codes(objection_store& store, std::chrono::milliseconds ttl, std::string pepper)
      : store_(&store), ttl_(ttl), pepper_(std::move(pepper)) {}
  std::string address_key(std::string_view address) const;
  std::string code_hash(const std::string& address_key, std::string_view code) const;

  objection_store* store_;
  std::chrono::milliseconds ttl_;
  std::string pepper_;  // 32 random bytes
};

// Six decimal digits, uniformly from the CSPRNG; nullopt if it failed.
std::optional<std::string> random_code();

}  // namespace veto_server

#endif  // VETO_SERVER_CONFIRMATION_CODES_H
