// Calendar dates for the legal deadline of an objection (GDPR Art. 12(3)): an answer is
// due one calendar month after receipt, and the deadline may be extended by up to two
// further months. A month is counted from the day of receipt to the same day of the
// target month, or to that month's last day when it is shorter (31 January -> 28 or 29
// February), always from the received date itself, so that 31 January + 3 months is
// 30 April, not 28 April.
#ifndef VETO_SERVER_DEADLINE_H
#define VETO_SERVER_DEADLINE_H

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace veto_server {

struct civil_date {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  bool operator==(const civil_date& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
};

// The months of extension the law allows on top of the first month.
constexpr int max_extension_months = 2;

bool is_leap_year(int year);
int days_in_month(int year, int month);

// "YYYY-MM-DD" (the first 10 characters of a stored UTC timestamp) -> a date; nullopt for
// anything else, including days a month does not have.
std::optional<civil_date> parse_date(std::string_view text);
std::string format_date(const civil_date& date);

// `date` plus `months` calendar months, clamped to the target month's last day.
civil_date add_months(const civil_date& date, int months);

// Days from the Unix epoch (1970-01-01 is 0), for day differences.
long long days_from_epoch(const civil_date& date);

// The inverse of days_from_epoch.
civil_date date_from_days(long long days);

// The deadline of an objection received on `received` with `extension_months` (0-2).
civil_date answer_deadline(const civil_date& received, int extension_months);

// Today's date in UTC.
civil_date utc_today();

// A moment as the store writes times: UTC, ISO 8601 with milliseconds
// ("2026-12-07T07:46:29.123Z"), so that text order is time order.
std::string utc_timestamp(std::chrono::system_clock::time_point at);

}  // namespace veto_server

#endif  // VETO_SERVER_DEADLINE_H
