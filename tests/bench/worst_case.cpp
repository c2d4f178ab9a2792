// bench_worst_case: the document thread's time for one data-channel message of each kind in its
// most expensive legal form, at the edge of every limit with the project's default settings
// (room::DocumentConfig{}: a log of 1,000 ops and 4 MiB, 65,536 transform steps, 16,384
// components per op, 1 MiB documents, 60,000-byte messages), and the memory one document holds
// with a full log. Not a test: scripts/bench-worst-case.sh runs it and docs/PERFORMANCE.md keeps
// its table.
//
// Each case drives a room::Document (4 members, as max_participants allows, all past `hello`)
// through on_text / on_persisted / on_drained with an outbox that copies every string it is given
// (as the real one does when it hands them to Janus) and models the 1 MiB outbound budget. A case
// that changes the document runs on a fresh copy of a prepared one each time; what is not part of
// the case (the copy, confirming the commit, draining the queues, freeing) is outside the timed
// region. Times are wall time (steady_clock) of the one call, plus the thread's CPU time.
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ot/text_buffer.hpp"
#include "document/document.hpp"

using namespace interview;
using room::SessionKey;

namespace {

constexpr std::size_t kMiB = 1u << 20;
constexpr SessionKey kApplicant = 1;  // the hostile member in every case
constexpr SessionKey kRecruiter = 2;  // writes the log the cases cross
const SessionKey kKeys[] = {1, 2, 3, 4};

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench_worst_case: %s\n", what.c_str());
    std::exit(1);
}

struct CopyOutbox final : room::DocumentOutbox {
    std::size_t budget = kMiB;  // outbound_queue_bytes' default
    std::map<SessionKey, std::size_t> queued;
    std::vector<std::pair<SessionKey, std::string>> sent;
    std::vector<room::PendingCommit> commits;
    std::vector<std::string> languages;

    CopyOutbox() { sent.reserve(4096); }
    bool send(SessionKey to, const std::string& text) override {
        std::size_t& q = queued[to];
        if (q + text.size() > budget) {
            return false;
        }
        q += text.size();
        sent.emplace_back(to, text);
        return true;
    }
    bool send_beyond_budget(SessionKey to, const std::string& text) override {
        std::size_t& q = queued[to];
        q += text.size();
        sent.emplace_back(to, text);
        return q <= budget;
    }
    void persist(const room::PendingCommit& c) override { commits.push_back(c); }
    void persist_language(const std::string& l) override { languages.push_back(l); }
    void clear() {
        queued.clear();
        sent.clear();
        commits.clear();
        languages.clear();
    }
    /// "snapshot x18, synced x1 (1,048,900 B)": what the last message(s) produced.
    std::string describe() const {
        std::map<std::string, int> kinds;
        std::size_t bytes = 0;
        for (const auto& [to, text] : sent) {
            bytes += text.size();
            std::string kind = field(text, "type");
            if (kind == "error") {
                kind += " " + field(text, "error");
                if (const std::string r = field(text, "reason"); !r.empty()) {
                    kind += "/" + r;
                }
            }
            ++kinds[kind];
        }
        std::string s;
        for (const auto& [kind, n] : kinds) {
            s += (s.empty() ? "" : ", ") + kind + " x" + std::to_string(n);
        }
        if (s.empty()) {
            s = "nothing";
        }
        s += " (" + grouped(bytes) + " B";
        if (!commits.empty()) {
            const auto& c = commits.back();
            s += "; commit of " + std::to_string(c.revision - c.first_revision + 1) + " revision" +
                 (c.revision == c.first_revision ? "" : "s");
        }
        return s + ")";
    }
    static std::string field(const std::string& text, const std::string& name) {
        const std::string key = "\"" + name + "\":\"";
        const auto at = text.find(key);
        if (at == std::string::npos) {
            return {};
        }
        const auto start = at + key.size();
        return text.substr(start, text.find('"', start) - start);
    }
    static std::string grouped(std::size_t n) {
        const std::string digits = std::to_string(n);
        std::string s;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (i > 0 && (digits.size() - i) % 3 == 0) {
                s += ',';
            }
            s += digits[i];
        }
        return s;
    }
};

