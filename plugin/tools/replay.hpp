// Replays a trace through one Authority as a single client: every patch becomes a full operation
// on the current revision (validate + apply + log). Shared by interview-trace, the unit tests and
// the benchmark so all three measure and check the same path.
#pragma once

#include <cstdint>
#include <string>

#include "ot/authority.hpp"
#include "ot/result.hpp"
#include "trace.hpp"

namespace interview::tools {

struct ReplayResult {
    std::uint64_t edits = 0;
    double seconds = 0;      // wall time of validate + apply + log (the trace is decoded before)
    double cpu_seconds = 0;  // process CPU time of the same: robust to other load on the machine
    std::string text;        // final UTF-8
    std::string checksum;
};

ot::Result<ReplayResult> replay_single(const Trace& trace, const ot::AuthorityConfig& config = {});

// The multi-client edit source: client k owns transactions k, k + N, k + 2N, ...; each patch is
// clamped to the client's current document (its text differs from the recorded one once edits are
// concurrent) and never splits a surrogate pair.
struct SimStats;
struct SimOptions;
ot::Result<SimStats> replay_concurrent(const Trace& trace, const SimOptions& options);

}  // namespace interview::tools
