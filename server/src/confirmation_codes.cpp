#include "confirmation_codes.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdint>

#include "bytes.h"
#include "deadline.h"

namespace veto_server {
namespace {

std::string hmac_hex(const std::string& key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string utc_in(std::chrono::milliseconds delay) {
  return utc_timestamp(std::chrono::system_clock::now() + delay);
}

}  // namespace

std::optional<std::string> random_code() {
  // Rejection sampling: 4,294,000,000 is the largest multiple of 10^6 below 2^32, so the
  // draws kept are uniform over the million codes (a draw is refused 1 time in 4.4 million).
  for (;;) {
    std::uint32_t draw = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&draw), sizeof draw) != 1) return std::nullopt;
    if (draw >= 4294000000u) continue;
    std::string code = std::to_string(draw % 1000000);
    return std::string(6 - code.size(), '0') + code;
  }
}

std::optional<confirmation_codes> confirmation_codes::create(objection_store& store,
                                                             std::chrono::milliseconds ttl) {
  std::string pepper(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(pepper.data()), static_cast<int>(pepper.size())) != 1) {
    return std::nullopt;
  }
  return confirmation_codes(store, ttl, std::move(pepper));
}

std::string confirmation_codes::address_key(std::string_view address) const {
  return hmac_hex(pepper_, address);
}

std::string confirmation_codes::code_hash(const std::string& key, std::string_view code) const {
  return hmac_hex(pepper_, key + ":" + std::string(code));
}

confirmation_codes::issued confirmation_codes::issue(std::string_view address) const {
  const std::optional<std::string> code = random_code();
  if (!code) return {};
  code_issue request;
  request.address_key = address_key(address);
  request.code_hash = code_hash(request.address_key, *code);
  request.now = utc_in({});
  request.expires_at = utc_in(ttl_);
  request.window_start = utc_in(-std::chrono::duration_cast<std::chrono::milliseconds>(code_address_window));
  request.max_in_window = codes_per_address;
  const code_issue_outcome outcome = store_->issue_code(request);
  return {outcome, outcome == code_issue_outcome::issued ? *code : std::string()};
}

code_check_outcome confirmation_codes::check(std::string_view address, std::string_view typed) const {
  code_attempt attempt;
  attempt.address_key = address_key(address);
  attempt.code_hash = code_hash(attempt.address_key, typed);
  attempt.now = utc_in({});
  attempt.max_wrong = code_max_wrong_tries;
  return store_->use_code(attempt);
}

}  // namespace veto_server
