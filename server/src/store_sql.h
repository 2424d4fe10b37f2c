// What the two stores (objection_store.cpp for SQLite, pg_store.cpp for PostgreSQL) write
// the same way: timestamps, deadlines, the summary's columns, and the SQL of a filtered,
// sorted list page with its cursor. The SQL here is the subset both databases read alike;
// only the parameter marks differ (`?1` in SQLite, `$1` in PostgreSQL).
#ifndef VETO_SERVER_STORE_SQL_H
#define VETO_SERVER_STORE_SQL_H

#include <cstddef>
#include <string>
#include <vector>

#include "store.h"
#include "veto/expected.h"

namespace veto_server::store_sql {

// Now, UTC, ISO 8601 with milliseconds: how every timestamp is stored (text, so that both
// databases sort and compare them alike and a cursor carries one as it is).
std::string utc_now();

// The deadline of an objection received at `received_at` with `extension_months`.
std::string deadline_of(const std::string& received_at, int extension_months);

// The columns of an objection_summary, in order, then the row's id (9) and its rank (10:
// 0 open, 1 closed or erased).
extern const char* const summary_columns;
constexpr int summary_column_count = 11;
constexpr int id_column = 9;
constexpr int rank_column = 10;

// At most this many submissions share one transaction (group commit).
constexpr std::size_t max_batch = 256;

// The SELECT for a filtered, sorted page (`columns` first) and its parameters, bound in
// order as parameter 1, 2, ...; or an error for a malformed cursor. `mark` is '?' or '$'.
struct page_query {
  std::string sql;
  std::vector<std::string> texts;
};
veto::expected<page_query> build_page_query(const objection_filter& f, const std::string& today,
                                            const std::string& columns, char mark);

// A cursor names the last row of a page by its sort key: `n~RECEIVED_AT~ID` (newest
// first) or `u~RANK~DEADLINE~ID` (most urgent first; rank 0 open, 1 closed).
std::string make_cursor(objection_filter::order order, const std::string& received_at,
                        const std::string& rank, const std::string& deadline,
                        const std::string& id);

}  // namespace veto_server::store_sql

#endif  // VETO_SERVER_STORE_SQL_H
