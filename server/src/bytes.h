// Hashing, randomness and compression: the byte-level services of the server, each a thin,
// value-returning wrapper over OpenSSL, zlib or brotli.
#ifndef VETO_SERVER_BYTES_H
#define VETO_SERVER_BYTES_H

#include <optional>
#include <string>
#include <string_view>

namespace veto_server {

// SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// `count` bytes from the operating system's CSPRNG (via OpenSSL), as 2*count lowercase hex
// digits; nullopt if the generator failed (then nothing must be issued).
std::optional<std::string> random_hex(std::size_t count);

// A receipt number: 80 random bits in Crockford base32, grouped `XXXX-XXXX-XXXX-XXXX`
// (unguessable, and easy to read out on the phone: no I, L, O, U).
std::optional<std::string> random_receipt();

// Whether `text` has the shape random_receipt() produces.
bool is_receipt_shaped(std::string_view text);

// gzip (RFC 1952) and brotli encodings; `level` is zlib's 1-9 or brotli's quality 0-11.
std::optional<std::string> gzip_compress(std::string_view data, int level);
std::optional<std::string> brotli_compress(std::string_view data, int quality);

}  // namespace veto_server

#endif  // VETO_SERVER_BYTES_H