std::int64_t g_now_ms = 0;
/// Every message arrives 10 s after the previous one: each rate limit's bucket is full again,
/// so a case measures the message, never the limiter's refusal.
std::int64_t tick() {
    return g_now_ms += 10'000;
}

// ---- texts and messages ----

/// Code-like ASCII lines (LF, no quotes), exactly `bytes` long.
std::string code_text(std::size_t bytes) {
    static const std::string line = "    total_value = compute_next(total_value, index) + 1;\n";
    std::string s;
    s.reserve(bytes);
    while (s.size() < bytes) {
        s.append(line, 0, std::min(line.size(), bytes - s.size()));
    }
    return s;
}

/// Code on one line (no LF, so its JSON is as long as the text): what fits in one message.
std::string one_line(std::size_t bytes) {
    std::string s = code_text(bytes);
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

/// The text whose JSON is longest per byte: U+0001 is written as \u0001 (6 bytes).
std::string control_text(std::size_t bytes) {
    return std::string(bytes, '\x01');
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '\x01') {
            out += "\\u0001";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string op_msg(const std::string& client, std::uint64_t seq, std::uint64_t revision,
                   const std::string& op) {
    return R"({"type":"op","client_id":")" + client + R"(","seq":)" + std::to_string(seq) +
           R"(,"revision":)" + std::to_string(revision) + R"(,"op":)" + op + "}";
}

std::string hello_msg(const std::string& client, std::optional<std::uint64_t> last) {
    return R"({"type":"hello","client_id":")" + client + R"(","last_revision":)" +
           (last ? std::to_string(*last) : "null") + "}";
}

/// `inserts` one-character inserts `gap` units apart, the last `tail` units before the end of a
/// document of `len` units: 2 x inserts components (+1 with a tail).
std::string spread_inserts(std::size_t len, std::size_t inserts, std::size_t gap, char c,
                           std::size_t tail = 0) {
    const std::size_t first = len - gap * (inserts - 1) - tail;
    std::string op = "[" + std::to_string(first);
    const std::string ins = std::string(",\"") + c + "\"";
    op += ins;
    const std::string step = "," + std::to_string(gap) + ins;
    for (std::size_t i = 1; i < inserts; ++i) {
        op += step;
    }
    if (tail > 0) {
        op += "," + std::to_string(tail);
    }
    return op + "]";
}

/// `deletes` one-unit deletes `gap` units apart, the last one at the end of a document of `len`
/// units: 2 x deletes components.
std::string spread_deletes(std::size_t len, std::size_t deletes, std::size_t gap) {
    const std::size_t first = len - deletes - gap * (deletes - 1);
    std::string op = "[" + std::to_string(first) + ",-1";
    const std::string step = "," + std::to_string(gap) + ",-1";
    for (std::size_t i = 1; i < deletes; ++i) {
        op += step;
    }
    return op + "]";
}

// ---- documents ----

room::DocumentConfig config() {
    return room::DocumentConfig{};  // the defaults, every one
}

/// A live document holding `text` (restored from storage at revision 0, as after a load), with
/// four members that said hello.
std::unique_ptr<room::Document> make_doc(const std::string& text, CopyOutbox& out) {
    const room::DocumentConfig c = config();
    auto a = ot::Authority::restore(text, 0, {}, {}, c.authority);
    if (!a) {
        die("restore: " + a.error().message);
    }
    auto d = std::make_unique<room::Document>("iv", std::move(*a), "python", false, c);
    d->add_member(1, access::Participant{"pa", "Ada", access::Role::applicant});
    d->add_member(2, access::Participant{"pr", "Rita", access::Role::recruiter});
    d->add_member(3, access::Participant{"po", "Olga", access::Role::observer});
    d->add_member(4, access::Participant{"pq", "Quinn", access::Role::recruiter});
    for (SessionKey k : kKeys) {
        d->on_text(k, hello_msg("c" + std::to_string(k), 0), tick(), out);
    }
    out.clear();
    return d;
}

/// What happens between messages, never timed: the queues drain (a member that missed
/// something gets its snapshot), the copies are freed.
void drain(room::Document& d, CopyOutbox& out) {
    for (int round = 0; round < 2; ++round) {
        out.queued.clear();
        for (SessionKey k : kKeys) {
            d.on_drained(k, out);
        }
        out.clear();
    }
}

/// Sends an op and confirms it; dies when it was not committed.
void commit(room::Document& d, CopyOutbox& out, SessionKey from, std::uint64_t seq,
            std::uint64_t revision, const std::string& op) {
    const std::uint64_t before = d.authority().revision();
    d.on_text(from, op_msg("c" + std::to_string(from), seq, revision, op), tick(), out);
    if (d.authority().revision() == before) {
        die("fill op not committed: " + out.describe() +
            (out.sent.empty() ? "" : " " + out.sent.front().second.substr(0, 300)));
    }
    d.on_persisted(d.authority().revision(), out);
    drain(d, out);
}

std::uint64_t g_seq = 1000;  // seqs of the recruiter's fill ops (any increasing numbers do)

/// The document's length (units) at `revision`, from the log.
std::size_t length_at(const room::Document& d, std::uint64_t revision) {
    if (revision == d.authority().revision()) {
        return d.authority().document().length();
    }
    const ot::LogEntry* e = d.authority().entry_at(revision + 1);
    if (e == nullptr) {
        die("revision " + std::to_string(revision) + " is not in the log");
    }
    return e->op.base_length();
}

// ---- measuring ----

struct Sample {
    double wall_us;
    double cpu_us;
};

double thread_cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

/// Times one call.
template <class F>
Sample timed(F&& f) {
    const double c0 = thread_cpu_us();
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const auto t1 = std::chrono::steady_clock::now();
    const double c1 = thread_cpu_us();
    return Sample{std::chrono::duration<double, std::micro>(t1 - t0).count(), c1 - c0};
}

struct Row {
    std::string name;
    std::string reply;
    std::vector<Sample> samples;
};

struct Options {
    std::size_t min_reps = 200;
    double min_seconds = 1.0;
    std::size_t max_reps = 100000;
    std::string filter;
    std::size_t memory_docs = 10;
    bool memory = true;
};
Options g_opt;

std::vector<Row> g_rows;

/// Runs `rep` (which appends one sample to each of its rows) at least min_reps times and for at
/// least min_seconds, at most max_reps times.
void run_case(const std::vector<std::string>& names,
              const std::function<void(std::vector<Row*>&, bool first)>& rep) {
    if (!g_opt.filter.empty() && names.front().find(g_opt.filter) == std::string::npos) {
        return;
    }
    std::vector<Row*> rows;
    for (const auto& n : names) {
        g_rows.push_back(Row{n, "", {}});
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        rows.push_back(&g_rows[g_rows.size() - names.size() + i]);
    }
    std::fprintf(stderr, "== %s\n", names.front().c_str());
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t n = 0; n < g_opt.max_reps; ++n) {
        rep(rows, n == 0);
        const double spent =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (n + 1 >= g_opt.min_reps && spent >= g_opt.min_seconds) {
            break;
        }
    }
}

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    // Nearest rank.
    std::size_t rank = static_cast<std::size_t>(q * static_cast<double>(v.size()) + 0.999999);
    rank = std::clamp<std::size_t>(rank, 1, v.size());
    return v[rank - 1];
}

