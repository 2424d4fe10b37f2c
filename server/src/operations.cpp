#include "operations.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "json_writer.h"
#include "store_sql.h"

namespace veto_server {
namespace {

// An address as 16 bytes (IPv4 mapped into IPv6); false if it is not one.
bool to_bytes(std::string_view text, std::array<unsigned char, 16>& out) {
  const std::string s(text);
  in6_addr v6{};
  in_addr v4{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), v6.s6_addr, 16);
    return true;
  }
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out.fill(0);
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return true;
  }
  return false;
}

bool is_mapped_v4(const std::array<unsigned char, 16>& bytes) {
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(bytes.data(), mapped, 12) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

veto::expected<trusted_proxies> trusted_proxies::parse(const std::string& list) {
  trusted_proxies out;
  std::string_view rest = list;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    const std::size_t slash = item.find('/');
    block b;
    if (!to_bytes(item.substr(0, slash), b.bytes)) {
      return veto::unexpected("--trusted-proxy: not an address: " + std::string(item));
    }
    const bool v4 = is_mapped_v4(b.bytes) && item.find(':') == std::string_view::npos;
    const int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash != std::string_view::npos) {
      const std::string bits(item.substr(slash + 1));
      char* end = nullptr;
      const long n = std::strtol(bits.c_str(), &end, 10);
      if (bits.empty() || *end != '\0' || n < 0 || n > max) {
        return veto::unexpected("--trusted-proxy: bad prefix length: " + std::string(item));
      }
      prefix = static_cast<int>(n);
    }
    b.prefix = v4 ? prefix + 96 : prefix;
    out.blocks_.push_back(b);
  }
  return out;
}

bool trusted_proxies::contains(std::string_view address) const {
  std::array<unsigned char, 16> bytes{};
  if (!to_bytes(trim(address), bytes)) return false;
  for (const block& b : blocks_) {
    const int whole = b.prefix / 8;
    const int bits = b.prefix % 8;
    if (std::memcmp(bytes.data(), b.bytes.data(), static_cast<std::size_t>(whole)) != 0) continue;
    if (bits != 0) {
      const unsigned char mask = static_cast<unsigned char>(0xff << (8 - bits));
      if ((bytes[whole] & mask) != (b.bytes[whole] & mask)) continue;
    }
    return true;
  }
  return false;
}

std::string trusted_proxies::client(std::string_view peer, std::string_view forwarded_for) const {
  if (blocks_.empty() || forwarded_for.empty() || !contains(peer)) return std::string(peer);
  // From the right: the nearest hop first.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view hop =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    std::array<unsigned char, 16> bytes{};
    if (!to_bytes(hop, bytes)) return std::string(peer);  // garbage: believe nothing
    if (!contains(hop)) return std::string(hop);
  }
  return std::string(peer);
}

std::string truncated_address(std::string_view address) {
  std::array<unsigned char, 16> bytes{};
  if (!to_bytes(address, bytes)) return "-";
  char text[INET6_ADDRSTRLEN];
  if (is_mapped_v4(bytes)) {
    std::snprintf(text, sizeof text, "%u.%u.%u.0", bytes[12], bytes[13], bytes[14]);
    return text;
  }
  in6_addr v6{};
  std::memcpy(v6.s6_addr, bytes.data(), 6);  // the /48
  return inet_ntop(AF_INET6, &v6, text, sizeof text) ? text : "-";
}

void metrics::request(std::string_view route, int status, std::chrono::nanoseconds took) {
  const double seconds = std::chrono::duration<double>(took).count();
  std::size_t bucket = 0;
  while (bucket < latency_buckets.size() && seconds > latency_buckets[bucket]) ++bucket;
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{std::string(route), status}];
  ++latency_counts_[bucket];
  latency_sum_ += seconds;
}

std::string metrics::exposition(long long database_errors,
                                const std::optional<objection_store::outbox_counts>& outbox) const {
  std::string out;
  char number[64];
  const auto counter = [&](const char* name, const char* help, long long value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(value) + "\n";
  };
  std::lock_guard<std::mutex> lock(mutex_);
  out += "# HELP veto_http_requests_total Requests answered, by route and status.\n"
         "# TYPE veto_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += "veto_http_requests_total{route=\"" + key.first + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP veto_http_request_duration_seconds Time from routing to the response.\n"
         "# TYPE veto_http_request_duration_seconds histogram\n";
  long long cumulative = 0;
  for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
    cumulative += latency_counts_[i];
    std::snprintf(number, sizeof number, "%g", latency_buckets[i]);
    out += std::string("veto_http_request_duration_seconds_bucket{le=\"") + number + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += latency_counts_.back();
  out += "veto_http_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  std::snprintf(number, sizeof number, "%.9f", latency_sum_);
  out += std::string("veto_http_request_duration_seconds_sum ") + number + "\n";
  out += "veto_http_request_duration_seconds_count " + std::to_string(cumulative) + "\n";
  counter("veto_objections_stored_total", "Objections newly stored.", stored_.load());
  counter("veto_idempotent_replays_total", "Submissions answered with an earlier receipt.",
          replays_.load());
  counter("veto_rate_limited_total", "Requests refused by the rate limit (429).",
          rate_limited_.load());
  counter("veto_database_errors_total", "Failed statements and connections.", database_errors);
  if (outbox) {
    // Rows of the shared database: every instance on one PostgreSQL shows the same numbers
    // (take one instance's, or max, never the sum).
    out += "# HELP veto_mail_outbox_emails Receipt emails in the outbox, by state: pending"
           " (its depth), failed (refused by the relay), undeliverable.\n"
           "# TYPE veto_mail_outbox_emails gauge\n";
    for (const auto& [state, count] : {std::pair<const char*, long long>{"pending", outbox->pending},
                                       {"failed", outbox->failed},
                                       {"undeliverable", outbox->undeliverable}}) {
      out += std::string("veto_mail_outbox_emails{state=\"") + state + "\"} " +
             std::to_string(count) + "\n";
    }
  }
  return out;
}

std::string access_log_line(std::string_view method, std::string_view route, int status,
                            std::chrono::nanoseconds took, std::size_t bytes,
                            std::string_view client) {
  std::string line;
  veto::json_writer w(line);
  w.begin_object();
  w.key("time"), w.string(store_sql::utc_now());
  w.key("method"), w.string(method);
  w.key("route"), w.string(route);
  w.key("status"), w.number(static_cast<long long>(status));
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f", std::chrono::duration<double, std::milli>(took).count());
  w.key("ms"), w.raw(ms);
  w.key("bytes"), w.number(static_cast<long long>(bytes));
  w.key("client"), w.string(truncated_address(client));
  w.end_object();
  line += '\n';
  return line;
}

}  // namespace veto_server
