// group_commit (group_commit.h): each caller gets the outcome of its own objection, callers
// that arrive while a batch is written share the next one, no batch is larger than
// store_sql::max_batch, a short answer from `write` fails the rest, and the destructor
// writes what is queued.
#include "group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store_sql.h"

namespace veto_server {
namespace {

objection numbered(int n) {
  objection item;
  item.idempotency_key = std::to_string(n);
  return item;
}

// A write that "stores" each objection with its key as the receipt, slowly, and notes the
// batch sizes.
struct recording_write {
  std::mutex mutex;
  std::vector<std::size_t> batches;
  std::vector<store_outcome> operator()(const std::vector<objection>& items) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard<std::mutex> lock(mutex);
    batches.push_back(items.size());
    std::vector<store_outcome> out;
    for (const objection& item : items) out.push_back({store_outcome::kind::stored, *item.idempotency_key});
    return out;
  }
};

TEST(group_commit, each_caller_gets_its_own_outcome_and_waiting_callers_share_a_batch) {
  recording_write recorder;
  constexpr int callers = 600;
  std::vector<std::string> receipts(callers);
  {
    group_commit writer([&](const std::vector<objection>& items) { return recorder(items); });
    std::vector<std::thread> threads;
    for (int i = 0; i < callers; ++i) {
      threads.emplace_back([&, i] { receipts[i] = writer.submit(numbered(i)).receipt; });
    }
    for (std::thread& t : threads) t.join();
  }
  for (int i = 0; i < callers; ++i) EXPECT_EQ(receipts[i], std::to_string(i));
  std::size_t total = 0;
  for (std::size_t size : recorder.batches) total += size;
  EXPECT_EQ(total, static_cast<std::size_t>(callers));
  // 600 callers against 20 ms a batch: far fewer batches than callers, none too large.
  EXPECT_LT(recorder.batches.size(), static_cast<std::size_t>(callers) / 2);
  EXPECT_LE(*std::max_element(recorder.batches.begin(), recorder.batches.end()), store_sql::max_batch);
}

TEST(group_commit, outcomes_write_did_not_give_are_failures) {
  group_commit writer([](const std::vector<objection>&) { return std::vector<store_outcome>{}; });
  EXPECT_EQ(writer.submit(numbered(1)).status, store_outcome::kind::failed);
}

TEST(group_commit, the_destructor_writes_what_is_queued) {
  std::atomic<int> written{0};
  std::vector<std::thread> threads;
  std::atomic<int> stored{0};
  {
    group_commit writer([&](const std::vector<objection>& items) {
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      written += static_cast<int>(items.size());
      return std::vector<store_outcome>(items.size(), {store_outcome::kind::stored, "r"});
    });
    std::atomic<int> entered{0};
    for (int i = 0; i < 20; ++i) {
      threads.emplace_back([&, i] {
        ++entered;
        if (writer.submit(numbered(i)).status == store_outcome::kind::stored) ++stored;
      });
    }
    // Every caller inside submit() (its queueing takes microseconds; 500 ms is plenty) and
    // most of them still waiting for a batch being written.
    while (entered < 20) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }  // the writer stops here: what is queued is written first
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(written.load(), 20);
  EXPECT_EQ(stored.load(), 20);
}

}  // namespace
}  // namespace veto_server
