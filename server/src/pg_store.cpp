#include "pg_store.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "bytes.h"
#include "deadline.h"
#include "store_sql.h"

namespace veto_server {
namespace {

using namespace store_sql;

// The schema's versions, the same numbers as SQLite's `PRAGMA user_version`
// (objection_store.cpp). Version 1 is SQLite's version 1 as one step: PostgreSQL came
// after the admin side. A new version appends its step here and in objection_store.cpp.
struct migration {
  int version;
  const char* sql;
};
constexpr migration migrations[] = {
    {1,
     "CREATE TABLE objections ("
     " id BIGSERIAL PRIMARY KEY,"
     " receipt TEXT NOT NULL UNIQUE,"
     " received_at TEXT NOT NULL,"  // UTC, ISO 8601 with milliseconds, as in SQLite
     " locale TEXT NOT NULL,"
     " ruleset_id TEXT NOT NULL,"
     " ruleset_version BIGINT NOT NULL,"
     " fields TEXT NOT NULL,"  // the bytes the server wrote, kept as they are
     " idempotency_key TEXT UNIQUE,"
     " request_sha256 TEXT NOT NULL,"
     " status TEXT NOT NULL DEFAULT 'received',"
     " country TEXT,"
     " deadline TEXT NOT NULL DEFAULT '',"
     " extension_months INTEGER NOT NULL DEFAULT 0,"
     " version BIGINT NOT NULL DEFAULT 1,"
     " closed_at TEXT,"
     " erased_at TEXT);"
     "CREATE INDEX objections_received ON objections (received_at, id);"
     "CREATE INDEX objections_open ON objections (status, deadline, id);"
     "CREATE INDEX objections_closed ON objections (closed_at);"
     "CREATE TABLE status_history ("
     " id BIGSERIAL PRIMARY KEY,"
     " objection_id BIGINT NOT NULL REFERENCES objections (id),"
     " at TEXT NOT NULL,"
     " actor TEXT NOT NULL,"
     " action TEXT NOT NULL,"
     " reason TEXT NOT NULL DEFAULT '',"
     " extension_months INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX status_history_objection ON status_history (objection_id);"
     "CREATE TABLE audit_log ("
     " id BIGSERIAL PRIMARY KEY,"
     " at TEXT NOT NULL,"
     " actor TEXT NOT NULL,"
     " action TEXT NOT NULL,"
     " receipt TEXT NOT NULL DEFAULT '',"
     " detail TEXT NOT NULL DEFAULT '');"
     "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS"
     " $$BEGIN RAISE EXCEPTION 'the audit log is append-only'; END$$;"
     "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
     " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();"
     "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
     " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();"},
    // 2: mail (issue 23), the same tables as SQLite's migration_to_2 (objection_store.cpp),
    // and one column more: `leased_by`, the database session (backend pid) of the sender
    // that claimed the row (due_mail below), so that a claim dies with its instance.
    {2,
     "CREATE TABLE outbox ("
     " id BIGSERIAL PRIMARY KEY,"
     " objection_id BIGINT NOT NULL UNIQUE REFERENCES objections (id),"
     " recipient TEXT NOT NULL,"  // emptied when the objection is erased
     " message_id TEXT NOT NULL UNIQUE,"
     " state TEXT NOT NULL DEFAULT 'pending',"  // pending, sent, failed, undeliverable
     " attempts INTEGER NOT NULL DEFAULT 0,"
     " next_attempt_at TEXT NOT NULL,"  // UTC ISO 8601; for a claimed row, its lease's end
     " leased_by INTEGER,"
     " last_reply TEXT NOT NULL DEFAULT '',"
     " sent_at TEXT);"
     "CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);"
     "CREATE INDEX outbox_leased ON outbox (leased_by) WHERE leased_by IS NOT NULL;"
     "CREATE TABLE codes ("
     " id BIGSERIAL PRIMARY KEY,"
     " address_key TEXT NOT NULL,"  // HMAC(pepper, address)
     " code_hash TEXT NOT NULL,"    // HMAC(pepper, address_key + code)
     " created_at TEXT NOT NULL,"
     " expires_at TEXT NOT NULL,"
     " wrong_tries INTEGER NOT NULL DEFAULT 0,"
     " used INTEGER NOT NULL DEFAULT 0);"  // 1: used, or superseded by a newer code
     "CREATE INDEX codes_address ON codes (address_key, created_at);"},
};
constexpr int schema_version = migrations[std::size(migrations) - 1].version;

// The advisory lock instances take while they look at and migrate the schema, so that two
// starting together migrate once. Any fixed number; this one spells "veto".
constexpr long long migration_lock = 0x7665746f;

// The advisory lock every audit entry's insert holds until its transaction ends, on every
// instance: entries then take their ids in the order they commit, so that a reader paging
// by id (the audit export, `WHERE id > last`) never passes an entry that commits later with
// a smaller id. Audit entries are the controller's actions, a few a minute: the queue is short.
constexpr long long audit_lock = 0x76657461;

// A connection is made anew at most this often while the database cannot be reached.
constexpr std::chrono::seconds reconnect_interval{1};

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result = std::unique_ptr<PGresult, result_deleter>;
using param = std::optional<std::string>;

bool ok(const result& r) {
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::string text(const result& r, int row, int column) {
  return std::string(PQgetvalue(r.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(r.get(), row, column)));
}
long long number(const result& r, int row, int column) {
  return std::strtoll(PQgetvalue(r.get(), row, column), nullptr, 10);
}

// The primary message only: DETAIL lines can quote a row's values.
std::string message_of(PGconn* c, const result& r) {
  const char* primary = r ? PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary ? primary : c ? PQerrorMessage(c) : "no connection";
  const std::size_t line = message.find('\n');
  return line == std::string::npos ? message : message.substr(0, line);
}

// The database as messages name it: never the connection string, which may hold a password.
std::string describe(PGconn* c) {
  const char* host = PQhost(c);
  return std::string("PostgreSQL database ") + PQdb(c) + " on " + (host ? host : "?") + ":" +
         PQport(c);
}

void ignore_notice(void*, const char*) {}

}  // namespace

class pg_store::connection {
 public:
  connection(std::string conninfo, const char* role, pg_store& owner)
      : conninfo_(std::move(conninfo)), role_(role), owner_(owner) {}
  ~connection() {
    if (conn_) PQfinish(conn_);
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // The connection, made anew if it broke; nullptr while the database is unreachable.
  PGconn* get() {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return conn_;
    const auto now = std::chrono::steady_clock::now();
    if (tried_ && now - last_try_ < reconnect_interval) return nullptr;
    tried_ = true;
    last_try_ = now;
    if (conn_) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    // Keywords before the expanded string are defaults: the string's own values win.
    const char* const keys[] = {"connect_timeout", "application_name", "keepalives_idle",
                                "dbname", nullptr};
    const char* const values[] = {"3", "veto-server", "10", conninfo_.c_str(), nullptr};
    PGconn* c = PQconnectdbParams(keys, values, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
      error_ = message_of(c, nullptr);
      if (c) PQfinish(c);
      owner_.count_database_error();
      if (!down_) {
        std::fprintf(stderr, "veto-server: database (%s connection): %s\n", role_, error_.c_str());
      }
      down_ = true;
      return nullptr;
    }
    PQsetNoticeProcessor(c, ignore_notice, nullptr);
    if (down_) std::fprintf(stderr, "veto-server: database (%s connection): connected again\n", role_);
    down_ = false;
    conn_ = c;
    return conn_;
  }

  const std::string& error() const { return error_; }

  // Runs `sql` with text parameters; logs and counts a failure.
  result run(const char* sql, const std::vector<param>& params = {}) {
    PGconn* c = get();
    if (!c) return nullptr;
    std::vector<const char*> values;
    for (const param& p : params) values.push_back(p ? p->c_str() : nullptr);
    result r(PQexecParams(c, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, 0));
    if (!ok(r)) {
      error_ = message_of(c, r);
      owner_.count_database_error();
      std::fprintf(stderr, "veto-server: database (%s connection): %s\n", role_, error_.c_str());
    }
    return r;
  }

  // Several statements without parameters (a migration).
  result run_script(const char* sql) {
    PGconn* c = get();
    if (!c) return nullptr;
    result r(PQexec(c, sql));
    if (!ok(r)) {
      error_ = message_of(c, r);
      owner_.count_database_error();
    }
    return r;
  }

 private:
  std::string conninfo_;
  const char* role_;
  pg_store& owner_;
  PGconn* conn_ = nullptr;
  bool tried_ = false;
  bool down_ = false;
  std::chrono::steady_clock::time_point last_try_{};
  std::string error_;
};

namespace {

using connection = pg_store::connection;

std::string database_error(const connection& c) {
  return "database: " + (c.error().empty() ? std::string("unreachable") : c.error());
}

// Brings the schema to schema_version in one transaction, holding the advisory lock.
std::string migrate(connection& db, PGconn* c) {
  const std::string name = describe(c);
  const auto fail = [&](const std::string& what) {
    const std::string reason = db.error();
    db.run("ROLLBACK");
    return "cannot " + what + " " + name + ": " + reason;
  };
  if (!ok(db.run("BEGIN"))) return fail("migrate");
  if (!ok(db.run("SELECT pg_advisory_xact_lock($1)", {std::to_string(migration_lock)})) ||
      !ok(db.run_script("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version INTEGER PRIMARY KEY,"
                        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"))) {
    return fail("migrate");
  }
  const result current = db.run("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!ok(current)) return fail("read the schema version of");
  const long long version = number(current, 0, 0);
  if (version > schema_version) {
    db.run("ROLLBACK");
    return name + " has schema version " + std::to_string(version) +
           ", newer than this veto-server knows (" + std::to_string(schema_version) + ")";
  }
  for (const migration& m : migrations) {
    if (m.version <= version) continue;
    if (!ok(db.run_script(m.sql)) ||
        !ok(db.run("INSERT INTO schema_migrations (version) VALUES ($1)",
                   {std::to_string(m.version)}))) {
      return fail("migrate to schema version " + std::to_string(m.version) + ":");
    }
  }
  if (!ok(db.run("COMMIT"))) return fail("migrate");
  return "";
}

objection_summary read_summary(const result& r, int row) {
  objection_summary s;
  s.receipt = text(r, row, 0);
  s.received_at = text(r, row, 1);
  s.country = text(r, row, 2);
  s.status = text(r, row, 3);
  s.deadline = text(r, row, 4);
  s.extension_months = static_cast<int>(number(r, row, 5));
  s.version = number(r, row, 6);
  s.closed_at = text(r, row, 7);
  s.erased_at = text(r, row, 8);
  return s;
}

bool insert_audit(connection& db, const std::string& at, const std::string& actor,
                  const std::string& action, const std::string& receipt,
                  const std::string& detail) {
  // One statement, so that the lock holds to the end of an implicit transaction too.
  return ok(db.run(
      "WITH serial AS (SELECT pg_advisory_xact_lock($6::bigint))"
      " INSERT INTO audit_log (at, actor, action, receipt, detail)"
      " SELECT $1, $2, $3, $4, $5 FROM serial",
      {at, actor, action, receipt, detail, std::to_string(audit_lock)}));
}

// One objection inside the writer's transaction; `failed` when a statement failed (the
// transaction is then aborted).
store_outcome insert_one(connection& db, const objection& item) {
  // A receipt collision (80 random bits) is all but impossible; should it happen, the
  // INSERT does nothing and a new receipt is drawn.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::optional<std::string> receipt = random_receipt();
    if (!receipt) return {};
    const std::string received_at = utc_now();
    const result inserted = db.run(
        "INSERT INTO objections (receipt, received_at, locale, ruleset_id, ruleset_version,"
        " fields, idempotency_key, request_sha256, country, deadline)"
        " VALUES ($1, $2, $3, $4, $5, $6::text, $7, $8, ($6::text)::json ->> 'country', $9)"
        " ON CONFLICT DO NOTHING RETURNING id",
        {*receipt, received_at, item.locale, item.ruleset_id,
         std::to_string(item.ruleset_version), item.fields_json, item.idempotency_key,
         item.request_sha256, deadline_of(received_at, 0)});
    if (!ok(inserted)) return {};
    if (PQntuples(inserted.get()) == 1) {
      if (item.receipt_mail) {
        // In the objection's transaction: its COMMIT acknowledges both or neither.
        const result queued = db.run(
            "INSERT INTO outbox (objection_id, recipient, message_id, next_attempt_at)"
            " VALUES ($1, $2, $3, $4)",
            {text(inserted, 0, 0), item.receipt_mail->to,
             "<receipt." + *receipt + "@" + item.receipt_mail->message_id_domain + ">",
             received_at});
        if (!ok(queued)) return {};
      }
      return {store_outcome::kind::stored, *receipt};
    }
    if (!item.idempotency_key) continue;
    // Nothing inserted: the key is taken (by a committed row, which a concurrent insert
    // waited for, or one earlier in this transaction), or the receipt was.
    const result earlier =
        db.run("SELECT receipt, request_sha256 FROM objections WHERE idempotency_key = $1",
               {item.idempotency_key});
    if (!ok(earlier)) return {};
    if (PQntuples(earlier.get()) == 1) {
      if (text(earlier, 0, 1) == item.request_sha256) {
        return {store_outcome::kind::replayed, text(earlier, 0, 0)};
      }
      return {store_outcome::kind::conflict, std::string()};
    }
  }
  return {};
}

bool committed(connection& db) {
  // COMMIT of an aborted transaction "succeeds" as ROLLBACK: the tag tells them apart.
  const result r = db.run("COMMIT");
  return ok(r) && std::strcmp(PQcmdStatus(r.get()), "COMMIT") == 0;
}

}  // namespace

pg_store::pg_store(const std::string& conninfo)
    : writer_db_(std::make_unique<connection>(conninfo, "writer", *this)),
      reader_db_(std::make_unique<connection>(conninfo, "reader", *this)),
      admin_db_(std::make_unique<connection>(conninfo, "admin", *this)),
      mail_db_(std::make_unique<connection>(conninfo, "mail", *this)) {}

veto::expected<std::unique_ptr<pg_store>> pg_store::open(const std::string& conninfo) {
  std::unique_ptr<pg_store> store(new pg_store(conninfo));
  PGconn* c = store->admin_db_->get();
  if (!c) return veto::unexpected("cannot connect to PostgreSQL: " + store->admin_db_->error());
  std::string error = migrate(*store->admin_db_, c);
  if (!error.empty()) return veto::unexpected(std::move(error));
  store->writer_ = std::make_unique<group_commit>(
      [s = store.get()](const std::vector<objection>& items) { return s->write_batch(items); });
  return store;
}

pg_store::~pg_store() {
  writer_.reset();  // writes what is queued before the connections close
}

store_outcome pg_store::store(objection item) {
  return writer_->submit(std::move(item));
}

std::vector<store_outcome> pg_store::write_batch(const std::vector<objection>& batch) {
  connection& db = *writer_db_;
  std::vector<store_outcome> outcomes(batch.size());
  if (!ok(db.run("BEGIN"))) return outcomes;
  bool statements_ok = true;
  for (std::size_t i = 0; i < batch.size() && statements_ok; ++i) {
    outcomes[i] = insert_one(db, batch[i]);
    statements_ok = outcomes[i].status != store_outcome::kind::failed;
  }
  if (statements_ok) {
    // A COMMIT that fails or loses its connection may or may not have happened: nobody
    // hears "stored", and a retry with the same key finds the row if it did.
    if (!committed(db)) outcomes.assign(batch.size(), store_outcome{});
    return outcomes;
  }
  db.run("ROLLBACK");
  outcomes.assign(batch.size(), store_outcome{});
  // A statement failed on a live connection (e.g. a deadlock between two instances'
  // batches inserting the same keys in another order): each on its own then, so one
  // objection's trouble is not the whole batch's. Nothing of the batch was committed.
  if (batch.size() > 1 && writer_db_->get()) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!ok(db.run("BEGIN"))) break;
      store_outcome outcome = insert_one(db, batch[i]);
      if (outcome.status == store_outcome::kind::failed || !committed(db)) {
        db.run("ROLLBACK");
        continue;
      }
      outcomes[i] = std::move(outcome);
    }
  }
  return outcomes;
}

std::optional<bool> pg_store::has_receipt(const std::string& receipt) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  const result r = reader_db_->run("SELECT 1 FROM objections WHERE receipt = $1", {receipt});
  if (!ok(r)) return std::nullopt;
  return PQntuples(r.get()) > 0;
}

std::optional<bool> pg_store::has_request(const std::string& idempotency_key,
                                          const std::string& request_sha256) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  const result r = reader_db_->run(
      "SELECT 1 FROM objections WHERE idempotency_key = $1 AND request_sha256 = $2",
      {idempotency_key, request_sha256});
  if (!ok(r)) return std::nullopt;
  return PQntuples(r.get()) > 0;
}