std::string us(double v) {
    char b[32];
    if (v >= 100) {
        std::snprintf(b, sizeof b, "%.0f", v);
    } else if (v >= 10) {
        std::snprintf(b, sizeof b, "%.1f", v);
    } else {
        std::snprintf(b, sizeof b, "%.2f", v);
    }
    return b;
}

// ---- the cases ----

/// A fresh copy of `tmpl` per repetition: on_text timed, then (second row, when asked) the
/// confirmation of what it committed (on_persisted: the broadcast to every member).
void fresh_case(const std::vector<std::string>& names, const room::Document& tmpl,
                const std::function<std::string(const room::Document&)>& message,
                SessionKey from = kApplicant) {
    CopyOutbox out;
    const std::string text = message(tmpl);
    run_case(names, [&](std::vector<Row*>& rows, bool first) {
        auto d = std::make_unique<room::Document>(tmpl);
        const std::int64_t now = tick();
        rows[0]->samples.push_back(timed([&] { d->on_text(from, text, now, out); }));
        if (first) {
            rows[0]->reply = out.describe();
        }
        if (rows.size() > 1) {
            out.sent.clear();
            rows[1]->samples.push_back(
                timed([&] { d->on_persisted(d->authority().revision(), out); }));
            if (first) {
                rows[1]->reply = out.describe();
            }
        }
        out.clear();
        d.reset();
    });
}

