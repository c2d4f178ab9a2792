// The OT conformance vectors (tests/data/ot-vectors/, see its README): what the C++ engine
// answers for one case's inputs. vectors_test.cpp compares these answers with the stored ones;
// ot_vectors_tool prints them for tests/data/ot-vectors/generate.py, which takes the C++ engine
// as the reference for every expected result.
#pragma once

#include <jansson.h>

#include <string>
#include <string_view>

#include "json_ptr.hpp"
#include "json_text.hpp"
#include "ot/json.hpp"
#include "ot/operation.hpp"
#include "ot/utf.hpp"

namespace interview::ot::vectors {

// The vectors test the algorithm, not the caps of validate.hpp: none gets in the way.
inline Limits wide_limits() {
    Limits l;
    l.max_components = 1u << 30;
    l.max_insert_units = 1u << 30;
    return l;
}

inline JsonPtr op_to_json(const Operation& op) {
    const std::string text = operation_to_json_text(op);
    return json_take(json_loadb(text.data(), text.size(), 0, nullptr));
}

inline JsonPtr string_to_json(std::u16string_view s) {
    const std::string utf8 = utf16_to_utf8(s);
    return json_take(json_stringn(utf8.data(), utf8.size()));
}

inline JsonPtr error_answer(const Error& e) {
    const std::string_view name = error_code_name(e.code);
    return json_take(json_pack("{s:s%}", "error", name.data(), name.size()));
}

// The case's inputs as the engine sees them; `problem` says what is wrong with a malformed case.
inline bool read_op(const json_t* c, const char* key, Operation& out, std::string& problem) {
    const json_t* value = json_object_get(c, key);
    if (value == nullptr) {
        problem = std::string("\"") + key + "\" is missing";
        return false;
    }
    // Through the same text parser as the wire: the vectors' JSON written back compactly.
    auto op = operation_from_json_text(dump_compact(value), wide_limits());
    if (!op) {
        problem = std::string("\"") + key + "\": " + op.error().message;
        return false;
    }
    out = std::move(*op);
    return true;
}

inline bool read_text(const json_t* c, const char* key, std::u16string& out, std::string& problem) {
    const json_t* v = json_object_get(c, key);
    if (!json_is_string(v)) {
        problem = std::string("\"") + key + "\" is not a string";
        return false;
    }
    auto text = utf8_to_utf16(std::string_view(json_string_value(v), json_string_length(v)));
    if (!text) {
        problem = std::string("\"") + key + "\": " + text.error().message;
        return false;
    }
    out = std::move(*text);
    return true;
}

// The answer for case `c` of kind "apply", "compose", "transform" or "cursor", with the keys the
// vector files use for expected results: apply {"result": text}, compose {"ab": op}, transform
// {"a_prime": op, "b_prime": op}, cursor {"result": position}, or {"error": code name}. Null
// (and `problem` set) when the case is malformed.
inline JsonPtr answer(std::string_view kind, const json_t* c, std::string& problem) {
    if (kind == "apply") {
        std::u16string doc;
        Operation op;
        if (!read_text(c, "doc", doc, problem) || !read_op(c, "op", op, problem)) {
            return nullptr;
        }
        auto r = ot::apply(op, doc);
        if (!r) {
            return error_answer(r.error());
        }
        JsonPtr out = json_take(json_object());
        json_object_set_new(out.get(), "result", string_to_json(*r).release());
        return out;
    }
    if (kind == "compose") {
        Operation a;
        Operation b;
        if (!read_op(c, "a", a, problem) || !read_op(c, "b", b, problem)) {
            return nullptr;
        }
        auto r = ot::compose(a, b);
        if (!r) {
            return error_answer(r.error());
        }
        JsonPtr out = json_take(json_object());
        json_object_set_new(out.get(), "ab", op_to_json(*r).release());
        return out;
    }
    if (kind == "transform") {
        Operation a;
        Operation b;
        if (!read_op(c, "a", a, problem) || !read_op(c, "b", b, problem)) {
            return nullptr;
        }
        auto r = ot::transform(a, b);
        if (!r) {
            return error_answer(r.error());
        }
        JsonPtr out = json_take(json_object());
        json_object_set_new(out.get(), "a_prime", op_to_json(r->first).release());
        json_object_set_new(out.get(), "b_prime", op_to_json(r->second).release());
        return out;
    }
    if (kind == "cursor") {
        Operation op;
        if (!read_op(c, "op", op, problem)) {
            return nullptr;
        }
        const json_t* pos = json_object_get(c, "pos");
        const json_t* own = json_object_get(c, "own");
        if (!json_is_integer(pos) || json_integer_value(pos) < 0 || !json_is_boolean(own)) {
            problem = "\"pos\" must be a non-negative integer and \"own\" a boolean";
            return nullptr;
        }
        const std::size_t p = ot::transform_position(
            static_cast<std::size_t>(json_integer_value(pos)), op, json_is_true(own));
        return json_take(json_pack("{s:I}", "result", static_cast<json_int_t>(p)));
    }
    problem = "unknown kind \"" + std::string(kind) + "\"";
    return nullptr;
}

// The keys of the expected results; a case holds those of its answer and no other.
inline constexpr const char* kAnswerKeys[] = {"result", "ab", "a_prime", "b_prime", "error"};

}  // namespace interview::ot::vectors
