// Fuzz target: rebuilding a document from what Redis holds. The input is a Redis reply in RESP2,
// the wire format (what EXEC answers to RedisStore::load's MULTI / HGETALL doc / HGETALL seqs /
// XRANGE log), read by a small RESP reader into an adapters::RedisValue; then
// parse_stored_document (plugin/adapters/stored_document.hpp, what RedisStore::load uses) and
// the same public calls the document hub makes with its result: each log entry's op through
// operation_from_json_text, Authority::restore, a room::Document with two members. Checked: a
// restored authority is at or past the snapshot revision, its text is a valid document, and
// export_state() rebuilds the same authority.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "ot/authority.hpp"
#include "ot/json.hpp"
#include "ot/validate.hpp"
#include "document/document.hpp"
#include "stored_document.hpp"

namespace {

namespace ot = interview::ot;
namespace room = interview::room;
using interview::adapters::RedisValue;
using interview::adapters::StoredDocument;

// RESP2: +status, -error, :integer, $len bulk (or $-1 nil), *count array (or *-1 nil), each line
// ending in \r\n. Nesting is bounded so that a hostile input cannot exhaust the stack.
class RespReader {
  public:
    explicit RespReader(std::string_view in) : in_(in) {}

    std::optional<RedisValue> read(int depth = 0) {
        if (depth > 16 || pos_ >= in_.size()) {
            return std::nullopt;
        }
        const char kind = in_[pos_++];
        auto line = read_line();
        if (!line) {
            return std::nullopt;
        }
        RedisValue v;
        switch (kind) {
            case '+':
                v.type = RedisValue::Type::string;
                v.str = *line;
                return v;
            case '-':
                v.type = RedisValue::Type::error;
                v.str = *line;
                return v;
            case ':': {
                auto n = number(*line);
                if (!n) {
                    return std::nullopt;
                }
                v.type = RedisValue::Type::integer;
                v.integer = *n;
                return v;
            }
            case '$': {
                auto n = number(*line);
                if (!n || *n < -1) {
                    return std::nullopt;
                }
                if (*n == -1) {
                    return v;  // nil
                }
                const auto len = static_cast<std::size_t>(*n);
                if (len > in_.size() - pos_ || in_.size() - pos_ - len < 2 ||
                    in_.substr(pos_ + len, 2) != "\r\n") {
                    return std::nullopt;
                }
                v.type = RedisValue::Type::string;
                v.str = in_.substr(pos_, len);
                pos_ += len + 2;
                return v;
            }
            case '*': {
                auto n = number(*line);
                if (!n || *n < -1 || *n > 100000) {
                    return std::nullopt;
                }
                if (*n == -1) {
                    return v;
                }
                v.type = RedisValue::Type::array;
                for (long long i = 0; i < *n; ++i) {
                    auto element = read(depth + 1);
                    if (!element) {
                        return std::nullopt;
                    }
                    v.elements.push_back(std::move(*element));
                }
                return v;
            }
            default:
                return std::nullopt;
        }
    }

  private:
    std::optional<std::string_view> read_line() {
        const std::size_t end = in_.find("\r\n", pos_);
        if (end == std::string_view::npos) {
            return std::nullopt;
        }
        std::string_view line = in_.substr(pos_, end - pos_);
        pos_ = end + 2;
        return line;
    }
    static std::optional<long long> number(std::string_view s) {
        if (s.empty() || s.size() > 18) {
            return std::nullopt;
        }
        bool negative = s.front() == '-';
        if (negative) {
            s.remove_prefix(1);
        }
        if (s.empty()) {
            return std::nullopt;
        }
        long long n = 0;
        for (char c : s) {
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            n = n * 10 + (c - '0');
        }
        return negative ? -n : n;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
};

class NullOutbox : public room::DocumentOutbox {
  public:
    bool send(room::SessionKey, const std::string&) override { return true; }
    bool send_beyond_budget(room::SessionKey, const std::string&) override { return true; }
    void persist(const room::PendingCommit&) override {}
    void persist_language(const std::string&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    RespReader reader(interview::fuzz::as_text(data, size));
    const std::optional<RedisValue> reply = reader.read();
    if (!reply) {
        return 0;
    }
    auto parsed = interview::adapters::parse_stored_document(*reply);
    if (std::holds_alternative<std::string>(parsed)) {
        return 0;
    }
    const StoredDocument& stored = std::get<StoredDocument>(parsed);
    const room::DocumentConfig config;

    // What the hub does with a loaded document (DocumentHub::loaded).
    ot::LastSeqMap last_seq(stored.last_seq.begin(), stored.last_seq.end());
    std::vector<ot::LogEntry> log;
    for (const auto& e : stored.log) {
        auto op = ot::operation_from_json_text(e.op_json, config.authority.limits);
        if (!op.ok()) {
            return 0;  // the hub keeps such a document stale rather than guess
        }
        log.push_back(ot::LogEntry{e.revision, std::move(op.value()), e.client_id, e.seq});
    }
    auto restored = ot::Authority::restore(stored.snapshot_text, stored.snapshot_revision, last_seq,
                                           std::move(log), config.authority);
    if (!restored.ok()) {
        return 0;
    }
    const ot::Authority& auth = *restored;
    FUZZ_CHECK(auth.revision() >= stored.snapshot_revision);
    FUZZ_CHECK(ot::validate_document(auth.document(), config.authority.limits).ok());
    auto again = ot::Authority::restore(auth.export_state(), config.authority);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->revision() == auth.revision());
    FUZZ_CHECK(again->document().text() == auth.document().text());
    for (const auto& [client, seq] : stored.last_seq) {
        FUZZ_CHECK(again->last_seq(client) == auth.last_seq(client));
    }

    room::Document doc("iv_fuzz", std::move(restored.value()),
                       stored.language.empty() ? "python" : stored.language,
                       stored.state == "ended", config);
    doc.add_member(1, {"p_applicant", "Ada", interview::access::Role::applicant});
    doc.add_member(2, {"p_recruiter", "Grace", interview::access::Role::recruiter});
    NullOutbox out;
    doc.on_text(1, R"({"type":"hello","client_id":"c1","last_revision":0})", 1000, out);
    doc.on_text(2, R"({"type":"hello","client_id":"c2","last_revision":null})", 1000, out);
    FUZZ_CHECK(doc.confirmed_revision() == doc.authority().revision());
    return 0;
}
