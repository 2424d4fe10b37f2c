// The controller's side, part by part: the deadline's month arithmetic, CSV cells, tokens
// and the Authorization header.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "admin_auth.h"
#include "admin_export.h"
#include "bytes.h"
#include "deadline.h"

namespace veto_server {
namespace {

civil_date date(const char* text) { return *parse_date(text); }
std::string plus(const char* received, int months) {
  return format_date(add_months(date(received), months));
}

TEST(deadline, one_calendar_month_to_the_same_day) {
  EXPECT_EQ(format_date(answer_deadline(date("2026-03-15"), 0)), "2026-04-15");
  EXPECT_EQ(format_date(answer_deadline(date("2026-12-07"), 0)), "2027-01-07");  // year end
}

TEST(deadline, month_ends_clamp_to_the_shorter_month) {
  EXPECT_EQ(plus("2026-01-31", 1), "2026-02-28");
  EXPECT_EQ(plus("2026-01-30", 1), "2026-02-28");
  EXPECT_EQ(plus("2026-01-28", 1), "2026-02-28");
  EXPECT_EQ(plus("2026-03-31", 1), "2026-04-30");
  EXPECT_EQ(plus("2026-08-31", 1), "2026-09-30");
  EXPECT_EQ(plus("2026-02-28", 1), "2026-03-28");  // not the end of March
}

TEST(deadline, leap_years) {
  EXPECT_EQ(plus("2028-01-31", 1), "2028-02-29");
  EXPECT_EQ(plus("2028-01-29", 1), "2028-02-29");
  EXPECT_EQ(plus("2028-02-29", 1), "2028-03-29");
  EXPECT_EQ(plus("2100-01-31", 1), "2100-02-28");  // a century is no leap year...
  EXPECT_EQ(plus("2000-01-31", 1), "2000-02-29");  // ...unless divisible by 400
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_FALSE(is_leap_year(2026));
  EXPECT_FALSE(parse_date("2026-02-29"));
  EXPECT_TRUE(parse_date("2028-02-29"));
}

TEST(deadline, extensions_count_from_the_received_date) {
  // 31 Jan + 1 month + 2 months is 30 April, not 28 April (28 Feb + 2 months).
  EXPECT_EQ(format_date(answer_deadline(date("2026-01-31"), 2)), "2026-04-30");
  EXPECT_EQ(format_date(answer_deadline(date("2026-01-31"), 1)), "2026-03-31");
  EXPECT_EQ(format_date(answer_deadline(date("2025-11-30"), 2)), "2026-02-28");
  EXPECT_EQ(format_date(answer_deadline(date("2027-11-30"), 2)), "2028-02-29");
}

TEST(deadline, days_round_trip) {
  EXPECT_EQ(days_from_epoch(date("1970-01-01")), 0);
  EXPECT_EQ(days_from_epoch(date("2028-03-01")) - days_from_epoch(date("2028-02-28")), 2);
  for (long long day = 0; day < 100000; day += 37) {
    EXPECT_EQ(days_from_epoch(date_from_days(day)), day);
  }
}

TEST(deadline, malformed_dates_are_refused) {
  for (const char* bad : {"", "2026-1-01", "2026-13-01", "2026-00-10", "2026-04-31", "20260101",
                          "2026-01-01T", "2026-0a-01", "0000-01-01"}) {
    EXPECT_FALSE(parse_date(bad)) << bad;
  }
}

std::string cell(const std::string& text) {
  std::string out;
  append_csv_cell(text, out);
  return out;
}

TEST(csv, cells_are_quoted_and_formulas_neutralised) {
  EXPECT_EQ(cell("plain"), "\"plain\"");
  EXPECT_EQ(cell("a \"quote\", a comma\r\nand a line"), "\"a \"\"quote\"\", a comma\r\nand a line\"");
  for (const char* formula : {"=1+1", "+49 30", "-2", "@SUM(A1)", "\tx", "\rx"}) {
    EXPECT_EQ(cell(formula), "\"'" + std::string(formula) + "\"") << formula;
  }
  EXPECT_EQ(cell("a=b"), "\"a=b\"");  // only a leading sign makes a formula
  EXPECT_EQ(cell(""), "\"\"");
}

std::string temp_path(const char* name) {
  return std::string(::testing::TempDir()) + "veto-admin-test-" + std::to_string(::getpid()) + "-" + name;
}

TEST(tokens, created_tokens_authenticate_with_their_role_and_nothing_else) {
  const std::string path = temp_path("tokens");
  std::remove(path.c_str());
  const auto reader = create_token(path, "ann", "reader");
  const auto handler = create_token(path, "ben", "handler");
  ASSERT_TRUE(reader && handler);
  EXPECT_EQ(reader->rfind(token_prefix, 0), 0u);
  EXPECT_EQ(reader->size(), token_prefix.size() + 64);
  EXPECT_FALSE(create_token(path, "ann", "handler"));  // names are unique
  EXPECT_FALSE(create_token(path, "a b", "reader"));
  EXPECT_FALSE(create_token(path, "carl", "admin"));

  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(*reader), std::string::npos) << "the secret itself is never stored";
  EXPECT_NE(text.find(sha256_hex(*reader)), std::string::npos);

