// parse_data_message: what clients send on the data channel (docs/PROTOCOL.md, "The data
// channel"). Read with util/json_reader: one scan of the text, then the fields straight from it,
// with Jansson's accept/refuse rules (JSON_REJECT_DUPLICATES) but no tree of values, so that a
// hostile 60 KB message costs one pass over its bytes.
#include <cstdint>
#include <string>

#include "protocol/data_messages.hpp"
#include "contract/ids.hpp"
#include "util/json_reader.hpp"

namespace interview::protocol {

namespace {

using util::json::ArrayReader;
using util::json::Document;
using util::json::Value;

DataError fail(ErrorCode code, std::string message, std::optional<std::uint64_t> seq = {}) {
    return DataError{ApiError{code, std::move(message)}, seq, {}};
}

/// A non-negative integer field below 2^53 (what a JavaScript number holds exactly).
std::variant<std::uint64_t, DataError> unsigned_field(const Document& obj, const char* name) {
    const auto v = obj.get(name);
    if (!v) {
        return fail(ErrorCode::missing_field, std::string("missing field '") + name + "'");
    }
    if (!v->is_integer() || v->integer() < 0 || v->integer() > (1LL << 53)) {
        return fail(ErrorCode::invalid_field,
                    std::string("field '") + name + "' must be a non-negative integer");
    }
    return static_cast<std::uint64_t>(v->integer());
}

std::variant<std::string, DataError> client_id_field(const Document& obj) {
    const auto v = obj.get("client_id");
    if (!v) {
        return fail(ErrorCode::missing_field, "missing field 'client_id'");
    }
    std::string id = v->is_string() ? v->string() : std::string();
    if (!util::is_url_safe_id(id)) {
        return fail(ErrorCode::invalid_field,
                    "field 'client_id' must be 1 to 64 characters of A-Z a-z 0-9 _ -");
    }
    return id;
}

template <typename T>
bool take(std::variant<T, DataError>&& field, T& out, DataError& error) {
    if (auto* e = std::get_if<DataError>(&field)) {
        error = std::move(*e);
        return false;
    }
    out = std::move(std::get<T>(field));
    return true;
}

std::variant<DataMessage, DataError> parse_op(const Document& root, const ot::Limits& limits) {
    OpMessage m;
    DataError error;
    if (!take(client_id_field(root), m.client_id, error) ||
        !take(unsigned_field(root, "seq"), m.seq, error) ||
        !take(unsigned_field(root, "revision"), m.revision, error)) {
        return error;
    }
    if (m.seq == 0) {
        return fail(ErrorCode::invalid_field, "field 'seq' starts at 1", m.seq);
    }
    const auto op = root.get("op");
    if (!op) {
        return fail(ErrorCode::missing_field, "missing field 'op'", m.seq);
    }
    auto parsed = ot::operation_from_json(*op, limits);
    if (!parsed.ok()) {
        DataError e = fail(ErrorCode::invalid_operation, parsed.error().message, m.seq);
        e.reason = std::string(ot::error_code_name(parsed.error().code));
        return e;
    }
    m.op = std::move(parsed.value());
    return m;
}

/// [start, end] with both ends integers in [0, 2^31].
bool read_range(Value range, std::pair<std::size_t, std::size_t>& out) {
    if (!range.is_array()) {
        return false;
    }
    ArrayReader ends(range);
    Value a;
    Value b;
    Value extra;
    if (!ends.next(a) || !ends.next(b) || ends.next(extra) || !a.is_integer() || !b.is_integer()) {
        return false;
    }
    const std::int64_t x = a.integer();
    const std::int64_t y = b.integer();
    if (x < 0 || y < 0 || x > (1LL << 31) || y > (1LL << 31)) {
        return false;
    }
    out = {static_cast<std::size_t>(x), static_cast<std::size_t>(y)};
    return true;
}

std::variant<DataMessage, DataError> parse_presence(const Document& root) {
    PresenceMessage m;
    DataError error;
    std::uint64_t cursor = 0;
    if (!take(unsigned_field(root, "revision"), m.revision, error) ||
        !take(unsigned_field(root, "cursor"), cursor, error)) {
        return error;
    }
    m.cursor = static_cast<std::size_t>(cursor);
    const auto selection = root.get("selection");
    if (selection) {
        if (!selection->is_array() || ArrayReader(*selection).count_rest(33) > 32) {
            return fail(ErrorCode::invalid_field,
                        "field 'selection' must be a list of at most 32 [start, end] pairs");
        }
        ArrayReader ranges(*selection);
        Value range;
        while (ranges.next(range)) {
            std::pair<std::size_t, std::size_t> r;
            if (!read_range(range, r)) {
                return fail(ErrorCode::invalid_field,
                            "field 'selection' must be a list of [start, end] pairs");
            }
            m.selection.push_back(r);
        }
    }
    return m;
}

std::variant<DataMessage, DataError> parse_hello(const Document& obj) {
    HelloMessage m;
    DataError error;
    if (!take(client_id_field(obj), m.client_id, error)) {
        return error;
    }
    const auto last = obj.get("last_revision");
    if (last && !last->is_null()) {
        std::uint64_t revision = 0;
        if (!take(unsigned_field(obj, "last_revision"), revision, error)) {
            return error;
        }
        m.last_revision = revision;
    }
    return m;
}

std::variant<DataMessage, DataError> parse_check(const Document& obj) {
    CheckMessage m;
    DataError error;
    if (!take(unsigned_field(obj, "revision"), m.revision, error)) {
        return error;
    }
    const auto v = obj.get("checksum");
    if (!v || !v->is_string() || v->string_size() != 64) {
        return fail(!v ? ErrorCode::missing_field : ErrorCode::invalid_field,
                    "field 'checksum' must be 64 hex digits (SHA-256 of the UTF-8 text)");
    }
    m.checksum = v->string();
    for (char c : m.checksum) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return fail(ErrorCode::invalid_field, "field 'checksum' must be lowercase hex");
        }
    }
    return m;
}