bool pg_store::ping() {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  return ok(reader_db_->run("SELECT 1"));
}

template <class Take>
veto::expected<std::string> pg_store::run_page(const objection_filter& f, const std::string& today,
                                               const std::string& columns, Take take) {
  veto::expected<page_query> q = build_page_query(f, today, columns, '$');
  if (!q) return veto::unexpected(q.error());
  const result r = admin_db_->run(q->sql.c_str(), std::vector<param>(q->texts.begin(), q->texts.end()));
  if (!ok(r)) return veto::unexpected(database_error(*admin_db_));
  const std::size_t rows = static_cast<std::size_t>(PQntuples(r.get()));
  const std::size_t shown = std::min(rows, f.limit);
  for (std::size_t i = 0; i < shown; ++i) take(r, static_cast<int>(i));
  if (rows <= f.limit || shown == 0) return std::string();
  const int last = static_cast<int>(shown - 1);
  return make_cursor(f.sort, text(r, last, 1), text(r, last, rank_column), text(r, last, 4),
                     text(r, last, id_column));
}

veto::expected<objection_page> pg_store::list(const objection_filter& filter,
                                              const std::string& today) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  objection_page page;
  veto::expected<std::string> next =
      run_page(filter, today, summary_columns,
               [&](const result& r, int row) { page.items.push_back(read_summary(r, row)); });
  if (!next) return veto::unexpected(next.error());
  page.next_cursor = std::move(*next);
  return page;
}