/// The same document every repetition (the message changes nothing that matters to the next).
void same_case(const std::string& name, room::Document& d, const std::string& text,
               SessionKey from = kApplicant) {
    CopyOutbox out;
    run_case({name}, [&](std::vector<Row*>& rows, bool first) {
        const std::int64_t now = tick();
        rows[0]->samples.push_back(timed([&] { d.on_text(from, text, now, out); }));
        if (first) {
            rows[0]->reply = out.describe();
        }
        drain(d, out);
    });
}

/// A document of `bytes` of code whose last change was an edit (so its UTF-8 copy and checksum
/// are not cached: the first check or snapshot after an edit pays for them).
std::unique_ptr<room::Document> code_doc(std::size_t bytes, CopyOutbox& out,
                                         const std::string& text_in = {}) {
    const std::string text = text_in.empty() ? code_text(bytes) : text_in;
    auto d = make_doc(text, out);
    // Replace the first character: same size, caches invalidated.
    commit(*d, out, kRecruiter, ++g_seq, d->authority().revision(),
           R"(["a",-1,)" + std::to_string(d->authority().document().length() - 1) + "]");
    return d;
}

/// A document whose log holds the largest ops the limits allow: `count` ops of 16,384
/// components (8,192 one-character inserts 99 units apart, 57 KB of JSON each) by the
/// recruiter, ending at about `end_bytes`. The 4 MiB log cap keeps about 10 of them.
std::unique_ptr<room::Document> huge_log_doc(std::size_t count, std::size_t end_bytes,
                                             CopyOutbox& out) {
    auto d = make_doc(code_text(end_bytes - count * 8192), out);
    for (std::size_t i = 0; i < count; ++i) {
        commit(*d, out, kRecruiter, ++g_seq, d->authority().revision(),
               spread_inserts(d->authority().document().length(), 8192, 99, 'y'));
    }
    return d;
}

