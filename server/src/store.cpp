#include "store.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "objection_store.h"
#include "pg_store.h"

namespace veto_server {

bool is_postgres_connection_string(const std::string& db) {
  for (const char* prefix : {"postgresql://", "postgres://", "host=", "hostaddr=", "dbname=",
                             "service="}) {
    if (db.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

namespace {

// Whether libpq would read a password out of the connection string itself (a URL's
// `user:secret@`, `?password=`, or the keyword form's `password=`): parsed by libpq, not
// guessed, so that `postgresql://host:5432/db` is no password and `password=''` is one.
bool holds_password(const std::string& conninfo) {
  char* error = nullptr;
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &error), PQconninfoFree);
  PQfreemem(error);
  if (!options) return false;  // unparsable: the connection will say so, naming no secret
  for (const PQconninfoOption* option = options.get(); option->keyword; ++option) {
    if (std::string(option->keyword) == "password" && option->val) return true;
  }
  return false;
}

}  // namespace

veto::expected<std::string> database_name(const std::string& db_file, const std::string& db_arg,
                                          const std::string& fallback) {
  if (!db_file.empty()) {
    std::ifstream in(db_file);
    std::string line;
    if (!in || !std::getline(in, line)) return veto::unexpected("--db-file: cannot read " + db_file);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) return veto::unexpected("--db-file: " + db_file + " starts with an empty line");
    return line;
  }
  if (!db_arg.empty()) {
    if (is_postgres_connection_string(db_arg) && holds_password(db_arg)) {
      return veto::unexpected(
          "--db: the connection string holds a password, which every user of the machine can "
          "read in the process list; give it in --db-file FILE, VETO_DB, PGPASSWORD or "
          "~/.pgpass instead");
    }
    return db_arg;
  }
  if (const char* env = std::getenv("VETO_DB"); env && *env) return std::string(env);
  return fallback;
}

change_outcome objection_store::change_status(const std::string& receipt, long long version,
                                              const std::string& new_status,
                                              const std::string& reason,
                                              const std::string& actor) {
  if (new_status != status_answered && new_status != status_rejected) {
    return {change_outcome::kind::not_allowed, {}};
  }
  return change(receipt, version, actor, new_status, reason, 0);
}

change_outcome objection_store::extend(const std::string& receipt, long long version, int months,
                                       const std::string& reason, const std::string& actor) {
  return change(receipt, version, actor, "extended", reason, months);
}

change_outcome objection_store::erase(const std::string& receipt, long long version,
                                      const std::string& actor) {
  return change(receipt, version, actor, "erased", "on request", 0);
}

veto::expected<std::vector<std::string>> objection_store::erase_closed_before(
    const std::string& closed_before, const std::string& actor) {
  veto::expected<std::vector<std::string>> due = receipts_closed_before(closed_before);
  if (!due) return due;
  std::vector<std::string> erased;
  for (const std::string& receipt : *due) {
    const change_outcome outcome =
        change(receipt, 0, actor, "erased", "retention: closed before " + closed_before, 0);
    if (outcome.status == change_outcome::kind::failed) {
      return veto::unexpected("database: erasing " + receipt + " failed");
    }
    if (outcome.status == change_outcome::kind::changed) erased.push_back(receipt);
  }
  return erased;
}

veto::expected<std::unique_ptr<objection_store>> objection_store::open(const std::string& db) {
  if (is_postgres_connection_string(db)) {
    veto::expected<std::unique_ptr<pg_store>> opened = pg_store::open(db);
    if (!opened) return veto::unexpected(opened.error());
    return std::unique_ptr<objection_store>(std::move(*opened));
  }
  veto::expected<std::unique_ptr<sqlite_store>> opened = sqlite_store::open(db);
  if (!opened) return veto::unexpected(opened.error());
  return std::unique_ptr<objection_store>(std::move(*opened));
}

}  // namespace veto_server