veto::expected<export_page> pg_store::export_rows(const objection_filter& filter,
                                                  const std::string& today) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  export_page page;
  veto::expected<std::string> next = run_page(
      filter, today, std::string(summary_columns) + ", locale, fields",
      [&](const result& r, int row) {
        page.items.push_back(export_row{read_summary(r, row), text(r, row, summary_column_count),
                                        text(r, row, summary_column_count + 1)});
      });
  if (!next) return veto::unexpected(next.error());
  page.next_cursor = std::move(*next);
  return page;
}

veto::expected<std::optional<objection_record>> pg_store::find(const std::string& receipt,
                                                               const std::string& actor) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  connection& db = *admin_db_;
  const auto failed = [&]() -> veto::expected<std::optional<objection_record>> {
    const std::string reason = database_error(db);
    db.run("ROLLBACK");
    return veto::unexpected(reason);
  };
  if (!ok(db.run("BEGIN"))) return failed();
  const result row = db.run((std::string("SELECT ") + summary_columns +
                             ", locale, ruleset_id, ruleset_version, fields"
                             " FROM objections WHERE receipt = $1")
                                .c_str(),
                            {receipt});
  if (!ok(row)) return failed();
  if (PQntuples(row.get()) == 0) {
    db.run("ROLLBACK");
    return std::optional<objection_record>();
  }
  objection_record record;
  record.summary = read_summary(row, 0);
  record.locale = text(row, 0, summary_column_count);
  record.ruleset_id = text(row, 0, summary_column_count + 1);
  record.ruleset_version = number(row, 0, summary_column_count + 2);
  record.fields_json = text(row, 0, summary_column_count + 3);
  const result history =
      db.run("SELECT at, actor, action, reason, extension_months FROM status_history"
             " WHERE objection_id = $1 ORDER BY id",
             {text(row, 0, id_column)});
  if (!ok(history)) return failed();
  for (int i = 0; i < PQntuples(history.get()); ++i) {
    record.history.push_back(status_change{text(history, i, 0), text(history, i, 1),
                                           text(history, i, 2), text(history, i, 3),
                                           static_cast<int>(number(history, i, 4))});
  }
  if (!insert_audit(db, utc_now(), actor, "read", receipt, "")) return failed();
  if (!committed(db)) return failed();
  return std::optional<objection_record>(std::move(record));
}

