#include "http_fields.h"

#include <gtest/gtest.h>

namespace veto_server {
namespace {

TEST(HttpFields, ChoosesCoding) {
  EXPECT_EQ(choose_coding("gzip, deflate, br"), content_coding::br);
  EXPECT_EQ(choose_coding("gzip"), content_coding::gzip);
  EXPECT_EQ(choose_coding("br;q=0, gzip"), content_coding::gzip);
  EXPECT_EQ(choose_coding("br;q=0.5, gzip;q=0.8"), content_coding::gzip);
  EXPECT_EQ(choose_coding("*"), content_coding::br);
  EXPECT_EQ(choose_coding("*;q=0, identity"), content_coding::identity);
  EXPECT_EQ(choose_coding(""), content_coding::identity);
  EXPECT_EQ(choose_coding("deflate"), content_coding::identity);
  EXPECT_EQ(choose_coding("brotli, gzipx"), content_coding::identity);
  EXPECT_EQ(choose_coding("gzip;q=2"), content_coding::identity);  // malformed weight
}

TEST(HttpFields, OrdersLanguagesByWeight) {
  EXPECT_EQ(preferred_languages("fr;q=0.5, de-AT, en;q=0.9, *;q=0.1, xx;q=0"),
            (std::vector<std::string>{"de-AT", "en", "fr"}));
  EXPECT_EQ(preferred_languages(""), std::vector<std::string>{});
  EXPECT_EQ(preferred_languages("<script>, de"), std::vector<std::string>{"de"});
  EXPECT_EQ(first_language("pl-PL,pl;q=0.9,en;q=0.8"), "pl-PL");
  EXPECT_EQ(first_language("*"), "");
}

TEST(HttpFields, MatchesEtags) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abc-br\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
}

TEST(HttpFields, ReadsMediaTypes) {
  EXPECT_TRUE(is_media_type("application/json", "application/json"));
  EXPECT_TRUE(is_media_type("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_FALSE(is_media_type("text/plain", "application/json"));
  EXPECT_FALSE(is_media_type("application/jsonx", "application/json"));
  EXPECT_FALSE(is_media_type("", "application/json"));
}

TEST(HttpFields, ChecksIdempotencyKeysAndLengths) {
  EXPECT_TRUE(is_valid_idempotency_key("a"));
  EXPECT_TRUE(is_valid_idempotency_key(std::string(200, 'k')));
  EXPECT_FALSE(is_valid_idempotency_key(std::string(201, 'k')));
  EXPECT_FALSE(is_valid_idempotency_key(""));
  EXPECT_FALSE(is_valid_idempotency_key("a b"));
  EXPECT_FALSE(is_valid_idempotency_key("\xC3\xA4"));
  EXPECT_EQ(parse_content_length("12"), 12);
  EXPECT_EQ(parse_content_length(" 0 "), 0);
  EXPECT_EQ(parse_content_length("-1"), -1);
  EXPECT_EQ(parse_content_length("1e3"), -1);
  EXPECT_EQ(parse_content_length("99999999999999999999"), -1);
}

TEST(HttpFields, CountsClientsByAddressAndIpv6Prefix) {
  EXPECT_EQ(rate_limit_client("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(rate_limit_client("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(rate_limit_client("2001:db8:1:2:aaaa::1"), rate_limit_client("2001:db8:1:2:bbbb::9"));
  EXPECT_NE(rate_limit_client("2001:db8:1:2::1"), rate_limit_client("2001:db8:1:3::1"));
}

}  // namespace
}  // namespace veto_server
