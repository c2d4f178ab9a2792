#include "rate_limiter.h"

namespace isvc {

std::int64_t RateLimiter::retry_after(const std::string& address, std::int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(address);
    if (it == entries_.end()) {
        return 0;
    }
    const std::int64_t window_end = it->second.window_start + window_;
    if (now >= window_end) {
        entries_.erase(it);
        return 0;
    }
    return it->second.failures >= max_failures_ ? window_end - now : 0;
}

void RateLimiter::record_failure(const std::string& address, std::int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(address);
    if (it == entries_.end() || now >= it->second.window_start + window_) {
        if (entries_.size() >= kMaxTracked) {
            prune(now);
        }
        entries_[address] = Entry{now, 1};
        return;
    }
    ++it->second.failures;
}

std::size_t RateLimiter::tracked() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void RateLimiter::prune(std::int64_t now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        it = now >= it->second.window_start + window_ ? entries_.erase(it) : std::next(it);
    }
    if (entries_.size() >= kMaxTracked) {
        // Still full of live entries: forget them all rather than grow without bound. An
        // attacker with 10000 addresses gains one extra window of attempts at most.
        entries_.clear();
    }
}

}  // namespace isvc
