// The outbox and the confirmation codes of objection_store (issue 23), on a real SQLite
// file in a temporary folder, and on PostgreSQL when VETO_TEST_POSTGRES names a cluster (a
// URL without a database, postgresql://ROLE@HOST:PORT, of a role that may CREATE DATABASE):
// each test then
// runs on a new database of its own there. tests/server/mail-postgres.test.mjs starts a
// throwaway cluster and runs these; without the variable they are not instantiated (the
// ctest list has the SQLite ones only).
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "confirmation_codes.h"
#include "objection_store.h"

namespace veto_server {
namespace {

// Runs one statement on the cluster's maintenance database; false (with a test failure) on
// an error.
bool on_cluster(const std::string& sql) {
  const char* const keys[] = {"dbname", nullptr};
  const std::string maintenance = std::string(std::getenv("VETO_TEST_POSTGRES")) + "/postgres";
  const char* const values[] = {maintenance.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  PGresult* r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql.c_str()) : nullptr;
  const bool done = r && PQresultStatus(r) == PGRES_COMMAND_OK;
  EXPECT_TRUE(done) << sql << ": " << PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  return done;
}

class temp_db {
 public:
  explicit temp_db(bool postgres = false) {
    if (postgres) {
      static int made = 0;
      name_ = "veto_unit_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
      on_cluster("CREATE DATABASE " + name_);
      path_ = std::string(std::getenv("VETO_TEST_POSTGRES")) + "/" + name_;
      return;
    }
    char dir[] = "/tmp/veto-mail-store-XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = dir_ + "/objections.db";
  }
  ~temp_db() {
    if (!name_.empty()) {
      on_cluster("DROP DATABASE " + name_ + " WITH (FORCE)");
      return;
    }
    for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
    ::rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string name_;  // of the PostgreSQL database
  std::string path_;
};

std::unique_ptr<objection_store> open_store(const temp_db& db) {
  veto::expected<std::unique_ptr<objection_store>> store = objection_store::open(db.path());
  EXPECT_TRUE(store) << (store ? "" : store.error());
  return store ? std::move(*store) : nullptr;
}

// The tests below that both stores pass, run on each.
class mail_store_on : public ::testing::TestWithParam<std::string> {
 protected:
  bool postgres() const { return GetParam() == "postgres"; }
};

std::vector<std::string> stores() {
  std::vector<std::string> names{"sqlite"};
  if (std::getenv("VETO_TEST_POSTGRES")) names.push_back("postgres");
  return names;
}

objection sample(const char* key, bool mail) {
  objection item;
  item.locale = "de";
  item.ruleset_id = "veto.default";
  item.ruleset_version = 1;
  item.fields_json = R"({"email":"anna@example.org","country":"DE"})";
  item.idempotency_key = key;
  item.request_sha256 = std::string(64, 'a');
  if (mail) item.receipt_mail = objection::mail{"anna@example.org", "mail.example.net"};
  return item;
}

// Far enough, and still four digits of year after PostgreSQL's lease is added to it.
const char* far_future = "9000-01-01T00:00:00.000Z";

TEST_P(mail_store_on, the_receipt_email_is_queued_with_its_objection) {
  temp_db db(postgres());
  auto store = open_store(db);
  ASSERT_TRUE(store);
  const store_outcome stored = store->store(sample("k1", true));
  ASSERT_EQ(stored.status, store_outcome::kind::stored);
  store->store(sample("k2", false));  // no mail: no outbox row

  auto due = store->due_mail(far_future, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  const outbox_item& item = (*due)[0];
  EXPECT_EQ(item.receipt, stored.receipt);
  EXPECT_EQ(item.recipient, "anna@example.org");
  EXPECT_EQ(item.message_id, "<receipt." + stored.receipt + "@mail.example.net>");
  EXPECT_EQ(item.locale, "de");
  EXPECT_EQ(item.deadline.size(), 10u);
  EXPECT_EQ(item.attempts, 0);

  // A replay of the same key queues nothing more.
  EXPECT_EQ(store->store(sample("k1", true)).status, store_outcome::kind::replayed);
  EXPECT_EQ(store->outbox("", 10)->size(), 1u);
}

TEST_P(mail_store_on, attempts_are_recorded_and_final_states_kept) {
  temp_db db(postgres());
  auto store = open_store(db);
  ASSERT_TRUE(store);
  const std::string a = store->store(sample("a", true)).receipt;
  const std::string b = store->store(sample("b", true)).receipt;
  const std::string c = store->store(sample("c", true)).receipt;
  auto due = store->due_mail(far_future, 10);
  ASSERT_EQ(due->size(), 3u);
  const long long id_a = (*due)[0].id, id_b = (*due)[1].id, id_c = (*due)[2].id;

  ASSERT_TRUE(store->record_mail_attempts(
      {{id_a, mail_pending, true, "451 try later", "2999-01-01T00:00:00.000Z", ""},
       {id_b, mail_sent, true, "250 queued", "", "2026-01-01T00:00:00.000Z"},
       {id_c, mail_failed, true, "550 no such user", "", ""}}));

  // Only the retried one is still due, and only after its next attempt time.
  EXPECT_EQ(store->due_mail("2998-12-31T23:59:59.999Z", 10)->size(), 0u);
  due = store->due_mail(far_future, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].receipt, a);
  EXPECT_EQ((*due)[0].attempts, 1);
  // Not tried (the relay was unreachable): put off, not counted.
  ASSERT_TRUE(store->record_mail_attempts(
      {{id_a, mail_pending, false, "not tried", "2999-06-01T00:00:00.000Z", ""}}));
  due = store->due_mail(far_future, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].attempts, 1);
  EXPECT_EQ(store->due_mail("2999-05-31T00:00:00.000Z", 10)->size(), 0u);

