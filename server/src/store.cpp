#include "store.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

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
    if (is_postgres_connection_string(db_arg) &&
        (db_arg.find("password") != std::string::npos ||
         db_arg.find(':', db_arg.find("://") + 3) < db_arg.find('@'))) {
      std::fprintf(stderr,
                   "veto-server: warning: --db carries a password, which other users can read "
                   "in the process list; use --db-file, VETO_DB or ~/.pgpass\n");
    }
    return db_arg;
  }
  if (const char* env = std::getenv("VETO_DB"); env && *env) return std::string(env);
  return fallback;
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
