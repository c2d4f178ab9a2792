// Instants as whole seconds since the Unix epoch (UTC), and their RFC 3339 text. The service
// speaks RFC 3339 with any offset; the plugin compares instants, never local wall-clock times,
// so time zones and daylight-saving changes cannot shift a join window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace interview::access {

using UnixSeconds = std::int64_t;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (T or t or space; Z or z). Fractions are
/// truncated to the second. Returns nullopt for anything else, including impossible dates
/// (2026-02-30), hours past 23, and offsets beyond ±23:59.
std::optional<UnixSeconds> parse_rfc3339(const std::string& text);

/// `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_rfc3339(UnixSeconds seconds);

}  // namespace interview::access