  // A final state is final: a late "sent" does not overwrite "failed".
  EXPECT_TRUE(store->record_mail_attempts({{id_c, mail_sent, true, "250", "", "2026-01-01T00:00:00.000Z"}}));
  auto failed = store->outbox(mail_failed, 10);
  ASSERT_TRUE(failed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].receipt, c);
  EXPECT_EQ((*failed)[0].last_reply, "550 no such user");
  auto of_b = store->outbox_of(b);
  ASSERT_TRUE(of_b && *of_b);
  EXPECT_EQ((*of_b)->state, mail_sent);
  EXPECT_EQ((*of_b)->sent_at, "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(store->outbox("", 10)->size(), 3u);
  // The metrics' gauges: one pending (a), one failed (c), none undeliverable.
  auto totals = store->outbox_totals();
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->pending, 1);
  EXPECT_EQ(totals->failed, 1);
  EXPECT_EQ(totals->undeliverable, 0);
}

TEST_P(mail_store_on, the_outbox_survives_a_reopen_and_erasure_stops_a_pending_email) {
  temp_db db(postgres());
  std::string receipt;
  {
    auto store = open_store(db);
    ASSERT_TRUE(store);
    receipt = store->store(sample("a", true)).receipt;
  }
  auto store = open_store(db);
  ASSERT_TRUE(store);
  ASSERT_EQ(store->due_mail(far_future, 10)->size(), 1u);
  EXPECT_EQ(store->erase(receipt, 0, "test").status, change_outcome::kind::changed);
  EXPECT_EQ(store->due_mail(far_future, 10)->size(), 0u);
  auto row = store->outbox_of(receipt);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->state, mail_failed);
  EXPECT_EQ((*row)->last_reply, "erased before it was sent");
}

TEST(mail_store, a_first_schema_database_is_migrated) {
  temp_db db;
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "CREATE TABLE objections (id INTEGER PRIMARY KEY, receipt TEXT NOT NULL"
                           " UNIQUE, received_at TEXT NOT NULL, locale TEXT NOT NULL, ruleset_id"
                           " TEXT NOT NULL, ruleset_version INTEGER NOT NULL, fields TEXT NOT NULL,"
                           " idempotency_key TEXT UNIQUE, request_sha256 TEXT NOT NULL);"
                           "INSERT INTO objections VALUES (1, 'AAAA-AAAA-AAAA-AAAA',"
                           " '2026-01-31T10:00:00.000Z', 'en', 'veto.default', 1, '{}', NULL, '');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  auto store = open_store(db);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->has_receipt("AAAA-AAAA-AAAA-AAAA"), std::optional<bool>(true));
  EXPECT_EQ(store->due_mail(far_future, 10)->size(), 0u);
  EXPECT_EQ(store->store(sample("new", true)).status, store_outcome::kind::stored);
  EXPECT_EQ(store->due_mail(far_future, 10)->size(), 1u);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* version = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &version, nullptr);
  ASSERT_EQ(sqlite3_step(version), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(version, 0), 2);
  sqlite3_finalize(version);
  sqlite3_close(raw);
}

