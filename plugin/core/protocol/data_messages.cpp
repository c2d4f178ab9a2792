#include "protocol/data_messages.hpp"

#include <algorithm>
#include <cmath>

#include "json_text.hpp"
#include "contract/ids.hpp"
#include "util/json_writer.hpp"

namespace interview::protocol {

namespace {

DataError fail(ErrorCode code, std::string message, std::optional<std::uint64_t> seq = {}) {
    return DataError{ApiError{code, std::move(message)}, seq, {}};
}

/// A non-negative integer field below 2^53 (what a JavaScript number holds exactly).
std::variant<std::uint64_t, DataError> unsigned_field(const json_t* obj, const char* name) {
    const json_t* v = json_object_get(obj, name);
    if (v == nullptr) {
        return fail(ErrorCode::missing_field, std::string("missing field '") + name + "'");
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > (1LL << 53)) {
        return fail(ErrorCode::invalid_field,
                    std::string("field '") + name + "' must be a non-negative integer");
    }
    return static_cast<std::uint64_t>(json_integer_value(v));
}

std::variant<std::string, DataError> client_id_field(const json_t* obj) {
    const json_t* v = json_object_get(obj, "client_id");
    if (v == nullptr) {
        return fail(ErrorCode::missing_field, "missing field 'client_id'");
    }
    if (!json_is_string(v) ||
        !util::is_url_safe_id(std::string_view(json_string_value(v), json_string_length(v)))) {
        return fail(ErrorCode::invalid_field,
                    "field 'client_id' must be 1 to 64 characters of A-Z a-z 0-9 _ -");
    }
    return std::string(json_string_value(v));
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

std::variant<DataMessage, DataError> parse_op(const json_t* root, const ot::Limits& limits) {
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
    const json_t* op = json_object_get(root, "op");
    if (op == nullptr) {
        return fail(ErrorCode::missing_field, "missing field 'op'", m.seq);
    }
    auto parsed = ot::operation_from_json(op, limits);
    if (!parsed.ok()) {
        DataError e = fail(ErrorCode::invalid_operation, parsed.error().message, m.seq);
        e.reason = std::string(ot::error_code_name(parsed.error().code));
        return e;
    }
    m.op = std::move(parsed.value());
    return m;
}

std::variant<DataMessage, DataError> parse_presence(const json_t* root) {
    PresenceMessage m;
    DataError error;
    std::uint64_t cursor = 0;
    if (!take(unsigned_field(root, "revision"), m.revision, error) ||
        !take(unsigned_field(root, "cursor"), cursor, error)) {
        return error;
    }
    m.cursor = static_cast<std::size_t>(cursor);
    const json_t* selection = json_object_get(root, "selection");
    if (selection != nullptr) {
        if (!json_is_array(selection) || json_array_size(selection) > 32) {
            return fail(ErrorCode::invalid_field,
                        "field 'selection' must be a list of at most 32 [start, end] pairs");
        }
        size_t i;
        const json_t* range;
        json_array_foreach(selection, i, range) {
            const json_t* a = json_array_get(range, 0);
            const json_t* b = json_array_get(range, 1);
            if (!json_is_array(range) || json_array_size(range) != 2 || !json_is_integer(a) ||
                !json_is_integer(b) || json_integer_value(a) < 0 || json_integer_value(b) < 0 ||
                json_integer_value(a) > (1LL << 31) || json_integer_value(b) > (1LL << 31)) {
                return fail(ErrorCode::invalid_field,
                            "field 'selection' must be a list of [start, end] pairs");
            }
            m.selection.emplace_back(static_cast<size_t>(json_integer_value(a)),
                                     static_cast<size_t>(json_integer_value(b)));
        }
    }
    return m;
}

}  // namespace

// The protocol's public name for the one id rule, which lives in contract/ids.hpp.
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

namespace {

// The seq of an op whose text Jansson refused for a surrogate escape, so that its author can
// match the refusal: the same text with every surrogate escape made U+FFFD (same length),
// parsed again. One more parse of a message the limits already bound.
std::optional<std::uint64_t> seq_despite_surrogates(std::string_view text) {
    std::string copy(text);
    for (std::size_t i = 0; i + 6 <= copy.size(); ++i) {
        if (copy[i] == '\\' && copy[i + 1] == 'u' && (copy[i + 2] == 'd' || copy[i + 2] == 'D') &&
            std::string_view("89abAB").find(copy[i + 3]) != std::string_view::npos) {
            copy.replace(i + 2, 4, "fffd");
        } else if (copy[i] == '\\') {
            ++i;  // an escaped character: never the start of another escape
        }
    }
    JsonPtr root(json_loadb(copy.data(), copy.size(), JSON_REJECT_DUPLICATES, nullptr));
    const json_t* seq = root ? json_object_get(root.get(), "seq") : nullptr;
    if (seq == nullptr || !json_is_integer(seq) || json_integer_value(seq) < 1) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(json_integer_value(seq));
}

}  // namespace

std::variant<DataMessage, DataError> parse_data_message(std::string_view text,
                                                        const ot::Limits& limits) {
    json_error_t jerror;
    JsonPtr root(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &jerror));
    if (!root && std::string_view(jerror.text).find("nvalid Unicode") != std::string_view::npos) {
        // Jansson refuses a lone surrogate escape ("\ud83d", which JSON.stringify writes for a
        // string cut inside a pair) while parsing: the message is well-formed JSON otherwise,
        // and the rule it breaks is the document's text rule.
        DataError e = fail(ErrorCode::invalid_operation,
                           "a string holds a lone surrogate (" + std::string(jerror.text) + ")");
        e.reason = "lone_surrogate";
        e.seq = seq_despite_surrogates(text);
        return e;
    }
    if (!root || !json_is_object(root.get())) {
        return fail(ErrorCode::malformed_request, "a data-channel message is one JSON object");
    }
    const json_t* type = json_object_get(root.get(), "type");
    if (type == nullptr) {
        // The seed's simple form has no type: {"op": "insert", "char": "x", "pos": 10}.
        if (json_is_string(json_object_get(root.get(), "op"))) {
            auto edit = ot::simple_edit_from_json(root.get());
            if (!edit.ok()) {
                DataError e = fail(ErrorCode::invalid_operation, edit.error().message);
                e.reason = std::string(ot::error_code_name(edit.error().code));
                return e;
            }
            return SimpleOpMessage{std::move(edit.value())};
        }
        return fail(ErrorCode::missing_field, "missing field 'type'");
    }
    if (!json_is_string(type)) {
        return fail(ErrorCode::invalid_field, "field 'type' must be a string");
    }
    const std::string kind = json_string_value(type);
    const json_t* obj = root.get();
    if (kind == "op") {
        return parse_op(obj, limits);
    }
    if (kind == "hello") {
        HelloMessage m;
        DataError error;
        if (!take(client_id_field(obj), m.client_id, error)) {
            return error;
        }
        const json_t* last = json_object_get(obj, "last_revision");
        if (last != nullptr && !json_is_null(last)) {
            std::uint64_t revision = 0;
            if (!take(unsigned_field(obj, "last_revision"), revision, error)) {
                return error;
            }
            m.last_revision = revision;
        }
        return m;
    }
    if (kind == "presence") {
        return parse_presence(obj);
    }
    if (kind == "language") {
        const json_t* v = json_object_get(obj, "language");
        if (v == nullptr) {
            return fail(ErrorCode::missing_field, "missing field 'language'");
        }
        if (!json_is_string(v) || !is_valid_language(json_string_value(v))) {
            return fail(ErrorCode::invalid_field,
                        "field 'language' must be 1 to 32 characters of a-z 0-9 + # . -");
        }
        return LanguageMessage{json_string_value(v)};
    }
    if (kind == "check") {
        CheckMessage m;
        DataError error;
        if (!take(unsigned_field(obj, "revision"), m.revision, error)) {
            return error;
        }
        const json_t* v = json_object_get(obj, "checksum");
        if (!json_is_string(v) || json_string_length(v) != 64) {
            return fail(v == nullptr ? ErrorCode::missing_field : ErrorCode::invalid_field,
                        "field 'checksum' must be 64 hex digits (SHA-256 of the UTF-8 text)");
        }
        m.checksum = json_string_value(v);
        for (char c : m.checksum) {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return fail(ErrorCode::invalid_field, "field 'checksum' must be lowercase hex");
            }
        }
        return m;
    }
    if (kind == "ping") {
        const json_t* t = json_object_get(obj, "t");
        if (t != nullptr && !json_is_number(t)) {
            return fail(ErrorCode::invalid_field, "field 't' must be a number");
        }
        return PingMessage{t != nullptr ? json_number_value(t) : 0.0};
    }
    std::string shown = kind.substr(0, 32);
    for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            c = '?';
        }
    }
    return fail(ErrorCode::unknown_request, "unknown message type '" + shown + "'");
}