change_outcome pg_store::change(const std::string& receipt, long long version,
                                const std::string& actor, const std::string& action,
                                const std::string& reason, int months) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  connection& db = *admin_db_;
  using kind = change_outcome::kind;
  const auto end = [&](kind k) {
    db.run("ROLLBACK");
    return change_outcome{k, {}};
  };
  if (!ok(db.run("BEGIN"))) return end(kind::failed);
  // FOR UPDATE: a handler on another instance changing the same objection waits here, then
  // sees the version this change made.
  const result row = db.run(
      (std::string("SELECT ") + summary_columns + " FROM objections WHERE receipt = $1 FOR UPDATE")
          .c_str(),
      {receipt});
  if (!ok(row)) return end(kind::failed);
  if (PQntuples(row.get()) == 0) return end(kind::not_found);
  const objection_summary current = read_summary(row, 0);
  const std::string id = text(row, 0, id_column);
  if (version != 0 && version != current.version) return end(kind::conflict);
  const bool open = current.status == status_received && current.erased_at.empty();
  const std::string now = utc_now();
  result update;
  std::string detail;
  if (action == status_answered || action == status_rejected) {
    if (!open) return end(kind::not_allowed);
    update = db.run("UPDATE objections SET status = $2, closed_at = $3, version = version + 1"
                    " WHERE id = $1",
                    {id, action, now});
  } else if (action == "extended") {
    if (!open || months <= current.extension_months || months > max_extension_months) {
      return end(kind::not_allowed);
    }
    update = db.run("UPDATE objections SET extension_months = $2, deadline = $3,"
                    " version = version + 1 WHERE id = $1",
                    {id, std::to_string(months), deadline_of(current.received_at, months)});
    detail = "months=" + std::to_string(months);
  } else if (action == "erased") {
    if (!current.erased_at.empty()) return end(kind::not_allowed);
    // The tombstone, as in SQLite (objection_store.cpp).
    update = db.run("UPDATE objections SET fields = '{}', country = NULL, locale = '',"
                    " idempotency_key = NULL, request_sha256 = '', erased_at = $2,"
                    " version = version + 1 WHERE id = $1",
                    {id, now});
    if (ok(update)) {
      update = db.run("UPDATE status_history SET reason = '' WHERE objection_id = $1", {id});
    }
    // The address of the receipt email goes too; a pending email is not sent any more. A
    // sender holding it claimed finds it no longer pending when it records its attempt
    // (record_mail_attempts): an email already on its way may still arrive, once.
    if (ok(update)) {
      update = db.run(
          "UPDATE outbox SET recipient = '', leased_by = NULL,"
          " state = CASE state WHEN 'pending' THEN 'failed' ELSE state END,"
          " last_reply = CASE state WHEN 'pending' THEN 'erased before it was sent'"
          " ELSE last_reply END WHERE objection_id = $1",
          {id});
    }
    detail = reason;
  } else {
    return end(kind::not_allowed);
  }
  if (!ok(update)) return end(kind::failed);
  if (!ok(db.run("INSERT INTO status_history (objection_id, at, actor, action, reason,"
                 " extension_months) VALUES ($1, $2, $3, $4, $5, $6)",
                 {id, now, actor, action, action == "erased" ? std::string() : reason,
                  std::to_string(months)})) ||
      !insert_audit(db, now, actor, action, receipt, detail)) {
    return end(kind::failed);
  }
  const result after = db.run(
      (std::string("SELECT ") + summary_columns + " FROM objections WHERE id = $1").c_str(), {id});
  if (!ok(after) || PQntuples(after.get()) != 1) return end(kind::failed);
  change_outcome outcome{kind::changed, read_summary(after, 0)};
  if (!committed(db)) return end(kind::failed);
  return outcome;
}