void op_cases() {
    CopyOutbox out;
    {
        // 16,384 components on the current revision: 8,192 deletes spread over 1 MiB, after an
        // edit at the end (the gap crosses the whole document first).
        auto d = code_doc(kMiB, out);
        fresh_case({"op: 16,384 components (8,192 deletes 127 apart) on the current revision of "
                    "a 1 MiB document",
                    "  its confirmation (on_persisted: broadcast to 4)"},
                   *d, [](const room::Document& t) {
                       return op_msg("c1", 1, t.authority().revision(),
                                     spread_deletes(t.authority().document().length(), 8192, 127));
                   });
    }
    {
        auto d = code_doc(kMiB - 8192, out);
        fresh_case({"op: 16,384 components (8,192 inserts 99 apart) on the current revision of "
                    "a 1 MiB document",
                    "  its confirmation (on_persisted: broadcast to 4)"},
                   *d, [](const room::Document& t) {
                       return op_msg(
                           "c1", 1, t.authority().revision(),
                           spread_inserts(t.authority().document().length(), 8192, 99, 'z'));
                   });
    }
    {
        // A 59 KB insert at the start; the document ends at 1 MiB.
        auto d = code_doc(kMiB - 59000, out);
        fresh_case({"op: a 59,000-byte insert at position 0 of a 1 MiB document",
                    "  its confirmation (on_persisted: broadcast to 4)"},
                   *d, [](const room::Document& t) {
                       return op_msg("c1", 1, t.authority().revision(),
                                     "[" + json_string(one_line(59000)) + "," +
                                         std::to_string(t.authority().document().length()) + "]");
                   });
    }
    {
        // The attack: fill the log with huge ops, then send an old-revision op.
        auto d = huge_log_doc(12, kMiB - 16384, out);
        const auto& a = d->authority();
        std::fprintf(stderr, "   huge log: %zu entries, %zu bytes, revision %llu\n", a.log_size(),
                     a.log_bytes(), static_cast<unsigned long long>(a.revision()));
        const auto old_op = [](std::uint64_t back, std::size_t inserts, std::size_t tail) {
            return [back, inserts, tail](const room::Document& t) {
                const std::uint64_t base = t.authority().revision() - back;
                const std::string op = spread_inserts(length_at(t, base), inserts, 99, 'q', tail);
                const std::size_t work =
                    t.authority().transform_work(base, 2 * inserts + (tail > 0));
                std::fprintf(stderr, "   %llu back, %zu components: transform work %zu (cap %zu)\n",
                             static_cast<unsigned long long>(back), 2 * inserts + (tail > 0), work,
                             t.authority().config().max_transform_work);
                return op_msg("c1", 1, base, op);
            };
        };
        fresh_case({"op: 5,461 components on a revision 3 huge ops back (transform work 65,535 of "
                    "65,536)",
                    "  its confirmation (on_persisted: broadcast to 4)"},
                   *d, old_op(3, 2730, 1));
        fresh_case({"op: 16,384 components on a revision 2 huge ops back (transform work 65,536 of "
                    "65,536)",
                    "  its confirmation (on_persisted: broadcast to 4)"},
                   *d, old_op(2, 8192, 0));
        fresh_case({"op: 5,461 components 4 huge ops back (work 87,380: revision_too_old + "
                    "snapshot of 1 MiB)"},
                   *d, old_op(4, 2730, 1));

        // Presence: 65 positions (cursor + 32 ranges) near the end of the document.
        const auto presence = [&](std::uint64_t back) {
            const std::uint64_t base = a.revision() - back;
            const std::size_t len = length_at(*d, base);
            std::string sel = "[";
            for (std::size_t i = 0; i < 32; ++i) {
                // Appended piece by piece: GCC 12 warns (-Wrestrict) on "x" + std::string.
                sel.append(i ? ",[" : "[").append(std::to_string(len - 70 + 2 * i));
                sel.append(",").append(std::to_string(len - 69 + 2 * i)).append("]");
            }
            sel += "]";
            return R"({"type":"presence","revision":)" + std::to_string(base) + R"(,"cursor":)" +
                   std::to_string(len - 1) + R"(,"selection":)" + sel + "}";
        };
        std::fprintf(stderr, "   presence 3 back: work %zu\n",
                     a.transform_work(a.revision() - 3, 65));
        same_case("presence: 32 ranges on a revision 3 huge ops back (work 49,347: moved)", *d,
                  presence(3));
        same_case("presence: 32 ranges 4 huge ops back (work 65,796: dropped)", *d, presence(4));
        same_case("presence: revision 0 (older than the log: dropped)", *d,
                  R"({"type":"presence","revision":0,"cursor":5,"selection":[[1,2]]})");
    }
    {
        // A long transformed edit committed in pieces: a 59 KB insert that also deletes the
        // document as it was 3 ops back, each of those ops 2,700 one-character inserts: the
        // delete is cut 8,100 times and the op's JSON (about 116 KB) is more than a message.
        auto d = make_doc(code_text(600000), out);
        const std::uint64_t base = d->authority().revision();
        const std::size_t base_len = d->authority().document().length();
        for (int i = 0; i < 3; ++i) {
            commit(*d, out, kRecruiter, ++g_seq, d->authority().revision(),
                   spread_inserts(d->authority().document().length(), 2700, 99, 'p', 1));
        }
        fresh_case({"op in pieces: a 59 KB insert + delete of all, 3 ops of 2,700 inserts back "
                    "(about 16,200 components after transform)",
                    "  its confirmation (on_persisted: the pieces to 4)"},
                   *d, [&](const room::Document&) {
                       return op_msg("c1", 1, base,
                                     "[" + json_string(one_line(59000)) + ",-" +
                                         std::to_string(base_len) + "]");
                   });
    }
}

