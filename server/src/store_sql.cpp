#include "store_sql.h"

#include <chrono>
#include <optional>

#include "deadline.h"

namespace veto_server::store_sql {

const char* const summary_columns =
    "receipt, received_at, coalesce(country, ''), status, deadline, extension_months, version,"
    " coalesce(closed_at, ''), coalesce(erased_at, ''), id,"
    " CASE WHEN status = 'received' AND erased_at IS NULL THEN 0 ELSE 1 END";

std::string utc_now() { return utc_timestamp(std::chrono::system_clock::now()); }

std::string deadline_of(const std::string& received_at, int extension_months) {
  const std::optional<civil_date> received = parse_date(received_at.substr(0, 10));
  return received ? format_date(answer_deadline(*received, extension_months)) : std::string();
}

namespace {

bool is_digits(const std::string& text, std::size_t max) {
  if (text.empty() || text.size() > max) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == separator) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

}  // namespace

std::string make_cursor(objection_filter::order order, const std::string& received_at,
                        const std::string& rank, const std::string& deadline,
                        const std::string& id) {
  if (order == objection_filter::order::newest) return "n~" + received_at + "~" + id;
  return "u~" + rank + "~" + deadline + "~" + id;
}

veto::expected<page_query> build_page_query(const objection_filter& f, const std::string& today,
                                            const std::string& columns, char mark) {
  page_query q;
  std::string where;
  const auto condition = [&](const std::string& sql) {
    where += where.empty() ? " WHERE " : " AND ";
    where += sql;
  };
  const auto param = [&](const std::string& value) {
    q.texts.push_back(value);
    return mark + std::to_string(q.texts.size());
  };
  if (!f.status.empty()) condition("status = " + param(f.status));
  if (!f.country.empty()) condition("country = " + param(f.country));
  if (!f.from.empty()) condition("substr(received_at, 1, 10) >= " + param(f.from));
  if (!f.to.empty()) condition("substr(received_at, 1, 10) <= " + param(f.to));
  if (f.overdue) {
    condition("status = 'received' AND erased_at IS NULL AND deadline < " + param(today));
  }
  const std::string rank = "CASE WHEN status = 'received' AND erased_at IS NULL THEN 0 ELSE 1 END";
  if (!f.cursor.empty()) {
    const std::vector<std::string> parts = split(f.cursor, '~');
    const bool newest = f.sort == objection_filter::order::newest;
    // BIGINT: PostgreSQL's INTEGER is 32 bits; SQLite reads either as its integer.
    if (newest && parts.size() == 3 && parts[0] == "n" && parts[1].size() == 24 &&
        is_digits(parts[2], 18)) {
      condition("(received_at, id) < (" + param(parts[1]) + ", CAST(" + param(parts[2]) +
                " AS BIGINT))");
    } else if (!newest && parts.size() == 4 && parts[0] == "u" &&
               (parts[1] == "0" || parts[1] == "1") && parse_date(parts[2]) &&
               is_digits(parts[3], 18)) {
      condition("(" + rank + ", deadline, id) > (CAST(" + param(parts[1]) + " AS INTEGER), " +
                param(parts[2]) + ", CAST(" + param(parts[3]) + " AS BIGINT))");
    } else {
      return veto::unexpected("cursor: not one this list gave out");
    }
  }
  q.sql = "SELECT " + columns + " FROM objections" + where +
          (f.sort == objection_filter::order::newest ? " ORDER BY received_at DESC, id DESC"
                                                     : " ORDER BY " + rank + ", deadline, id") +
          " LIMIT " + std::to_string(f.limit + 1);
  return q;
}

}  // namespace veto_server::store_sql