veto::expected<std::vector<std::string>> pg_store::receipts_closed_before(
    const std::string& closed_before) {
  std::vector<std::string> due;
  std::lock_guard<std::mutex> lock(admin_mutex_);
  const result r = admin_db_->run(
      "SELECT receipt FROM objections WHERE closed_at IS NOT NULL AND closed_at < $1"
      " AND erased_at IS NULL ORDER BY id",
      {closed_before});
  if (!ok(r)) return veto::unexpected(database_error(*admin_db_));
  for (int i = 0; i < PQntuples(r.get()); ++i) due.push_back(text(r, i, 0));
  return due;
}

bool pg_store::audit(const std::string& actor, const std::string& action,
                     const std::string& receipt, const std::string& detail) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  return insert_audit(*admin_db_, utc_now(), actor, action, receipt, detail);
}

veto::expected<std::vector<audit_entry>> pg_store::audit_log(long long after_id,
                                                             std::size_t limit) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  const result r = admin_db_->run(
      "SELECT id, at, actor, action, receipt, detail FROM audit_log WHERE id > $1"
      " ORDER BY id LIMIT $2",
      {std::to_string(after_id), std::to_string(limit)});
  if (!ok(r)) return veto::unexpected(database_error(*admin_db_));
  std::vector<audit_entry> entries;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    entries.push_back(audit_entry{number(r, i, 0), text(r, i, 1), text(r, i, 2), text(r, i, 3),
                                  text(r, i, 4), text(r, i, 5)});
  }
  return entries;
}