void check_and_hello_cases() {
    CopyOutbox out;
    auto d = code_doc(kMiB, out);
    const std::string rev = std::to_string(d->authority().revision());
    const std::string right = ot::sha256_hex(d->authority().document().utf8());
    const std::string wrong = std::string(64, '0');
    const auto check = [&](const std::string& sum) {
        return R"({"type":"check","revision":)" + rev + R"(,"checksum":")" + sum + R"("})";
    };
    fresh_case({"check, wrong checksum, first after an edit (snapshot of 1 MiB of code)"}, *d,
               [&](const room::Document&) { return check(wrong); });
    fresh_case({"check, right checksum, first after an edit (UTF-8 + SHA-256 of 1 MiB)"}, *d,
               [&](const room::Document&) { return check(right); });
    fresh_case({"hello without last_revision, first after an edit (snapshot + synced)"}, *d,
               [&](const room::Document&) { return hello_msg("c1", std::nullopt); });
    {
        auto warm = std::make_unique<room::Document>(*d);
        same_case("check, wrong checksum, repeated (UTF-8 cached)", *warm, check(wrong));
        same_case("check, right checksum, repeated (SHA-256 cached)", *warm, check(right));
        same_case("hello without last_revision, repeated (UTF-8 cached)", *warm,
                  hello_msg("c1", std::nullopt));
        same_case("language", *warm, R"({"type":"language","language":"javascript"})");
        same_case("ping", *warm, R"({"type":"ping","t":1234567.5})");
        std::string bad = R"({"type":"op","client_id":"c1","seq":1,"revision":1,"op":[1)";
        while (bad.size() < 60000 - 1) {
            bad += ",1";
        }
        bad.resize(60000 - 1);
        bad += "}";  // the array never closes: malformed at the last byte
        same_case("invalid 60,000-byte message (JSON broken at its last byte)", *warm, bad);
        std::string many =
            R"({"type":"op","client_id":"c1","seq":1,"revision":)" + rev + R"(,"op":[1)";
        for (int i = 1; i < 16385; ++i) {
            many += i % 2 ? ",-1" : ",1";
        }
        many += "]}";
        same_case("op of 16,385 components (" + std::to_string(many.size()) +
                      " bytes: too_many_components)",
                  *warm, many);
        const std::string head = R"({"type":"ping","t":1,"pad":")";
        const std::string large = head + std::string(60001 - head.size() - 2, 'x') + R"("})";
        same_case("60,001-byte message (message_too_large)", *warm, large);
    }
    {
        // The text whose snapshot is longest: 1 MiB of U+0001, 6 MB of JSON.
        auto c = code_doc(kMiB, out, control_text(kMiB));
        const std::string crev = std::to_string(c->authority().revision());
        fresh_case({"check, wrong checksum, first after an edit, 1 MiB of U+0001 (6 MB snapshot)"},
                   *c, [&](const room::Document&) {
                       return R"({"type":"check","revision":)" + crev + R"(,"checksum":")" + wrong +
                              R"("})";
                   });
    }
}

