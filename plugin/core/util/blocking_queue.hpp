// A multi-producer, single-consumer queue that a worker thread blocks on. Janus callbacks push
// work here and return at once; the worker owns the slow part.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace interview::util {

template <typename T>
class BlockingQueue {
  public:
    /// Adds an item; returns false (dropping it) once the queue is closed.
    bool push(T item) {
        {
            std::lock_guard lock(mutex_);
            if (closed_) {
                return false;
            }
            items_.push_back(std::move(item));
        }
        ready_.notify_one();
        return true;
    }

    /// Waits up to `timeout` for an item; nullopt means "nothing yet" (or, once closed(),
    /// nothing more).
    std::optional<T> pop_for(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        ready_.wait_for(lock, timeout, [this] { return closed_ || !items_.empty(); });
        if (items_.empty()) {
            return std::nullopt;
        }
        T item = std::move(items_.front());
        items_.pop_front();
        return item;
    }

    bool closed() const {
        std::lock_guard lock(mutex_);
        return closed_;
    }

    /// Wakes the consumer; items already queued are still delivered, new ones are refused.
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
    }

    size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

  private:
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<T> items_;
    bool closed_ = false;
};

}  // namespace interview::util
