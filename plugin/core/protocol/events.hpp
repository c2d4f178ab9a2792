// Events the plugin sends to clients and to the admin API that are not errors.
#pragma once

#include <cstddef>

#include "config/settings.hpp"
#include "json_ptr.hpp"

namespace interview::protocol {

/// {"interview":"info","version":"0.1.0","version_number":100,"settings":{...}}: what `info`
/// answers. Settings come without secrets (Settings::to_json never holds one).
JsonPtr info_event(const config::Settings& settings);

/// Counters an operator wants from the admin API's `info`.
struct RuntimeStats {
    std::size_t sessions = 0;         ///< attached handles
    std::size_t rooms = 0;            ///< interviews with someone in their room
    std::size_t media_rooms = 0;      ///< interviews with a connected PeerConnection
    std::size_t queued_requests = 0;  ///< requests waiting for the worker
    long long uptime_seconds = 0;
};

JsonPtr admin_info(const config::Settings& settings, const RuntimeStats& stats);

}  // namespace interview::protocol
