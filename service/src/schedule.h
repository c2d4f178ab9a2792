// The interview's time window and status. Pure arithmetic on epoch seconds so the boundaries
// (opens_at - 1 s, opens_at, end) can be tested exactly.
#pragma once

#include <cstdint>
#include <string_view>

namespace isvc {

enum class Status { scheduled, open, ended, cancelled };

std::string_view to_string(Status s);

struct Window {
    std::int64_t opens_at;  // start - early_join_minutes
    std::int64_t start;
    std::int64_t end;  // start + duration_minutes
};

inline Window window_for(std::int64_t start, int duration_minutes, int early_join_minutes) {
    return Window{start - std::int64_t{early_join_minutes} * 60, start,
                  start + std::int64_t{duration_minutes} * 60};
}

// scheduled before opens_at, open on [opens_at, end), ended from end on; cancelled wins.
inline Status status_at(const Window& w, bool cancelled, std::int64_t now) {
    if (cancelled) {
        return Status::cancelled;
    }
    if (now < w.opens_at) {
        return Status::scheduled;
    }
    return now < w.end ? Status::open : Status::ended;
}

inline std::string_view to_string(Status s) {
    switch (s) {
        case Status::scheduled:
            return "scheduled";
        case Status::open:
            return "open";
        case Status::ended:
            return "ended";
        case Status::cancelled:
            return "cancelled";
    }
    return "scheduled";
}

}  // namespace isvc
