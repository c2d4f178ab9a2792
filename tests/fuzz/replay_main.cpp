// fuzz_replay: runs every fuzz target (tests/fuzz/fuzz_*.cpp) over every file of its committed
// corpus (corpus/<target>/) and of its past crashes (regressions/<target>/), without libFuzzer,
// so that the regression inputs run with any compiler, in the normal build and under
// ASan + UBSan.
//
//   fuzz_replay [--junit FILE] FUZZ_DIR [target ...]
//
// One JUnit test case per target. An input that breaks an invariant or crashes ends the process
// (abort, or the sanitizer's report) after the input's path is printed; the JUnit file written
// at the start already says that the run did not finish, and is replaced only when every input
// passed. Exit status: 0 all passed, 1 an input failed or a corpus is missing or empty, 2 usage.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "replay.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace fs = std::filesystem;

namespace {

// The input being run, for the crash message (written from a signal handler: a fixed buffer).
char g_current[4096] = "";

void say_current() {
    const char prefix[] = "fuzz_replay: failed on input ";
    if (write(STDERR_FILENO, prefix, sizeof prefix - 1) < 0 ||
        write(STDERR_FILENO, g_current, strlen(g_current)) < 0 ||
        write(STDERR_FILENO, "\n", 1) < 0) {
        return;  // nothing more to do from a dying process
    }
}

extern "C" void on_fatal_signal(int sig) {
    say_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

struct Outcome {
    std::string target;
    std::size_t inputs = 0;
    double seconds = 0;
    std::string failure;  // empty: passed
};

void write_junit(const std::string& path, const std::vector<Outcome>& outcomes,
                 const std::string& unfinished) {
    if (path.empty()) {
        return;
    }
    std::size_t failures = 0;
    for (const auto& o : outcomes) {
        failures += o.failure.empty() ? 0 : 1;
    }
    std::ofstream out(path, std::ios::trunc);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites><testsuite name=\"fuzz_replay\" tests=\""
        << outcomes.size() + (unfinished.empty() ? 0 : 1) << "\" failures=\""
        << failures + (unfinished.empty() ? 0 : 1) << "\">\n";
    for (const auto& o : outcomes) {
        out << "  <testcase classname=\"fuzz_replay\" name=\"" << xml_escape(o.target)
            << "\" time=\"" << o.seconds << "\">";
        if (!o.failure.empty()) {
            out << "<failure message=\"" << xml_escape(o.failure) << "\"/>";
        }
        out << "<system-out>" << o.inputs << " inputs</system-out></testcase>\n";
    }
    if (!unfinished.empty()) {
        out << "  <testcase classname=\"fuzz_replay\" name=\"run\"><failure message=\""
            << xml_escape(unfinished) << "\"/></testcase>\n";
    }
    out << "</testsuite></testsuites>\n";
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    if (!fs::is_directory(dir)) {
        return out;
    }
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) {
            out.push_back(e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool read_file(const fs::path& path, std::vector<std::uint8_t>& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::string junit;
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--junit" && i + 1 < argc) {
            junit = argv[++i];
        } else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "usage: fuzz_replay [--junit FILE] FUZZ_DIR [target ...]\n");
            return 2;
        } else {
            args.push_back(a);
        }
    }
    if (args.empty()) {
        std::fprintf(stderr, "usage: fuzz_replay [--junit FILE] FUZZ_DIR [target ...]\n");
        return 2;
    }
    const fs::path root = args[0];
    std::vector<std::string> targets(args.begin() + 1, args.end());
    if (targets.empty()) {
        for (const auto& [name, entry] : interview::fuzz::registry()) {
            targets.push_back(name);
        }
    }
    write_junit(junit, {}, "fuzz_replay did not finish: an input crashed or hung (see its log)");
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) {
        signal(sig, on_fatal_signal);
    }
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_set_death_callback(say_current);
#endif

    std::vector<Outcome> outcomes;
    bool ok = true;
    std::vector<std::uint8_t> bytes;
    for (const std::string& target : targets) {
        Outcome o;
        o.target = target;
        const auto entry = interview::fuzz::registry().find(target);
        const auto corpus = files_in(root / "corpus" / target);
        auto inputs = corpus;
        const auto regressions = files_in(root / "regressions" / target);
        inputs.insert(inputs.end(), regressions.begin(), regressions.end());
        const auto t0 = std::chrono::steady_clock::now();
        if (entry == interview::fuzz::registry().end()) {
            o.failure = "no such target in this build";
        } else if (corpus.empty()) {
            o.failure = "no corpus in " + (root / "corpus" / target).string();
        } else {
            for (const fs::path& input : inputs) {
                if (!read_file(input, bytes)) {
                    o.failure = "cannot read " + input.string();
                    break;
                }
                std::snprintf(g_current, sizeof g_current, "%s", input.c_str());
                entry->second(bytes.data(), bytes.size());
                ++o.inputs;
            }
        }
        o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("fuzz_replay: %-18s %4zu inputs (%zu corpus, %zu regressions) %s\n",
                    target.c_str(), o.inputs, corpus.size(), regressions.size(),
                    o.failure.empty() ? "ok" : o.failure.c_str());
        std::fflush(stdout);
        ok = ok && o.failure.empty();
        outcomes.push_back(std::move(o));
    }
    write_junit(junit, outcomes, "");
    return ok ? 0 : 1;
}