veto::expected<objection_store::statistics> pg_store::stats(const std::string& today, int days) {
  const std::optional<civil_date> end = parse_date(today);
  if (!end || days < 1) return veto::unexpected(std::string("stats: bad date range"));
  const long long last = days_from_epoch(*end);
  statistics out;
  for (long long day = last - days + 1; day <= last; ++day) {
    out.per_day.emplace_back(format_date(date_from_days(day)), 0);
  }
  std::lock_guard<std::mutex> lock(admin_mutex_);
  const result per_day = admin_db_->run(
      "SELECT substr(received_at, 1, 10), count(*) FROM objections"
      " WHERE substr(received_at, 1, 10) BETWEEN $1 AND $2 GROUP BY 1",
      {out.per_day.front().first, today});
  if (!ok(per_day)) return veto::unexpected(database_error(*admin_db_));
  for (int i = 0; i < PQntuples(per_day.get()); ++i) {
    const std::string day = text(per_day, i, 0);
    for (auto& [date, count] : out.per_day) {
      if (date == day) count = number(per_day, i, 1);
    }
  }
  const result open = admin_db_->run(
      "SELECT count(*), count(*) FILTER (WHERE deadline < $1) FROM objections"
      " WHERE status = 'received' AND erased_at IS NULL",
      {today});
  if (!ok(open)) return veto::unexpected(database_error(*admin_db_));
  out.open = number(open, 0, 0);
  out.overdue = number(open, 0, 1);
  return out;
}

namespace {

// How long a claimed email stays with the sender that claimed it (due_mail). The sender
// (mail_sender.cpp) claims up to 16 rows and records them together after trying them all,
// each try bounded by curl's 10 s connect and 60 s transfer timeouts (plus, for an
// SMTPUTF8 address, one EHLO question with the same bounds): 16 x 2 x 70 s is under 40
// minutes, so an hour is longer than any batch. A claim also ends when the claimer's
// database session does (a SIGKILLed instance, a lost connection): those rows are due again
// at once, so the long lease delays nothing after a crash.
constexpr const char* mail_lease = "1 hour";

}  // namespace

