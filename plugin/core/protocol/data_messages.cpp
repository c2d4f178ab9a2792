#include "protocol/data_messages.hpp"

#include <cmath>

#include "json_text.hpp"
#include "util/ids.hpp"

namespace interview::protocol {

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

std::string op_text(std::uint64_t revision, std::string_view client_id, std::uint64_t seq,
                    std::string_view author, const ot::Operation& op) {
    JsonPtr m(json_object());
    json_object_set_new(m.get(), "type", json_string("op"));
    json_object_set_new(m.get(), "revision", json_integer(static_cast<json_int_t>(revision)));
    json_object_set_new(m.get(), "client_id", json_stringn(client_id.data(), client_id.size()));
    json_object_set_new(m.get(), "seq", json_integer(static_cast<json_int_t>(seq)));
    json_object_set_new(m.get(), "author", json_stringn(author.data(), author.size()));
    json_object_set_new(m.get(), "op", ot::operation_to_json(op).release());
    return dump_compact(m.get());
}

namespace {

/// Bytes one code point takes inside a JSON string as Jansson writes it (UTF-8 kept as is).
size_t escaped_size(const std::string& text, size_t at, size_t& length) {
    const auto c = static_cast<unsigned char>(text[at]);
    length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (at + length > text.size()) {
        length = text.size() - at;
    }
    if (c == '"' || c == '\\' || c == '\n' || c == '\t' || c == '\b' || c == '\f' || c == '\r' ||
        c == '/') {
        return 2;
    }
    return c < 0x20 ? 6 : length;
}

}  // namespace

std::vector<std::string> snapshot_texts(std::uint64_t revision, const std::string& language,
                                        bool read_only, const std::string& text,
                                        std::size_t max_part_bytes) {
    // Parts are cut on code points (so never inside a surrogate pair once decoded) and sized by
    // their escaped JSON length, so that no message can outgrow the data channel's limit.
    std::vector<std::pair<size_t, size_t>> parts;
    size_t at = 0;
    do {
        const size_t start = at;
        size_t budget = 0;
        while (at < text.size()) {
            size_t length = 0;
            const size_t cost = escaped_size(text, at, length);
            if (budget + cost > max_part_bytes && at > start) {
                break;
            }
            budget += cost;
            at += length;
        }
        parts.emplace_back(start, at - start);
    } while (at < text.size());
    std::vector<std::string> out;
    for (size_t i = 0; i < parts.size(); ++i) {
        JsonPtr m(json_object());
        json_object_set_new(m.get(), "type", json_string("snapshot"));
        json_object_set_new(m.get(), "revision", json_integer(static_cast<json_int_t>(revision)));
        json_object_set_new(m.get(), "language", json_string(language.c_str()));
        json_object_set_new(m.get(), "read_only", json_boolean(read_only));
        json_object_set_new(m.get(), "part", json_integer(static_cast<json_int_t>(i)));
        json_object_set_new(m.get(), "parts", json_integer(static_cast<json_int_t>(parts.size())));
        json_object_set_new(m.get(), "text",
                            json_stringn(text.data() + parts[i].first, parts[i].second));
        out.push_back(dump_compact(m.get()));
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
