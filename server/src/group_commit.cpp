#include "group_commit.h"

#include <utility>

#include "store_sql.h"

namespace veto_server {

group_commit::group_commit(write_batch write)
    : write_(std::move(write)), writer_([this] { writer_loop(); }) {}

group_commit::~group_commit() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  if (writer_.joinable()) writer_.join();
}

store_outcome group_commit::submit(objection item) {
  std::future<store_outcome> outcome;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (stopping_) return {};
    queue_.push_back(job{std::move(item), {}});
    outcome = queue_.back().done.get_future();
  }
  queue_changed_.notify_one();
  return outcome.get();
}

void group_commit::writer_loop() {
  for (;;) {
    std::vector<objection> items;
    std::vector<std::promise<store_outcome>> waiting;
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      queue_changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      while (!queue_.empty() && items.size() < store_sql::max_batch) {
        items.push_back(std::move(queue_.front().item));
        waiting.push_back(std::move(queue_.front().done));
        queue_.pop_front();
      }
    }
    std::vector<store_outcome> outcomes = write_(items);
    outcomes.resize(items.size());
    for (std::size_t i = 0; i < waiting.size(); ++i) waiting[i].set_value(std::move(outcomes[i]));
  }
}

}  // namespace veto_server