void catch_up_cases() {
    // hello with a last_revision 1,000 ops back: a log of 1,000 entries just under 4 MiB
    // (1,950-unit replaces), so the whole log is sent.
    for (const bool control : {false, true}) {
        CopyOutbox out;
        auto d = make_doc(control ? control_text(kMiB) : code_text(kMiB), out);
        const std::string piece = control ? control_text(1950) : code_text(1950);
        for (int i = 0; i < 1000; ++i) {
            const std::size_t len = d->authority().document().length();
            const std::size_t at = static_cast<std::size_t>(i) * 1000 % (len - 1950);
            std::string op = "[";
            if (at > 0) {
                op.append(std::to_string(at)).append(",");
            }
            op.append(json_string(piece)).append(",-1950,");
            op.append(std::to_string(len - at - 1950)).append("]");
            commit(*d, out, kRecruiter, ++g_seq, d->authority().revision(), op);
        }
        const auto& a = d->authority();
        std::fprintf(stderr, "   catch-up log: %zu entries, %zu bytes\n", a.log_size(),
                     a.log_bytes());
        if (a.log_size() != 1000) {
            die("the catch-up log should hold 1,000 entries");
        }
        same_case(control ? "hello, last_revision 1,000 ops back, 1,950 units of U+0001 each "
                            "(whole log, 11.7 MB of JSON)"
                          : "hello, last_revision 1,000 ops back, 1,950-unit replaces (whole "
                            "log: 4 MiB)",
                  *d, hello_msg("c1", a.revision() - 1000));
    }
}

// ---- memory ----

struct Mem {
    double in_use_mib;  // mallinfo2: bytes allocated and not freed (heap + mmap)
    double rss_mib;     // /proc/self/statm
};

Mem memory_now() {
    malloc_trim(0);
    const struct mallinfo2 mi = mallinfo2();
    long pages = 0;
    long resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) {
            resident = 0;
        }
        std::fclose(f);
    }
    return Mem{static_cast<double>(mi.uordblks + mi.hblkhd) / kMiB,
               static_cast<double>(resident) * 4096.0 / kMiB};
}

struct MemRow {
    std::string name;
    std::size_t docs;
    Mem per_doc;
    std::size_t log_size;
    std::size_t log_bytes;
    std::size_t doc_bytes;
};
std::vector<MemRow> g_mem;

/// A 1 MiB document whose log is full of the largest ops: `small_first` tiny edits (which let
/// the log's ring grow to its 1,000 slots), then `huge` ops of 16,384 components, inserts and
/// deletes alternating so the document stays at 1 MiB.
void fill_worst(room::Document& d, CopyOutbox& out, std::size_t small_first, std::size_t huge) {
    for (std::size_t i = 0; i < small_first; ++i) {
        commit(d, out, kRecruiter, ++g_seq, d.authority().revision(),
               R"(["b",-1,)" + std::to_string(d.authority().document().length() - 1) + "]");
    }
    for (std::size_t i = 0; i < huge; ++i) {
        const std::size_t len = d.authority().document().length();
        commit(d, out, kRecruiter, ++g_seq, d.authority().revision(),
               i % 2 == 0 ? spread_deletes(len, 8192, 99) : spread_inserts(len, 8192, 99, 'w'));
    }
}

