#include "protocol/data_messages.hpp"

#include <algorithm>
#include <cmath>

#include "json_text.hpp"
#include "util/json_writer.hpp"

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
