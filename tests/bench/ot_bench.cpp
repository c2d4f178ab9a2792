// bench_ot: replays editing traces through interview::ot::Authority (validate + apply + log, one
// client, each patch an operation on the current revision) and prints one JSON line per trace
// with the median edits/s (per second of process CPU time) of several runs. Not a test:
// scripts/bench-ot.sh runs it next to the JavaScript baselines and computes the ratios.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "replay.hpp"
#include "trace.hpp"

int main(int argc, char** argv) {
    using namespace interview;
    int runs = 7;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (a == "-h" || a == "--help") {
            std::puts("usage: bench_ot [--runs N] TRACE.json.gz...");
            return 0;
        } else {
            files.push_back(a);
        }
    }
    if (files.empty()) {
        std::fputs("usage: bench_ot [--runs N] TRACE.json.gz...\n", stderr);
        return 2;
    }
    for (const std::string& f : files) {
        auto trace = tools::load_trace(f);
        if (!trace) {
            std::fprintf(stderr, "bench_ot: %s: %s\n", f.c_str(), trace.error().message.c_str());
            return 2;
        }
        std::vector<double> rates;
        bool ok = true;
        for (int r = 0; r < runs; ++r) {
            auto res = tools::replay_single(*trace);
            if (!res) {
                std::fprintf(stderr, "bench_ot: %s: %s\n", f.c_str(), res.error().message.c_str());
                return 1;
            }
            ok = ok && res->text == trace->end_utf8;
            // CPU time, not wall time: the machine may be shared (same in bench.mjs).
            rates.push_back(static_cast<double>(res->edits) / res->cpu_seconds);
        }
        std::string all;
        for (double r : rates) {
            if (!all.empty()) {
                all.push_back(',');
            }
            all.append(std::to_string(static_cast<long long>(r)));
        }
        std::sort(rates.begin(), rates.end());
        std::printf(
            "{\"engine\":\"interview-ot\",\"trace\":\"%s\",\"edits\":%zu,\"runs\":%d,"
            "\"median_edits_per_s\":%.0f,\"min_edits_per_s\":%.0f,\"max_edits_per_s\":%.0f,"
            "\"end_content_match\":%s,\"rates\":[%s]}\n",
            trace->name.c_str(), trace->patches.size(), runs, rates[rates.size() / 2],
            rates.front(), rates.back(), ok ? "true" : "false", all.c_str());
        if (!ok) {
            return 1;
        }
    }
    return 0;
}
