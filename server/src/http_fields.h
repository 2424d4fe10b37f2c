// Readers of the HTTP header fields veto-server acts on. Pure functions over the field's
// text, linear in it, never throwing: a malformed field reads as if it were absent.
#ifndef VETO_SERVER_HTTP_FIELDS_H
#define VETO_SERVER_HTTP_FIELDS_H

#include <string>
#include <string_view>
#include <vector>

namespace veto_server {

// A content coding veto-server can send.
enum class content_coding { identity, gzip, br };

// The coding to send for an `Accept-Encoding` field: br if acceptable (q > 0, named or via
// `*`), else gzip, else identity. `br;q=0` refuses br (the library's own check is a
// substring search and would not notice).
content_coding choose_coding(std::string_view accept_encoding);

// The language tags of an `Accept-Language` field in the order the client prefers them
// (q descending, ties in field order), without `*`, refused (q=0) and malformed ones; at
// most `limit` tags are looked at.
std::vector<std::string> preferred_languages(std::string_view accept_language,
                                             std::size_t limit = 16);

// The first tag of an `Accept-Language` field as written (the API's locale rule), or "".
std::string first_language(std::string_view accept_language);

// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for
// If-None-Match; `*` matches any).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// Whether a `Content-Type` field is the media type `type/subtype` (case-insensitive,
// parameters ignored).
bool is_media_type(std::string_view content_type, std::string_view type_subtype);

// An `Idempotency-Key`: 1 to 200 visible ASCII characters (docs/page-and-server.md).
bool is_valid_idempotency_key(std::string_view key);

// A `Content-Length` field's value when it is a plain decimal number that fits, else -1.
long long parse_content_length(std::string_view value);

// Whom the rate limiter counts a remote address against: an IPv4 address as it is, an
// IPv6 address by its /64 prefix (one subscriber usually holds a whole /64, and counting
// single addresses would let them rotate), an IPv4-mapped IPv6 address as its IPv4 address.
std::string rate_limit_client(std::string_view remote_address);

}  // namespace veto_server

#endif  // VETO_SERVER_HTTP_FIELDS_H
