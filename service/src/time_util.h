// RFC 3339 timestamps: the wire format of every time in the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace isvc {

// Parses an RFC 3339 date-time ("2026-11-25T10:00:00+01:00", "...Z", fractional seconds
// allowed) into UTC epoch seconds. Fractional seconds are truncated: the API works in whole
// seconds. Returns nullopt for anything that is not a valid RFC 3339 date-time (including
// impossible calendar dates such as February 30, and leap seconds, which we cannot store).
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// Formats UTC epoch seconds as "YYYY-MM-DDTHH:MM:SSZ".
std::string format_rfc3339(std::int64_t epoch_seconds);

}  // namespace isvc
