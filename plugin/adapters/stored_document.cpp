#include "stored_document.hpp"

#include <optional>

namespace interview::adapters {

namespace {

// Revisions and seqs go on the wire as JSON integers, so they stay within what a JavaScript
// client holds exactly.
constexpr std::uint64_t kMaxNumber = 1ULL << 53;

// A stored revision or seq: plain decimal digits, at most 2^53. nullopt for anything else: a
// number that does not read as one (a negative one used to wrap around to nearly 2^64).
std::optional<std::uint64_t> to_u64(std::string_view s) {
    if (s.empty() || s.size() > 16) {
        return std::nullopt;
    }
    std::uint64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (n > kMaxNumber) {
        return std::nullopt;
    }
    return n;
}

std::string str(const RedisValue& v) {
    return v.type == RedisValue::Type::string ? std::string(v.str) : std::string();
}

}  // namespace

std::variant<StoredDocument, std::string> parse_stored_document(const RedisValue& r) {
    if (r.type != RedisValue::Type::array || r.elements.size() != 3) {
        return std::string(r.type == RedisValue::Type::error ? r.str : "redis load failed");
    }
    for (const RedisValue& part : r.elements) {
        if (part.type == RedisValue::Type::error) {
            return std::string(part.str);
        }
    }
    StoredDocument doc;
    std::string unreadable;  // the first number that does not read, if any
    auto number = [&unreadable](std::string_view text, const char* what) -> std::uint64_t {
        const auto n = to_u64(text);
        if (!n && unreadable.empty()) {
            unreadable = std::string("redis: unreadable ") + what + " '" +
                         std::string(text.substr(0, 32)) + "'";
        }
        return n.value_or(0);
    };
    const RedisValue& fields = r.elements[0];
    for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        const std::string key = str(fields.elements[i]);
        std::string value = str(fields.elements[i + 1]);
        doc.exists = true;
        if (key == "head") {
            doc.head = number(value, "head");
        } else if (key == "snap") {
            doc.snapshot_revision = number(value, "snapshot revision");
        } else if (key == "text") {
            doc.snapshot_text = std::move(value);
        } else if (key == "language") {
            doc.language = std::move(value);
        } else if (key == "state") {
            doc.state = std::move(value);
        }
    }
    const RedisValue& seqs = r.elements[1];
    for (std::size_t i = 0; i + 1 < seqs.elements.size(); i += 2) {
        doc.last_seq.emplace_back(str(seqs.elements[i]), number(str(seqs.elements[i + 1]), "seq"));
    }
    const RedisValue& log = r.elements[2];
    for (const RedisValue& entry : log.elements) {
        if (entry.type != RedisValue::Type::array || entry.elements.size() != 2) {
            continue;
        }
        StoredOp e;
        const std::string entry_id = str(entry.elements[0]);
        e.revision = number(std::string_view(entry_id).substr(0, entry_id.find('-')), "log id");
        const RedisValue& f = entry.elements[1];
        for (std::size_t j = 0; j + 1 < f.elements.size(); j += 2) {
            const std::string key = str(f.elements[j]);
            if (key == "op") {
                e.op_json = str(f.elements[j + 1]);
            } else if (key == "client") {
                e.client_id = str(f.elements[j + 1]);
            } else if (key == "seq") {
                e.seq = number(str(f.elements[j + 1]), "log seq");
            } else if (key == "author") {
                e.author = str(f.elements[j + 1]);
            }
        }
        doc.log.push_back(std::move(e));
    }
    if (!unreadable.empty()) {
        return unreadable;
    }
    return doc;
}

}  // namespace interview::adapters