  const auto file = token_file::load(path);
  ASSERT_TRUE(file);
  const admin_token* a = file->authenticate(*reader);
  const admin_token* b = file->authenticate(*handler);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->name, "ann");
  EXPECT_EQ(a->role, admin_role::reader);
  EXPECT_EQ(b->role, admin_role::handler);
  EXPECT_FALSE(file->authenticate(""));
  EXPECT_FALSE(file->authenticate(reader->substr(0, reader->size() - 1)));  // truncated
  EXPECT_FALSE(file->authenticate(*reader + "0"));
  EXPECT_FALSE(file->authenticate(sha256_hex(*reader)));  // the hash is no secret
  std::remove(path.c_str());
}

TEST(tokens, malformed_files_are_refused_with_the_line) {
  const std::string path = temp_path("bad-tokens");
  std::ofstream(path) << "# comment\n\nann reader " << std::string(64, 'a') << "\nben boss "
                      << std::string(64, 'b') << "\n";
  const auto file = token_file::load(path);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().find("line 4"), std::string::npos) << file.error();
  std::ofstream(path) << "ann reader ABC\n";
  EXPECT_FALSE(token_file::load(path));
  std::ofstream(path) << "ann reader " << std::string(64, 'a') << "\nann handler "
                      << std::string(64, 'b') << "\n";
  EXPECT_FALSE(token_file::load(path));  // one name twice
  std::remove(path.c_str());
}

TEST(tokens, authorization_headers) {
  EXPECT_EQ(presented_secret("Bearer vetoadm_abc"), "vetoadm_abc");
  EXPECT_EQ(presented_secret("bearer   vetoadm_abc  "), "vetoadm_abc");
  // Basic with the secret as the password: "x:vetoadm_abc".
  EXPECT_EQ(presented_secret("Basic eDp2ZXRvYWRtX2FiYw=="), "vetoadm_abc");
  EXPECT_EQ(presented_secret("Basic eDp2ZXRvYWRtX2Fi"), "vetoadm_ab");  // no padding
  EXPECT_EQ(presented_secret("Basic !!!!"), "");
  EXPECT_EQ(presented_secret("Basic dmV0b2FkbQ=="), "");  // no colon
  EXPECT_EQ(presented_secret("Token vetoadm_abc"), "");
  EXPECT_EQ(presented_secret("Bearer"), "");
  EXPECT_EQ(presented_secret(""), "");
}

TEST(tokens, failures_are_limited_per_client_and_earned_back) {
  auth_failures failures(10);
  const auto t0 = auth_failures::clock::now();
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(failures.blocked("a", t0));
    failures.record("a", t0);
  }
  EXPECT_TRUE(failures.blocked("a", t0));
  EXPECT_FALSE(failures.blocked("b", t0));  // per client
  EXPECT_FALSE(failures.blocked("a", t0 + std::chrono::seconds(6)));  // one back after 6 s
}

}  // namespace
}  // namespace veto_server