// Jansson refuses a lone surrogate escape ("\ud83d", which JSON.stringify writes for a string cut
// inside a pair) while parsing: the message is well-formed JSON otherwise, and the rule it breaks
// is the document's text rule. The scan reads on past it, so the op's seq is known when the rest
// of the message is valid and lets its author match the refusal.
DataError lone_surrogate(const Document& doc) {
    DataError e =
        fail(ErrorCode::invalid_operation, "a string holds a lone surrogate (" + doc.error() + ")");
    e.reason = "lone_surrogate";
    if (doc.readable() && doc.root().is_object()) {
        const auto seq = doc.get("seq");
        if (seq && seq->is_integer() && seq->integer() >= 1) {
            e.seq = static_cast<std::uint64_t>(seq->integer());
        }
    }
    return e;
}

}  // namespace

// The protocol's public name for the one id rule, which lives in util/ids.hpp.
bool is_valid_client_id(std::string_view id) {
    return util::is_url_safe_id(id);
}

bool is_valid_language(std::string_view language) {
    if (language.empty() || language.size() > 32) {
        return false;
    }
    for (char c : language) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '#' ||
                        c == '.' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::variant<DataMessage, DataError> parse_data_message(std::string_view text,
                                                        const ot::Limits& limits) {
    const Document obj = Document::scan(text);  // as JSON_REJECT_DUPLICATES
    if (obj.problem() == util::json::Problem::lone_surrogate) {
        return lone_surrogate(obj);
    }
    if (!obj.ok() || !obj.root().is_object()) {
        return fail(ErrorCode::malformed_request, "a data-channel message is one JSON object");
    }
    const auto type = obj.get("type");
    if (!type) {
        // The seed's simple form has no type: {"op": "insert", "char": "x", "pos": 10}.
        if (const auto op = obj.get("op"); op && op->is_string()) {
            auto edit = ot::simple_edit_from_json(obj);
            if (!edit.ok()) {
                DataError e = fail(ErrorCode::invalid_operation, edit.error().message);
                e.reason = std::string(ot::error_code_name(edit.error().code));
                return e;
            }
            return SimpleOpMessage{std::move(edit.value())};
        }
        return fail(ErrorCode::missing_field, "missing field 'type'");
    }
    if (!type->is_string()) {
        return fail(ErrorCode::invalid_field, "field 'type' must be a string");
    }
    const std::string kind = type->string();
    if (kind == "op") {
        return parse_op(obj, limits);
    }
    if (kind == "hello") {
        return parse_hello(obj);
    }
    if (kind == "presence") {
        return parse_presence(obj);
    }
    if (kind == "language") {
        const auto v = obj.get("language");
        if (!v) {
            return fail(ErrorCode::missing_field, "missing field 'language'");
        }
        std::string language = v->is_string() ? v->string() : std::string();
        if (!is_valid_language(language)) {
            return fail(ErrorCode::invalid_field,
                        "field 'language' must be 1 to 32 characters of a-z 0-9 + # . -");
        }
        return LanguageMessage{std::move(language)};
    }
    if (kind == "check") {
        return parse_check(obj);
    }
    if (kind == "ping") {
        const auto t = obj.get("t");
        if (t && !t->is_number()) {
            return fail(ErrorCode::invalid_field, "field 't' must be a number");
        }
        return PingMessage{t ? t->number() : 0.0};
    }
    std::string shown = kind.substr(0, 32);
    for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            c = '?';
        }
    }
    return fail(ErrorCode::unknown_request, "unknown message type '" + shown + "'");
}

}  // namespace interview::protocol
