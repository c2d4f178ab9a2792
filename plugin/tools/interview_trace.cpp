// interview-trace: replays an editing trace through the OT authority and checks the result.
// See --help and README.md in this folder.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ot/text_buffer.hpp"
#include "replay.hpp"
#include "sim.hpp"
#include "trace.hpp"

namespace {

constexpr const char* kUsage = R"(usage: interview-trace [options] TRACE.json.gz [TRACE...]

Replays editing traces (josephg/editing-traces sequential format, gzip JSON) through the
collaborative document engine (interview::ot::Authority).

Single client (default): every patch becomes an operation on the current revision; prints the
SHA-256 of the final UTF-8 text, whether it equals the trace's endContent, and edits per second.

  --clients N   replay as N (2-3 recommended, up to 16) simulated clients that each own every
                N-th transaction and submit on stale revisions after random delays (one op in
                flight plus a buffer each, as ot.js's client); checks that every client converges
                to the authority's text and prints its SHA-256 (it differs from endContent since
                the edits are concurrent)
  --seed S      seed of the random delays (default 1)
  --chaos       with --clients: also lose sends, disconnect clients, resend with the same seq,
                fail persistence and restart the authority from its store
  --runs R      single-client mode: replay R times, print the median edits/s (default 1)
  -h, --help    this text

Exit status: 0 when every trace matched (or converged), 1 on a mismatch, 2 on a usage or I/O error.
)";

bool parse_u64(const char* s, std::uint64_t& out) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        return false;
    }
    out = v;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace interview;
    std::uint64_t clients = 1;
    std::uint64_t seed = 1;
    std::uint64_t runs = 1;
    bool chaos = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if ((a == "--clients" || a == "--seed" || a == "--runs") && i + 1 < argc) {
            std::uint64_t& dst = a == "--clients" ? clients : a == "--seed" ? seed : runs;
            if (!parse_u64(argv[++i], dst)) {
                std::fprintf(stderr, "interview-trace: %s needs a non-negative integer\n",
                             a.c_str());
                return 2;
            }
        } else if (a == "--chaos") {
            chaos = true;
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "interview-trace: unknown option %s\n%s", a.c_str(), kUsage);
            return 2;
        } else {
            files.push_back(a);
        }
    }
    if (files.empty() || clients < 1 || clients > 16 || runs < 1) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    int status = 0;
    for (const std::string& file : files) {
        auto trace = tools::load_trace(file);
        if (!trace) {
            std::fprintf(stderr, "interview-trace: %s: %s\n", file.c_str(),
                         trace.error().message.c_str());
            return 2;
        }
        if (clients == 1) {
            std::vector<double> rates;
            tools::ReplayResult last;
            for (std::uint64_t r = 0; r < runs; ++r) {
                auto res = tools::replay_single(*trace);
                if (!res) {
                    std::printf("%s: FAILED: %s\n", trace->name.c_str(),
                                res.error().message.c_str());
                    return 1;
                }
                rates.push_back(static_cast<double>(res->edits) / res->seconds);
                last = std::move(*res);
            }
            std::sort(rates.begin(), rates.end());
            const bool match = last.text == trace->end_utf8;
            std::printf("%s: edits %llu  sha256 %s  endContent %s  %.0f edits/s%s\n",
                        trace->name.c_str(), static_cast<unsigned long long>(last.edits),
                        last.checksum.c_str(), match ? "MATCH" : "MISMATCH",
                        rates[rates.size() / 2], runs > 1 ? " (median)" : "");
            if (!match) {
                std::printf("  expected sha256 %s\n", ot::sha256_hex(trace->end_utf8).c_str());
                status = 1;
            }
        } else {
            tools::SimOptions o;
            o.clients = clients;
            o.seed = seed;
            o.log_capacity = 1u << 20;  // delays only: nobody should need a snapshot
            if (chaos) {
                o.p_lost_send = 0.01;
                o.p_disconnect = 0.001;
                o.p_resend = 0.01;
                o.p_persist_failure = 0.001;
                o.p_restart = 0.0002;
                o.p_compact = 0.0005;
                o.log_capacity = 1000;
            }
            auto res = tools::replay_concurrent(*trace, o);
            if (!res) {
                std::printf("%s: clients %llu seed %llu: DIVERGED: %s\n", trace->name.c_str(),
                            static_cast<unsigned long long>(clients),
                            static_cast<unsigned long long>(seed), res.error().message.c_str());
                status = 1;
                continue;
            }
            std::printf(
                "%s: clients %llu seed %llu: CONVERGED  sha256 %s  revision %llu  local edits "
                "%llu  transformed %llu  duplicates %llu  resyncs %llu  restarts %llu\n",
                trace->name.c_str(), static_cast<unsigned long long>(clients),
                static_cast<unsigned long long>(seed), res->final_checksum.c_str(),
                static_cast<unsigned long long>(res->final_revision),
                static_cast<unsigned long long>(res->local_edits),
                static_cast<unsigned long long>(res->transformed),
                static_cast<unsigned long long>(res->duplicates),
                static_cast<unsigned long long>(res->resyncs),
                static_cast<unsigned long long>(res->restarts));
        }
    }
    return status;
}
