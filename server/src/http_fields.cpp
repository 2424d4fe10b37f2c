#include "http_fields.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace veto_server {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Calls `each(token, q)` for each element of a comma-separated list with optional `;q=`
// weights (RFC 9110 section 12.4.2). A malformed weight makes the element refused (q=0).
template <class F>
void for_each_weighted(std::string_view field, std::size_t limit, F each) {
  std::size_t count = 0;
  while (!field.empty() && count < limit) {
    const std::size_t comma = field.find(',');
    std::string_view element = field.substr(0, comma);
    field = comma == std::string_view::npos ? std::string_view() : field.substr(comma + 1);
    const std::size_t semicolon = element.find(';');
    const std::string_view token = trim(element.substr(0, semicolon));
    if (token.empty()) continue;
    ++count;
    double q = 1.0;
    std::string_view params =
        semicolon == std::string_view::npos ? std::string_view() : element.substr(semicolon + 1);
    while (!params.empty()) {
      const std::size_t next = params.find(';');
      const std::string_view param = trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      if (param.size() >= 2 && lower(param[0]) == 'q' && param[1] == '=') {
        const std::string_view value = param.substr(2);
        // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
        bool ok = !value.empty() && value.size() <= 5 && (value[0] == '0' || value[0] == '1') &&
                  (value.size() == 1 || value[1] == '.');
        double parsed = ok ? value[0] - '0' : 0.0;
        double scale = 0.1;
        for (std::size_t i = 2; ok && i < value.size(); ++i, scale /= 10) {
          ok = value[i] >= '0' && value[i] <= '9';
          parsed += (value[i] - '0') * scale;
        }
        q = ok && parsed <= 1.0 ? parsed : 0.0;
      }
    }
    each(token, q);
  }
}

bool is_language_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  for (const char c : tag) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

content_coding choose_coding(std::string_view accept_encoding) {
  double br = -1, gzip = -1, any = -1;
  for_each_weighted(accept_encoding, 32, [&](std::string_view coding, double q) {
    if (iequals(coding, "br"))
      br = q;
    else if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
      gzip = q;
    else if (coding == "*")
      any = q;
  });
  if (br < 0) br = any;
  if (gzip < 0) gzip = any;
  if (br > 0 && br >= gzip) return content_coding::br;
  if (gzip > 0) return content_coding::gzip;
  if (br > 0) return content_coding::br;
  return content_coding::identity;
}

std::vector<std::string> preferred_languages(std::string_view accept_language, std::size_t limit) {
  struct weighted {
    std::string tag;
    double q;
  };
  std::vector<weighted> tags;
  for_each_weighted(accept_language, limit, [&](std::string_view tag, double q) {
    if (q > 0 && tag != "*" && is_language_tag(tag)) tags.push_back({std::string(tag), q});
  });
  std::stable_sort(tags.begin(), tags.end(),
                   [](const weighted& a, const weighted& b) { return a.q > b.q; });
  std::vector<std::string> result;
  result.reserve(tags.size());
  for (weighted& w : tags) result.push_back(std::move(w.tag));
  return result;
}

std::string first_language(std::string_view accept_language) {
  std::string first;
  for_each_weighted(accept_language, 1, [&](std::string_view tag, double) {
    if (tag != "*" && is_language_tag(tag)) first = std::string(tag);
  });
  return first;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  auto opaque = [](std::string_view tag) {
    tag = trim(tag);
    if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
    return tag;
  };
  const std::string_view wanted = opaque(etag);
  while (!if_none_match.empty()) {
    const std::size_t comma = if_none_match.find(',');
    if (opaque(if_none_match.substr(0, comma)) == wanted) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

bool is_media_type(std::string_view content_type, std::string_view type_subtype) {
  return iequals(trim(content_type.substr(0, content_type.find(';'))), type_subtype);
}

bool is_valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= 200 &&
         std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

long long parse_content_length(std::string_view value) {
  value = trim(value);
  if (value.empty() || value.size() > 18) return -1;
  long long n = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string rate_limit_client(std::string_view remote_address) {
  const std::string text(remote_address);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.s6_addr, mapped, 12) == 0) {
      char v4[INET_ADDRSTRLEN];
      if (inet_ntop(AF_INET, v6.s6_addr + 12, v4, sizeof v4)) return v4;
    }
    char prefix[64];
    std::snprintf(prefix, sizeof prefix, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", v6.s6_addr[0],
                  v6.s6_addr[1], v6.s6_addr[2], v6.s6_addr[3], v6.s6_addr[4], v6.s6_addr[5],
                  v6.s6_addr[6], v6.s6_addr[7]);
    return prefix;
  }
  return text;
}

}  // namespace veto_server