veto::expected<std::vector<outbox_item>> pg_store::due_mail(const std::string& now,
                                                            std::size_t limit) {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  // First, claims whose session has ended (an instance SIGKILLed, a lost connection) end
  // now: their rows are due at once. Few rows are leased at any time (a batch per live
  // instance), and the partial index outbox_leased finds them without a scan of the rest.
  // SKIP LOCKED: two instances doing this at once neither wait for nor deadlock on each other.
  if (!ok(mail_db_->run("UPDATE outbox SET leased_by = NULL, next_attempt_at = $1 WHERE id IN"
                        " (SELECT id FROM outbox WHERE leased_by IS NOT NULL AND state = 'pending'"
                        " AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a"
                        " WHERE a.pid = outbox.leased_by) FOR UPDATE SKIP LOCKED)",
                        {now}))) {
    return veto::unexpected(database_error(*mail_db_));
  }
  // Then one statement, so one transaction: the due rows are locked (FOR UPDATE SKIP
  // LOCKED: another instance asking at the same moment takes the next ones, never waits for
  // these) and leased to this session until now + mail_lease. Several instances thus send
  // each email once. The index outbox_due gives the rows in order and the scan stops at
  // `limit`, however long the queue; the rows' old times keep SQLite's order. (EXPLAIN
  // ANALYZE on 200,000 rows, half due, 16 leased: this is an index scan of outbox_due that
  // reads 16 rows, 2.6 ms; the release above a bitmap scan of outbox_leased, 10 ms.)
  const result r = mail_db_->run(
      (std::string("WITH due AS ("
                   " SELECT id, next_attempt_at FROM outbox"
                   " WHERE state = 'pending' AND next_attempt_at <= $1"
                   " ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED),"
                   " claimed AS ("
                   " UPDATE outbox m SET leased_by = pg_backend_pid(), next_attempt_at ="
                   " to_char(($1::text::timestamptz + interval '") +
       mail_lease +
       "') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
       " FROM due WHERE m.id = due.id"
       " RETURNING m.id, m.objection_id, m.recipient, m.message_id, m.attempts,"
       " due.next_attempt_at AS was_due)"
       " SELECT c.id, o.receipt, o.received_at, o.deadline, o.locale, o.fields, c.recipient,"
       " c.message_id, c.attempts FROM claimed c JOIN objections o ON o.id = c.objection_id"
       " ORDER BY c.was_due, c.id")
          .c_str(),
      {now, std::to_string(limit)});
  if (!ok(r)) return veto::unexpected(database_error(*mail_db_));
  std::vector<outbox_item> items;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    items.push_back(outbox_item{number(r, i, 0), text(r, i, 1), text(r, i, 2), text(r, i, 3),
                                text(r, i, 4), text(r, i, 5), text(r, i, 6), text(r, i, 7),
                                static_cast<int>(number(r, i, 8))});
  }
  return items;
}

bool pg_store::record_mail_attempts(const std::vector<mail_attempt>& attempts) {
  if (attempts.empty()) return true;
  std::lock_guard<std::mutex> lock(mail_mutex_);
  connection& db = *mail_db_;
  if (!ok(db.run("BEGIN"))) return false;
  for (const mail_attempt& a : attempts) {
    if (!ok(db.run("UPDATE outbox SET state = $2, attempts = attempts + $3, last_reply = $4,"
                   " next_attempt_at = CASE WHEN $2 = 'pending' THEN $5 ELSE next_attempt_at END,"
                   " sent_at = CASE WHEN $2 = 'sent' THEN $6 ELSE sent_at END, leased_by = NULL"
                   " WHERE id = $1 AND state = 'pending'",
                   {std::to_string(a.id), std::string(a.state), a.tried ? "1" : "0", a.reply,
                    a.next_attempt_at, a.at}))) {
      db.run("ROLLBACK");
      return false;
    }
  }
  if (!committed(db)) {
    db.run("ROLLBACK");
    return false;
  }
  return true;
}

namespace {

constexpr const char* outbox_columns =
    "SELECT o.receipt, m.state, m.attempts, m.next_attempt_at, m.last_reply,"
    " coalesce(m.sent_at, '') FROM outbox m JOIN objections o ON o.id = m.objection_id";

outbox_status read_outbox_status(const result& r, int row) {
  return outbox_status{text(r, row, 0), text(r, row, 1), static_cast<int>(number(r, row, 2)),
                       text(r, row, 3), text(r, row, 4), text(r, row, 5)};
}

}  // namespace

veto::expected<std::vector<outbox_status>> pg_store::outbox(const std::string& state,
                                                            std::size_t limit) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  const result r = admin_db_->run(
      (std::string(outbox_columns) + " WHERE $1 = '' OR m.state = $1 ORDER BY m.id DESC LIMIT $2")
          .c_str(),
      {state, std::to_string(limit)});
  if (!ok(r)) return veto::unexpected(database_error(*admin_db_));
  std::vector<outbox_status> rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) rows.push_back(read_outbox_status(r, i));
  return rows;
}

