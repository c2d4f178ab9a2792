// Per-client-address limit on failed credential attempts: after `max_failures` failures inside
// a window of `window_seconds` (starting at the first failure), the address is refused with 429
// until the window ends. Protects join tokens and keys against online guessing.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace isvc {

class RateLimiter {
  public:
    RateLimiter(int max_failures = 10, std::int64_t window_seconds = 60)
        : max_failures_(max_failures), window_(window_seconds) {}

    // Seconds until `address` may try again, or 0 if it is not blocked.
    std::int64_t retry_after(const std::string& address, std::int64_t now);
    void record_failure(const std::string& address, std::int64_t now);
    std::size_t tracked() const;

  private:
    struct Entry {
        std::int64_t window_start;
        int failures;
    };
    // Bounds memory under a flood of distinct addresses: expired entries are dropped first.
    static constexpr std::size_t kMaxTracked = 10000;
    void prune(std::int64_t now);

    int max_failures_;
    std::int64_t window_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace isvc
