// Time source for the service. Every time-dependent decision (interview status, join window,
// rate-limit windows, "absurd start time" checks) reads the clock through this interface so the
// tests can pin the time to the exact second they want to probe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace isvc {

class Clock {
  public:
    virtual ~Clock() = default;
    // Seconds since the Unix epoch (UTC). Second resolution is all the API exposes.
    virtual std::int64_t now() const = 0;
};

class SystemClock final : public Clock {
  public:
    std::int64_t now() const override {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

// A clock the tests move by hand. Atomic because the HTTP server reads it from its own threads
// while the test thread advances it.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(std::int64_t start) : now_(start) {}
    std::int64_t now() const override { return now_.load(); }
    void set(std::int64_t t) { now_.store(t); }
    void advance(std::int64_t seconds) { now_.fetch_add(seconds); }

  private:
    std::atomic<std::int64_t> now_;
};

}  // namespace isvc
