// A token bucket: `burst` at once, refilled at `per_second`. The rate limits of the data channel
// (room::Document, per member and message type) and of joins (per handle) are all one of these.
// Not thread-safe: each bucket belongs to one thread.
#pragma once

#include <algorithm>
#include <cstdint>

namespace interview::util {

struct RateLimit {
    double per_second = 1;
    double burst = 1;
};

class TokenBucket {
  public:
    /// Takes one token at `now_ms` (a monotonic clock); false when none is left. A bucket not
    /// used before starts full.
    bool take(const RateLimit& limit, std::int64_t now_ms) {
        if (tokens_ < 0) {
            tokens_ = limit.burst;
            at_ms_ = now_ms;
        }
        const double elapsed =
            static_cast<double>(std::max<std::int64_t>(0, now_ms - at_ms_)) / 1000.0;
        tokens_ = std::min(limit.burst, tokens_ + elapsed * limit.per_second);
        at_ms_ = now_ms;
        if (tokens_ < 1.0) {
            return false;
        }
        tokens_ -= 1.0;
        return true;
    }

  private:
    double tokens_ = -1;  // -1: full, not used yet
    std::int64_t at_ms_ = 0;
};

}  // namespace interview::util