veto::expected<std::optional<outbox_status>> pg_store::outbox_of(const std::string& receipt) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  const result r =
      admin_db_->run((std::string(outbox_columns) + " WHERE o.receipt = $1").c_str(), {receipt});
  if (!ok(r)) return veto::unexpected(database_error(*admin_db_));
  if (PQntuples(r.get()) == 0) return std::optional<outbox_status>();
  return std::optional<outbox_status>(read_outbox_status(r, 0));
}

veto::expected<objection_store::outbox_counts> pg_store::outbox_totals() {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  const result r = admin_db_->run(
      "SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'failed'),"
      " count(*) FILTER (WHERE state = 'undeliverable') FROM outbox");
  if (!ok(r)) return veto::unexpected(database_error(*admin_db_));
  return outbox_counts{number(r, 0, 0), number(r, 0, 1), number(r, 0, 2)};
}

code_issue_outcome pg_store::issue_code(const code_issue& issue) {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  connection& db = *mail_db_;
  const auto end = [&](code_issue_outcome outcome) {
    db.run("ROLLBACK");
    return outcome;
  };
  if (!ok(db.run("BEGIN"))) return code_issue_outcome::failed;
  // Two instances issuing for one address at once: the second waits here for the first's
  // COMMIT, then counts its code (the count and the insert are one step per address).
  if (!ok(db.run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {issue.address_key}))) {
    return end(code_issue_outcome::failed);
  }
  // Rows older than the window count for nothing any more.
  if (!ok(db.run("DELETE FROM codes WHERE created_at < $1 AND expires_at < $2",
                 {issue.window_start, issue.now}))) {
    return end(code_issue_outcome::failed);
  }
  const result count = db.run(
      "SELECT count(*) FROM codes WHERE address_key = $1 AND created_at >= $2",
      {issue.address_key, issue.window_start});
  if (!ok(count)) return end(code_issue_outcome::failed);
  if (number(count, 0, 0) >= issue.max_in_window) return end(code_issue_outcome::limited);
  if (!ok(db.run("UPDATE codes SET used = 1 WHERE address_key = $1 AND used = 0",
                 {issue.address_key})) ||
      !ok(db.run("INSERT INTO codes (address_key, code_hash, created_at, expires_at)"
                 " VALUES ($1, $2, $3, $4)",
                 {issue.address_key, issue.code_hash, issue.now, issue.expires_at}))) {
    return end(code_issue_outcome::failed);
  }
  if (!committed(db)) return end(code_issue_outcome::failed);
  return code_issue_outcome::issued;
}

code_check_outcome pg_store::use_code(const code_attempt& attempt) {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  connection& db = *mail_db_;
  const auto end = [&](code_check_outcome outcome, bool commit) {
    if (commit && committed(db)) return outcome;
    db.run("ROLLBACK");
    return commit ? code_check_outcome::failed : outcome;
  };
  if (!ok(db.run("BEGIN"))) return code_check_outcome::failed;
  // FOR UPDATE: two tries of one code at once (on two instances) are counted one after the
  // other, so a right code is used once and wrong tries cannot slip past max_wrong.
  const result row = db.run(
      "SELECT id, code_hash, expires_at, wrong_tries FROM codes"
      " WHERE address_key = $1 AND used = 0 ORDER BY id DESC LIMIT 1 FOR UPDATE",
      {attempt.address_key});
  if (!ok(row)) return end(code_check_outcome::failed, false);
  if (PQntuples(row.get()) == 0) return end(code_check_outcome::none, false);
  const std::string id = text(row, 0, 0);
  const std::string stored_hash = text(row, 0, 1);
  const std::string expires_at = text(row, 0, 2);
  const long long wrong_tries = number(row, 0, 3);
  if (wrong_tries >= attempt.max_wrong) return end(code_check_outcome::exhausted, false);
  if (expires_at <= attempt.now) return end(code_check_outcome::expired, false);
  // As in SQLite's use_code: CRYPTO_memcmp reads every byte whatever differs.
  const bool right = stored_hash.size() == attempt.code_hash.size() &&
                     CRYPTO_memcmp(stored_hash.data(), attempt.code_hash.data(),
                                   stored_hash.size()) == 0;
  if (!ok(db.run(right ? "UPDATE codes SET used = 1 WHERE id = $1"
                       : "UPDATE codes SET wrong_tries = wrong_tries + 1 WHERE id = $1",
                 {id}))) {
    return end(code_check_outcome::failed, false);
  }
  if (right) return end(code_check_outcome::accepted, true);
  return end(wrong_tries + 1 >= attempt.max_wrong ? code_check_outcome::exhausted
                                                  : code_check_outcome::wrong,
             true);
}

veto::expected<bool> pg_store::compact() {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  if (!ok(admin_db_->run("VACUUM FULL objections, status_history, outbox"))) {
    return veto::unexpected(database_error(*admin_db_));
  }
  return true;
}

}  // namespace veto_server