std::string error_text(const DataError& error) {
    JsonPtr event = error_event(error.error);
    json_object_del(event.get(), "interview");
    json_object_set_new(event.get(), "type", json_string("error"));
    if (error.seq) {
        json_object_set_new(event.get(), "seq", json_integer(static_cast<json_int_t>(*error.seq)));
    }
    if (!error.reason.empty()) {
        json_object_set_new(event.get(), "reason", json_string(error.reason.c_str()));
    }
    return dump_compact(event.get());
}

namespace {

// {"type":"op",...,"op": up to the op itself, written directly (ops are the messages sent most).
void append_op_envelope(std::string& out, std::uint64_t revision, std::string_view client_id,
                        std::uint64_t seq, std::string_view author) {
    out.append(R"({"type":"op","revision":)");
    util::append_json_unsigned(out, revision);
    out.append(R"(,"client_id":)");
    util::append_json_string(out, client_id);
    out.append(R"(,"seq":)");
    util::append_json_unsigned(out, seq);
    out.append(R"(,"author":)");
    util::append_json_string(out, author);
    out.append(R"(,"op":)");
}

}  // namespace

std::string op_text(std::uint64_t revision, std::string_view client_id, std::uint64_t seq,
                    std::string_view author, const ot::Operation& op) {
    std::string out;
    // About the op's size (measuring it exactly would cost one more walk of its text).
    out.reserve(96 + client_id.size() + author.size() + 8 * op.components().size() +
                op.inserted_text().size());
    append_op_envelope(out, revision, client_id, seq, author);
    ot::append_operation_json(out, op);
    out.push_back('}');
    return out;
}

