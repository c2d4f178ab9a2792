#include "replay.hpp"

#include <time.h>

#include <chrono>
#include <memory>
#include <vector>

#include "ot/utf.hpp"
#include "sim.hpp"

namespace interview::tools {

namespace {

double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

ot::Result<ReplayResult> replay_single(const Trace& trace, const ot::AuthorityConfig& config) {
    auto restored = ot::Authority::restore(ot::utf16_to_utf8(trace.start), 0, {}, {}, config);
    if (!restored) {
        return std::move(restored).error();
    }
    ot::Authority& auth = *restored;
    ot::Operation op;  // reused: the steady state allocates nothing
    std::uint64_t seq = 0;
    const double c0 = cpu_now();
    const auto t0 = std::chrono::steady_clock::now();
    for (const Patch& p : trace.patches) {
        const std::size_t len = auth.document().length();
        if (p.pos > len || p.remove > len - p.pos) {
            return ot::make_error(ot::ErrorCode::position_out_of_range,
                                  "patch " + std::to_string(seq) + " runs past the document");
        }
        ot::make_replace(op, len, p.pos, p.remove, trace.text(p));
        auto r =
            auth.submit("trace", ++seq, auth.revision(), std::move(op));  // NOLINT: op is reused
        if (auto* rej = std::get_if<ot::Rejected>(&r)) {
            rej->error.message = "patch " + std::to_string(seq) + ": " + rej->error.message;
            return std::move(rej->error);
        }
    }
    const auto t1 = std::chrono::steady_clock::now();
    const double c1 = cpu_now();
    ReplayResult out;
    out.edits = seq;
    out.seconds = std::chrono::duration<double>(t1 - t0).count();
    out.cpu_seconds = c1 - c0;
    out.text = auth.document().utf8();
    out.checksum = auth.checksum_at_current();
    return out;
}

ot::Result<SimStats> replay_concurrent(const Trace& trace, const SimOptions& options) {
    const std::size_t n = options.clients;
    // Per client: index of its next transaction (k, k + n, ...) and of the patch inside it.
    std::vector<std::size_t> txn(n);
    std::vector<std::size_t> patch(n);
    for (std::size_t k = 0; k < n; ++k) {
        txn[k] = k;
        patch[k] = k == 0 ? 0 : (k - 1 < trace.txn_end.size() ? trace.txn_end[k - 1] : 0);
    }
    EditSource source = [&](std::size_t k, const ot::TextBuffer& doc,
                            std::mt19937_64&) -> std::optional<ot::Operation> {
        for (;;) {
            if (txn[k] >= trace.txn_end.size()) {
                return std::nullopt;
            }
            if (patch[k] >= trace.txn_end[txn[k]]) {
                txn[k] += n;
                if (txn[k] >= trace.txn_end.size()) {
                    return std::nullopt;
                }
                patch[k] = trace.txn_end[txn[k] - 1];
                continue;
            }
            const Patch& p = trace.patches[patch[k]++];
            const std::size_t len = doc.length();
            const std::size_t pos = doc.snap(p.pos);
            std::size_t end = doc.snap(std::min(len, pos + p.remove));
            end = std::max(end, pos);
            if (end == pos && p.text_length == 0) {
                continue;  // nothing left to do on this client's text
            }
            return ot::make_replace(len, pos, end - pos, trace.text(p));
        }
    };
    return run_simulation(trace.start, options, source);
}

}  // namespace interview::tools
