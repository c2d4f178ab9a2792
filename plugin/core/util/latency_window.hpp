// The most recent durations of one kind of work (the last `capacity` of them), summarised as
// percentiles for operators: the admin API's `info` shows how long Redis took to confirm an edit
// and how long an edit spent inside the plugin. A window of recent samples, not a running
// average, so that a slow minute stands out instead of being diluted by a quiet day.
// Not thread-safe: its owner serialises access.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace interview::util {

class LatencyWindow {
  public:
    struct Summary {
        std::size_t samples = 0;  ///< how many the percentiles are over (at most the capacity)
        double p50 = 0;
        double p99 = 0;
        double max = 0;
    };

    explicit LatencyWindow(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
        samples_.reserve(capacity_);
    }

    /// Adds one duration; the oldest one kept is dropped once the window is full. Negative or
    /// non-finite values (a clock that went backwards) are not durations and are ignored.
    void add(double milliseconds) {
        if (!std::isfinite(milliseconds) || milliseconds < 0) {
            return;
        }
        ++total_;
        if (samples_.size() < capacity_) {
            samples_.push_back(milliseconds);
            return;
        }
        samples_[next_] = milliseconds;
        next_ = (next_ + 1) % capacity_;
    }

    /// Every duration ever added, including those no longer in the window.
    std::uint64_t total() const { return total_; }

    /// Nearest-rank percentiles over the samples kept; all zero when there are none.
    Summary summary() const {
        Summary out;
        out.samples = samples_.size();
        if (samples_.empty()) {
            return out;
        }
        std::vector<double> sorted = samples_;
        std::sort(sorted.begin(), sorted.end());
        const auto rank = [&](double p) {
            const auto n = static_cast<double>(sorted.size());
            const auto index = static_cast<std::size_t>(std::ceil(p * n)) - 1;
            return sorted[std::min(index, sorted.size() - 1)];
        };
        out.p50 = rank(0.50);
        out.p99 = rank(0.99);
        out.max = sorted.back();
        return out;
    }

  private:
    std::size_t capacity_;
    std::vector<double> samples_;
    std::size_t next_ = 0;  ///< where the next sample overwrites, once full
    std::uint64_t total_ = 0;
};

}  // namespace interview::util