std::string op_text(std::uint64_t revision, std::string_view client_id, std::uint64_t seq,
                    std::string_view author, std::string_view op_json) {
    std::string out;
    out.reserve(96 + client_id.size() + author.size() + op_json.size());
    append_op_envelope(out, revision, client_id, seq, author);
    out.append(op_json);
    out.push_back('}');
    return out;
}

std::vector<std::string> snapshot_texts(std::uint64_t revision, const std::string& language,
                                        bool read_only, const std::string& text,
                                        std::size_t max_part_bytes) {
    // Parts are cut on code points (so never inside a surrogate pair once decoded) and sized by
    // their escaped JSON length, so that no message can outgrow the data channel's limit. The
    // text is escaped straight into each message, in one pass; "parts" comes after the text
    // (JSON members have no order), since the count is only known at the end.
    max_part_bytes = std::max<std::size_t>(max_part_bytes, 8);  // room for any code point
    std::string head = R"({"type":"snapshot","revision":)";
    util::append_json_unsigned(head, revision);
    head.append(R"(,"language":)");
    util::append_json_string(head, language);
    head.append(read_only ? R"(,"read_only":true,"part":)" : R"(,"read_only":false,"part":)");
    std::vector<std::string> out;
    std::string_view rest(text);
    do {
        std::string m;
        m.reserve(head.size() + 48 + std::min(rest.size(), max_part_bytes));
        m.append(head);
        util::append_json_unsigned(m, out.size());
        m.append(R"(,"text":")");
        rest.remove_prefix(util::append_json_escaped_within(m, rest, max_part_bytes));
        out.push_back(std::move(m));
    } while (!rest.empty());
    std::string tail = R"(","parts":)";
    util::append_json_unsigned(tail, out.size());
    tail.push_back('}');
    for (std::string& m : out) {
        m.append(tail);
    }
    return out;
}

std::string simple_text(const char* type, const char* key, const char* value) {
    JsonPtr m(json_object());
    json_object_set_new(m.get(), "type", json_string(type));
    if (key != nullptr && value != nullptr) {
        json_object_set_new(m.get(), key, json_string(value));
    }
    return dump_compact(m.get());
}

std::string revision_text(const char* type, std::uint64_t revision) {
    JsonPtr m(json_object());
    json_object_set_new(m.get(), "type", json_string(type));
    json_object_set_new(m.get(), "revision", json_integer(static_cast<json_int_t>(revision)));
    return dump_compact(m.get());
}

std::string pong_text(double t) {
    JsonPtr m(json_object());
    json_object_set_new(m.get(), "type", json_string("pong"));
    json_object_set_new(m.get(), "t", std::isfinite(t) ? json_real(t) : json_integer(0));
    return dump_compact(m.get());
}

std::string language_text(const std::string& language, const std::string& by) {
    JsonPtr m(json_object());
    json_object_set_new(m.get(), "type", json_string("language"));
    json_object_set_new(m.get(), "language", json_string(language.c_str()));
    json_object_set_new(m.get(), "by", json_string(by.c_str()));
    return dump_compact(m.get());
}

std::string presence_text(const std::string& participant_id, const std::string& name,
                          const char* role, const char* colour, std::uint64_t revision,
                          std::size_t cursor,
                          const std::vector<std::pair<std::size_t, std::size_t>>& selection) {
    JsonPtr m(json_object());
    json_object_set_new(m.get(), "type", json_string("presence"));
    JsonPtr who(json_object());
    json_object_set_new(who.get(), "id", json_string(participant_id.c_str()));
    json_object_set_new(who.get(), "name", json_string(name.c_str()));
    json_object_set_new(who.get(), "role", json_string(role));
    json_object_set_new(m.get(), "participant", who.release());
    json_object_set_new(m.get(), "colour", json_string(colour));
    json_object_set_new(m.get(), "revision", json_integer(static_cast<json_int_t>(revision)));
    json_object_set_new(m.get(), "cursor", json_integer(static_cast<json_int_t>(cursor)));
    json_t* ranges = json_array();
    for (const auto& [a, b] : selection) {
        json_array_append_new(
            ranges, json_pack("[II]", static_cast<json_int_t>(a), static_cast<json_int_t>(b)));
    }
    json_object_set_new(m.get(), "selection", ranges);
    return dump_compact(m.get());
}

}  // namespace interview::protocol