void memory_case(const std::string& name, std::size_t docs, std::size_t small_first,
                 std::size_t huge) {
    if (!g_opt.filter.empty() && std::string("memory").find(g_opt.filter) == std::string::npos &&
        name.find(g_opt.filter) == std::string::npos) {
        return;
    }
    std::fprintf(stderr, "== memory: %s x %zu\n", name.c_str(), docs);
    CopyOutbox out;
    const std::string text = code_text(kMiB);
    const Mem before = memory_now();
    std::vector<std::unique_ptr<room::Document>> all;
    for (std::size_t i = 0; i < docs; ++i) {
        all.push_back(make_doc(text, out));
        fill_worst(*all.back(), out, small_first, huge);
    }
    out.clear();
    const Mem after = memory_now();
    const auto& a = all.front()->authority();
    g_mem.push_back(MemRow{name, docs,
                           Mem{(after.in_use_mib - before.in_use_mib) / static_cast<double>(docs),
                               (after.rss_mib - before.rss_mib) / static_cast<double>(docs)},
                           a.log_size(), a.log_bytes(), a.document().utf8_size()});
}

void print() {
    std::printf(
        "| case | what the document thread sent (first repetition) | n | median µs | "
        "p99 µs | max µs | thread CPU median µs |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|\n");
    for (const Row& r : g_rows) {
        std::vector<double> wall;
        std::vector<double> cpu;
        for (const Sample& s : r.samples) {
            wall.push_back(s.wall_us);
            cpu.push_back(s.cpu_us);
        }
        if (wall.empty()) {
            continue;
        }
        std::printf("| %s | %s | %zu | %s | %s | %s | %s |\n", r.name.c_str(), r.reply.c_str(),
                    wall.size(), us(quantile(wall, 0.5)).c_str(), us(quantile(wall, 0.99)).c_str(),
                    us(*std::max_element(wall.begin(), wall.end())).c_str(),
                    us(quantile(cpu, 0.5)).c_str());
    }
    if (g_mem.empty()) {
        return;
    }
    std::printf(
        "\n| memory | documents | added per document: heap in use (MiB) | RSS (MiB) | "
        "log entries | Authority::log_bytes() | document (UTF-8 bytes) |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (const MemRow& m : g_mem) {
        std::printf("| %s | %zu | %.1f | %.1f | %zu | %s | %s |\n", m.name.c_str(), m.docs,
                    m.per_doc.in_use_mib, m.per_doc.rss_mib, m.log_size,
                    CopyOutbox::grouped(m.log_bytes).c_str(),
                    CopyOutbox::grouped(m.doc_bytes).c_str());
    }
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                die(a + " needs a value");
            }
            return argv[++i];
        };
        if (a == "--min-reps") {
            g_opt.min_reps = std::stoul(next());
        } else if (a == "--min-seconds") {
            g_opt.min_seconds = std::stod(next());
        } else if (a == "--max-reps") {
            g_opt.max_reps = std::stoul(next());
        } else if (a == "--filter") {
            g_opt.filter = next();
        } else if (a == "--memory-docs") {
            g_opt.memory_docs = std::stoul(next());
        } else if (a == "--no-memory") {
            g_opt.memory = false;
        } else {
            std::puts(
                "usage: bench_worst_case [--min-reps N (200)] [--min-seconds S (1)] "
                "[--max-reps N (100000)] [--filter TEXT] [--memory-docs N (10)] [--no-memory]");
            return a == "-h" || a == "--help" ? 0 : 2;
        }
    }
    op_cases();
    check_and_hello_cases();
    catch_up_cases();
    if (g_opt.memory) {
        // The log's 4 MiB cap reached with huge ops straight away: the ring stays at about 10
        // slots.
        memory_case("1 MiB text, log filled with 40 ops of 16,384 components", 1, 0, 40);
        memory_case("1 MiB text, log filled with 40 ops of 16,384 components", g_opt.memory_docs, 0,
                    40);
        // The ring first grows to its 1,000 slots with tiny edits, then every slot takes a huge
        // op in turn (what an applicant can do in about 40 s at 50 ops a second).
        memory_case("1 MiB text, 1,000 tiny edits then 1,000 ops of 16,384 components", 1, 1000,
                    1000);
        memory_case("1 MiB text, 1,000 tiny edits then 1,000 ops of 16,384 components",
                    g_opt.memory_docs, 1000, 1000);
    }
    print();
    return 0;
}
