#include "operations.h"

#include <gtest/gtest.h>

namespace veto_server {
namespace {

TEST(trusted_proxies, parses_blocks_and_refuses_what_is_not_one) {
  EXPECT_TRUE(trusted_proxies::parse("")->empty());
  const trusted_proxies p = *trusted_proxies::parse("127.0.0.1, 10.0.0.0/8,fd00::/8");
  EXPECT_TRUE(p.contains("127.0.0.1"));
  EXPECT_FALSE(p.contains("127.0.0.2"));
  EXPECT_TRUE(p.contains("10.255.1.2"));
  EXPECT_FALSE(p.contains("11.0.0.1"));
  EXPECT_TRUE(p.contains("::ffff:10.1.2.3"));  // IPv4-mapped: the same address
  EXPECT_TRUE(p.contains("fd12::1"));
  EXPECT_FALSE(p.contains("fe80::1"));
  EXPECT_FALSE(p.contains("not an address"));
  EXPECT_FALSE(trusted_proxies::parse("10.0.0.0/33"));
  EXPECT_FALSE(trusted_proxies::parse("example.com"));
  EXPECT_FALSE(trusted_proxies::parse("10.0.0.0/"));
}

TEST(trusted_proxies, the_client_is_the_rightmost_untrusted_hop_of_a_trusted_peer) {
  const trusted_proxies p = *trusted_proxies::parse("127.0.0.1,10.0.0.0/8");
  // An untrusted peer's header is ignored: anyone can send one.
  EXPECT_EQ(p.client("198.51.100.1", "203.0.113.5"), "198.51.100.1");
  EXPECT_EQ(p.client("127.0.0.1", "203.0.113.5"), "203.0.113.5");
  // What the client wrote itself (left) proves nothing; the proxy's own entry is the last.
  EXPECT_EQ(p.client("127.0.0.1", "1.2.3.4, 203.0.113.5"), "203.0.113.5");
  EXPECT_EQ(p.client("127.0.0.1", "203.0.113.5, 10.1.1.1"), "203.0.113.5");
  EXPECT_EQ(p.client("127.0.0.1", "10.1.1.1"), "127.0.0.1");
  EXPECT_EQ(p.client("127.0.0.1", ""), "127.0.0.1");
  EXPECT_EQ(p.client("127.0.0.1", "garbage"), "127.0.0.1");
  EXPECT_EQ(trusted_proxies().client("127.0.0.1", "203.0.113.5"), "127.0.0.1");
}

TEST(truncated_address, ipv4_to_24_ipv6_to_48) {
  EXPECT_EQ(truncated_address("203.0.113.77"), "203.0.113.0");
  EXPECT_EQ(truncated_address("::ffff:203.0.113.77"), "203.0.113.0");
  EXPECT_EQ(truncated_address("2001:db8:1:2:3:4:5:6"), "2001:db8:1::");
  EXPECT_EQ(truncated_address("nonsense"), "-");
}

TEST(metrics, counts_requests_by_route_and_status_with_a_cumulative_histogram) {
  metrics m;
  m.request("/api/objections", 201, std::chrono::milliseconds(3));
  m.request("/api/objections", 201, std::chrono::milliseconds(30));
  m.request("/", 200, std::chrono::seconds(10));
  m.objection_stored();
  const std::string text = m.exposition(7, objection_store::outbox_counts{3, 1, 2});
  EXPECT_NE(text.find("veto_http_requests_total{route=\"/api/objections\",status=\"201\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("veto_http_request_duration_seconds_bucket{le=\"0.005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("veto_http_request_duration_seconds_bucket{le=\"0.05\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("veto_http_request_duration_seconds_bucket{le=\"5\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("veto_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("veto_objections_stored_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("veto_database_errors_total 7\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE veto_mail_outbox_emails gauge\n"
                      "veto_mail_outbox_emails{state=\"pending\"} 3\n"
                      "veto_mail_outbox_emails{state=\"failed\"} 1\n"
                      "veto_mail_outbox_emails{state=\"undeliverable\"} 2\n"),
            std::string::npos);
  // A database that cannot say: no gauges rather than made-up zeros.
  EXPECT_EQ(m.exposition(7, std::nullopt).find("veto_mail_outbox"), std::string::npos);
}

TEST(access_log, one_json_line_without_the_full_address) {
  const std::string line =
      access_log_line("POST", "/api/objections", 201, std::chrono::microseconds(1500), 10,
                      "198.51.100.23");
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("\"route\":\"/api/objections\",\"status\":201,\"ms\":1.500,\"bytes\":10,"
                      "\"client\":\"198.51.100.0\"}"),
            std::string::npos);
  EXPECT_EQ(line.find("198.51.100.23"), std::string::npos);
}

}  // namespace
}  // namespace veto_server