code_issue issue_for(const std::string& address, const std::string& hash, const std::string& now,
                     int limit = 3) {
  return code_issue{address, hash, now, "2026-01-01T10:10:00.000Z", "2026-01-01T09:00:00.000Z",
                    limit};
}

code_attempt attempt_of(const std::string& address, const std::string& hash,
                        const std::string& now = "2026-01-01T10:05:00.000Z") {
  return code_attempt{address, hash, now, 5};
}

TEST_P(mail_store_on, a_code_is_single_use) {
  temp_db db(postgres());
  auto store = open_store(db);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->use_code(attempt_of("addr", "h1")), code_check_outcome::none);
  ASSERT_EQ(store->issue_code(issue_for("addr", "h1", "2026-01-01T10:00:00.000Z")),
            code_issue_outcome::issued);
  EXPECT_EQ(store->use_code(attempt_of("other", "h1")), code_check_outcome::none);
  EXPECT_EQ(store->use_code(attempt_of("addr", "h1")), code_check_outcome::accepted);
  EXPECT_EQ(store->use_code(attempt_of("addr", "h1")), code_check_outcome::none);
}

TEST_P(mail_store_on, a_code_expires) {
  temp_db db(postgres());
  auto store = open_store(db);
  ASSERT_TRUE(store);
  ASSERT_EQ(store->issue_code(issue_for("addr", "h1", "2026-01-01T10:00:00.000Z")),
            code_issue_outcome::issued);
  EXPECT_EQ(store->use_code(attempt_of("addr", "h1", "2026-01-01T10:10:00.000Z")),
            code_check_outcome::expired);
  EXPECT_EQ(store->use_code(attempt_of("addr", "h1", "2026-01-01T10:09:59.999Z")),
            code_check_outcome::accepted);
}

TEST_P(mail_store_on, five_wrong_tries_kill_a_code) {
  temp_db db(postgres());
  auto store = open_store(db);
  ASSERT_TRUE(store);
  ASSERT_EQ(store->issue_code(issue_for("addr", "right", "2026-01-01T10:00:00.000Z")),
            code_issue_outcome::issued);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(store->use_code(attempt_of("addr", "wrong")), code_check_outcome::wrong) << i;
  }
  EXPECT_EQ(store->use_code(attempt_of("addr", "wrong")), code_check_outcome::exhausted);
  EXPECT_EQ(store->use_code(attempt_of("addr", "right")), code_check_outcome::exhausted);
}

TEST_P(mail_store_on, a_new_code_replaces_the_old_one_and_issues_are_limited) {
  temp_db db(postgres());
  auto store = open_store(db);
  ASSERT_TRUE(store);
  ASSERT_EQ(store->issue_code(issue_for("addr", "h1", "2026-01-01T10:00:00.000Z")),
            code_issue_outcome::issued);
  ASSERT_EQ(store->issue_code(issue_for("addr", "h2", "2026-01-01T10:01:00.000Z")),
            code_issue_outcome::issued);
  EXPECT_EQ(store->use_code(attempt_of("addr", "h1")), code_check_outcome::wrong);
  ASSERT_EQ(store->issue_code(issue_for("addr", "h3", "2026-01-01T10:02:00.000Z")),
            code_issue_outcome::issued);
  EXPECT_EQ(store->issue_code(issue_for("addr", "h4", "2026-01-01T10:03:00.000Z")),
            code_issue_outcome::limited);
  EXPECT_EQ(store->issue_code(issue_for("other", "h5", "2026-01-01T10:03:00.000Z")),
            code_issue_outcome::issued);
  EXPECT_EQ(store->use_code(attempt_of("addr", "h3")), code_check_outcome::accepted);
  // Outside the window the address may have codes again.
  code_issue later = issue_for("addr", "h6", "2026-01-01T11:30:00.000Z");
  later.window_start = "2026-01-01T10:30:00.000Z";
  later.expires_at = "2026-01-01T11:40:00.000Z";
  EXPECT_EQ(store->issue_code(later), code_issue_outcome::issued);
}

