// The data-channel parser as it was before util/json_reader: Jansson trees (json_loadb with
// JSON_REJECT_DUPLICATES), then conversion. Kept only as the reference of the differential tests
// in data_message_parser_test.cpp, unchanged but for its namespace.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "json_ptr.hpp"
#include "ot/json.hpp"
#include "ot/utf.hpp"
#include "protocol/data_messages.hpp"
#include "contract/ids.hpp"

namespace interview::reference {

using interview::protocol::ApiError;
using interview::protocol::CheckMessage;
using interview::protocol::DataError;
using interview::protocol::DataMessage;
using interview::protocol::ErrorCode;
using interview::protocol::HelloMessage;
using interview::protocol::is_valid_language;
using interview::protocol::LanguageMessage;
using interview::protocol::OpMessage;
using interview::protocol::PingMessage;
using interview::protocol::PresenceMessage;
using interview::protocol::SimpleOpMessage;
using interview::ot::Error;
using interview::ot::kMaxJsonInteger;
using interview::ot::Limits;
using interview::ot::make_error;
using interview::ot::Ok;
using interview::ot::Operation;
using interview::ot::Result;
using interview::ot::SimpleEdit;
using interview::ot::Status;
using OtErrorCode = interview::ot::ErrorCode;

namespace {

std::string element(std::size_t i) {
    return "element " + std::to_string(i) + ": ";
}

Result<Operation> operation_from_json(const json_t* value, const Limits& limits) {
    if (value == nullptr || !json_is_array(value)) {
        return make_error(OtErrorCode::wrong_type, "an operation must be a JSON array");
    }
    const std::size_t n = json_array_size(value);
    if (n > limits.max_components) {
        return make_error(OtErrorCode::too_many_components,
                          std::to_string(n) + " components, the limit is " +
                              std::to_string(limits.max_components));
    }
    Operation op;
    op.reserve(n, 0);
    std::u16string text;
    std::size_t inserted = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const json_t* c = json_array_get(value, i);
        if (json_is_integer(c)) {
            const json_int_t v = json_integer_value(c);
            if (v == 0) {
                return make_error(OtErrorCode::invalid_component,
                                  element(i) + "0 is not a component");
            }
            if (v > kMaxJsonInteger || v < -kMaxJsonInteger) {
                return make_error(OtErrorCode::integer_out_of_range,
                                  element(i) + std::to_string(v) + " is beyond 2^31 - 1");
            }
            if (v > 0) {
                op.retain(static_cast<std::size_t>(v));
            } else {
                op.erase(static_cast<std::size_t>(-v));
            }
        } else if (json_is_string(c)) {
            const std::string_view utf8(json_string_value(c), json_string_length(c));
            if (utf8.empty()) {
                return make_error(OtErrorCode::invalid_component,
                                  element(i) + "an empty insert is not a component");
            }
            text.clear();
            if (auto st = ot::append_utf8_as_utf16(utf8, text); !st) {
                Error e = std::move(st).error();
                e.message = element(i) + e.message;
                return e;
            }
            inserted += text.size();
            if (inserted > limits.max_insert_units) {
                return make_error(OtErrorCode::insert_too_large,
                                  element(i) + "more than " +
                                      std::to_string(limits.max_insert_units) +
                                      " code units inserted");
            }
            op.insert(text);
        } else if (json_is_real(c)) {
            return make_error(OtErrorCode::invalid_component,
                              element(i) + "a component length must be an integer");
        } else {
            return make_error(OtErrorCode::wrong_type,
                              element(i) + "expected an integer or a string");
        }
    }
    return op;
}

Result<Operation> operation_from_json_text(std::string_view text, const Limits& limits) {
    json_error_t err;
    // JSON_DISABLE_EOF_CHECK off, JSON_DECODE_ANY so a bare scalar reports wrong_type, not a
    // syntax error.
    JsonPtr root = json_take(json_loadb(text.data(), text.size(), JSON_DECODE_ANY, &err));
    if (!root) {
        return make_error(OtErrorCode::invalid_json, std::string("invalid JSON: ") + err.text);
    }
    return operation_from_json(root.get(), limits);
}

// Reads an optional non-negative integer field; `present` tells whether it was there.
Status read_count(const json_t* obj, const char* name, std::size_t& out, bool& present) {
    const json_t* v = json_object_get(obj, name);
    present = v != nullptr;
    if (v == nullptr) {
        return Ok{};
    }
    if (!json_is_integer(v)) {
        return make_error(json_is_real(v) ? OtErrorCode::invalid_field : OtErrorCode::wrong_type,
                          std::string("\"") + name + "\" must be an integer");
    }
    const json_int_t x = json_integer_value(v);
    if (x < 0) {
        return make_error(OtErrorCode::invalid_field, std::string("\"") + name + "\" is negative");
    }
    if (x > kMaxJsonInteger) {
        return make_error(OtErrorCode::integer_out_of_range,
                          std::string("\"") + name + "\" is beyond 2^31 - 1");
    }
    out = static_cast<std::size_t>(x);
    return Ok{};
}

Result<SimpleEdit> simple_edit_from_json(const json_t* obj) {
    if (obj == nullptr || !json_is_object(obj)) {
        return make_error(OtErrorCode::wrong_type, "a simple edit must be a JSON object");
    }
    const json_t* type = json_object_get(obj, "op");
    if (type == nullptr) {
        return make_error(OtErrorCode::missing_field, "missing \"op\"");
    }
    if (!json_is_string(type)) {
        return make_error(OtErrorCode::wrong_type, "\"op\" must be a string");
    }
    const std::string_view t(json_string_value(type), json_string_length(type));
    SimpleEdit edit;
    bool present = false;
    if (auto st = read_count(obj, "pos", edit.pos, present); !st) {
        return std::move(st).error();
    }
    if (!present) {
        return make_error(OtErrorCode::missing_field, "missing \"pos\"");
    }
    if (t == "insert") {
        edit.type = SimpleEdit::Type::insert;
        const json_t* ch = json_object_get(obj, "char");
        if (ch == nullptr) {
            return make_error(OtErrorCode::missing_field, "missing \"char\"");
        }
        if (!json_is_string(ch)) {
            return make_error(OtErrorCode::wrong_type, "\"char\" must be a string");
        }
        const std::string_view utf8(json_string_value(ch), json_string_length(ch));
        if (utf8.empty()) {
            return make_error(OtErrorCode::invalid_field, "\"char\" is empty");
        }
        auto text = ot::utf8_to_utf16(utf8);
        if (!text) {
            return std::move(text).error();
        }
        edit.text = std::move(*text);
        edit.count = 0;
    } else if (t == "delete") {
        edit.type = SimpleEdit::Type::erase;
        edit.count = 1;
        if (auto st = read_count(obj, "count", edit.count, present); !st) {
            return std::move(st).error();
        }
        if (edit.count == 0) {
            return make_error(OtErrorCode::invalid_field, "\"count\" must be at least 1");
        }
    } else {
        return make_error(
            OtErrorCode::invalid_field,
            "\"op\" must be \"insert\" or \"delete\", got \"" + std::string(t) + "\"");
    }
    return edit;
}

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
    auto parsed = operation_from_json(op, limits);
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
            auto edit = simple_edit_from_json(root.get());
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

}  // namespace
}  // namespace interview::reference
