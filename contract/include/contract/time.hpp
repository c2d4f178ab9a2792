// Instants as whole seconds since the Unix epoch (UTC), and their RFC 3339 text: the one parser
// and formatter of both the plugin and the interview service, so what the service writes is
// exactly what the plugin reads. RFC 3339 accepts any offset; we compare instants, never local
// wall-clock times, so time zones and daylight-saving changes cannot shift a join window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace interview::access {

using UnixSeconds = std::int64_t;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (T or t; Z or z) of at most 64 characters.
/// Fractions are truncated: the API works in whole seconds. Returns nullopt for anything else,
/// including impossible dates (2026-02-30), hours past 23, offsets beyond ±23:59 and leap
/// seconds (:60), which no stored or emitted time can hold.
std::optional<UnixSeconds> parse_rfc3339(std::string_view text);

/// `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_rfc3339(UnixSeconds seconds);

}  // namespace interview::access