// confirmation_codes (mode code) over the store: codes of six digits, all of them reachable,
// hashed with a pepper of this instance only.
TEST(mail_store, ConfirmationCodesAreSixRandomDigitsCheckedThroughTheirHashes) {
  int seen_digit[6][10] = {};
  for (int i = 0; i < 2000; ++i) {
    const std::optional<std::string> code = random_code();
    ASSERT_TRUE(code);
    ASSERT_EQ(code->size(), 6u);
    for (std::size_t d = 0; d < 6; ++d) {
      ASSERT_TRUE((*code)[d] >= '0' && (*code)[d] <= '9') << *code;
      ++seen_digit[d][(*code)[d] - '0'];
    }
  }
  // Every digit in every place: 2,000 draws miss one with probability about 6e-91.
  for (const auto& place : seen_digit) {
    for (const int count : place) EXPECT_GT(count, 0);
  }

  temp_db db;
  std::unique_ptr<objection_store> store = open_store(db);
  ASSERT_TRUE(store);
  const std::optional<confirmation_codes> codes =
      confirmation_codes::create(*store, std::chrono::minutes(10));
  ASSERT_TRUE(codes);
  const confirmation_codes::issued issued = codes->issue("anna@example.org");
  ASSERT_EQ(issued.outcome, code_issue_outcome::issued);
  EXPECT_EQ(codes->check("other@example.org", issued.code), code_check_outcome::none);
  // The code is bound to its address and to this instance's pepper.
  const std::optional<confirmation_codes> restarted =
      confirmation_codes::create(*store, std::chrono::minutes(10));
  ASSERT_TRUE(restarted);
  EXPECT_EQ(restarted->check("anna@example.org", issued.code), code_check_outcome::none);
  EXPECT_EQ(codes->check("anna@example.org", issued.code), code_check_outcome::accepted);
  EXPECT_EQ(codes->check("anna@example.org", issued.code), code_check_outcome::none);
}

// PostgreSQL only: several instances on one database.
class mail_store_shared : public mail_store_on {};

TEST_P(mail_store_shared, each_due_email_goes_to_one_instance_until_its_claimer_dies) {
  temp_db db(true);
  auto first = open_store(db);
  auto second = open_store(db);
  ASSERT_TRUE(first && second);
  for (const char* key : {"a", "b", "c"}) first->store(sample(key, true));
  auto taken = first->due_mail(far_future, 2);
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->size(), 2u);
  // The second instance gets the third only: the first two are leased to the first.
  auto rest = second->due_mail(far_future, 10);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_NE((*rest)[0].id, (*taken)[0].id);
  EXPECT_NE((*rest)[0].id, (*taken)[1].id);
  EXPECT_EQ(second->due_mail(far_future, 10)->size(), 0u);
  // A recorded retry is due again at its own time, for whoever asks then.
  ASSERT_TRUE(first->record_mail_attempts(
      {{(*taken)[0].id, mail_pending, true, "451 later", "2999-01-01T00:00:00.000Z", ""}}));
  auto retried = second->due_mail("2999-01-01T00:00:00.000Z", 10);
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ((*retried)[0].id, (*taken)[0].id);
  EXPECT_EQ((*retried)[0].attempts, 1);
  // The first instance goes (its session ends): what it still held is due at once, long
  // before its lease would have ended.
  first.reset();
  std::vector<outbox_item> orphaned;
  // The server ends the session as soon as it reads the closed socket: a moment, not a lease.
  for (int i = 0; i < 50 && orphaned.empty(); ++i) {
    if (i > 0) ::usleep(100000);
    auto due = second->due_mail("2026-01-01T00:00:00.000Z", 10);
    ASSERT_TRUE(due);
    orphaned = *due;
  }
  ASSERT_EQ(orphaned.size(), 1u);
  EXPECT_EQ(orphaned[0].id, (*taken)[1].id);
  // The metrics' counts are the rows'.
  ASSERT_TRUE(second->record_mail_attempts({{orphaned[0].id, mail_failed, true, "550 no", "", ""},
                                            {(*rest)[0].id, mail_undeliverable, true, "no", "", ""}}));
  auto totals = second->outbox_totals();
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->pending, 1);
  EXPECT_EQ(totals->failed, 1);
  EXPECT_EQ(totals->undeliverable, 1);
}

std::vector<std::string> postgres_only() {
  std::vector<std::string> names = stores();
  names.erase(names.begin());
  return names;
}
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(mail_store_shared);
INSTANTIATE_TEST_SUITE_P(stores, mail_store_shared, ::testing::ValuesIn(postgres_only()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(stores, mail_store_on, ::testing::ValuesIn(stores()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace veto_server
