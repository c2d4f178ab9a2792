// A deterministic, seeded simulation of several clients editing one document through the real
// Authority and the real client state machine (ot::Client), over a simulated network:
//   - per-client FIFO channels in both directions, delivered in random interleavings (so clients
//     see the stream at different times and submit on stale revisions: transforms really happen);
//   - optional chaos: lost sends, disconnects that drop everything in flight to the client,
//     resends of the outstanding op with the same seq, persistence failures (the authority is
//     rebuilt from the store and the commit is forgotten), authority restarts from the store and
//     store compaction (snapshot + history).
// The store mimics Redis: an exported state plus every confirmed commit appended after it; only
// confirmed commits are broadcast, as the plugin does.
// At the end every client must equal the authority, and every seq a client sent must have been
// committed exactly once (unless the client had to drop it when resyncing from a snapshot).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "ot/operation.hpp"
#include "ot/result.hpp"
#include "ot/text_buffer.hpp"
#include "ot/validate.hpp"

namespace interview::tools {

struct SimOptions {
    std::size_t clients = 2;
    std::uint64_t seed = 1;
    // Probabilities per step while clients still have edits (all 0: only random delays).
    double p_lost_send = 0;        // a client -> authority message is lost
    double p_disconnect = 0;       // a client goes offline (its inbound queue is dropped)
    double p_resend = 0;           // a client resends its outstanding op with the same seq
    double p_persist_failure = 0;  // the store refuses a commit: authority rebuilt from the store
    double p_restart = 0;          // the authority restarts from the store; everyone disconnects
    double p_compact = 0;          // the store replaces its log by a fresh snapshot
    std::size_t log_capacity = 1000;
    ot::Limits limits;
    std::uint64_t max_steps = 100'000'000;  // guard against a livelock bug
};

struct SimStats {
    std::uint64_t local_edits = 0;
    std::uint64_t committed = 0;
    std::uint64_t transformed = 0;  // submits on a stale base revision
    std::uint64_t duplicates = 0;
    std::uint64_t resyncs = 0;  // snapshot reloads
    std::uint64_t abandoned = 0;
    std::uint64_t lost_sends = 0;
    std::uint64_t disconnects = 0;
    std::uint64_t persist_failures = 0;
    std::uint64_t restarts = 0;
    std::uint64_t compactions = 0;
    std::uint64_t final_revision = 0;
    std::string final_text;  // UTF-8
    std::string final_checksum;
};

// Gives client `client`'s next local edit on its current document, or nullopt when it has no more.
using EditSource = std::function<std::optional<ot::Operation>(
    std::size_t client, const ot::TextBuffer& doc, std::mt19937_64& rng)>;

// Runs to quiescence. Errors (invalid_state) describe the first broken invariant: divergence, an
// op committed twice or never, a rejected op, a livelock.
ot::Result<SimStats> run_simulation(std::u16string_view start, const SimOptions& options,
                                    const EditSource& source);

}  // namespace interview::tools
