#include "ot/json.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "ot/utf.hpp"
#include "util/json_writer.hpp"

namespace interview::ot {

namespace {

std::string element(std::size_t i) {
    return "element " + std::to_string(i) + ": ";
}

}  // namespace

Result<Operation> operation_from_json(util::json::Value value, const Limits& limits) {
    if (!value.is_array()) {
        return make_error(ErrorCode::wrong_type, "an operation must be a JSON array");
    }
    // The count first, as before any element is looked at: a skim over the array's bytes, no
    // decoding, so an op far over the limit costs little more than its scan.
    const std::size_t n = util::json::ArrayReader(value).count_rest(SIZE_MAX);
    if (n > limits.max_components) {
        return make_error(ErrorCode::too_many_components,
                          std::to_string(n) + " components, the limit is " +
                              std::to_string(limits.max_components));
    }
    Operation op;
    op.reserve(n, 0);
    std::u16string text;
    std::size_t inserted = 0;
    util::json::ArrayReader elements(value);
    util::json::Value c;
    for (std::size_t i = 0; elements.next(c); ++i) {
        const util::json::Type type = c.type();
        if (type == util::json::Type::integer) {
            const std::int64_t v = c.integer();
            if (v == 0) {
                return make_error(ErrorCode::invalid_component,
                                  element(i) + "0 is not a component");
            }
            if (v > kMaxJsonInteger || v < -kMaxJsonInteger) {
                return make_error(ErrorCode::integer_out_of_range,
                                  element(i) + std::to_string(v) + " is beyond 2^31 - 1");
            }
            if (v > 0) {
                op.retain(static_cast<std::size_t>(v));
            } else {
                op.erase(static_cast<std::size_t>(-v));
            }
        } else if (type == util::json::Type::string) {
            if (c.string_raw().empty()) {
                return make_error(ErrorCode::invalid_component,
                                  element(i) + "an empty insert is not a component");
            }
            // The scan checked the UTF-8 and the escapes: decoding cannot fail.
            text.clear();
            c.append_string_utf16(text);
            inserted += text.size();
            if (inserted > limits.max_insert_units) {
                return make_error(ErrorCode::insert_too_large,
                                  element(i) + "more than " +
                                      std::to_string(limits.max_insert_units) +
                                      " code units inserted");
            }
            op.insert(text);
        } else if (type == util::json::Type::real) {
            return make_error(ErrorCode::invalid_component,
                              element(i) + "a component length must be an integer");
        } else {
            return make_error(ErrorCode::wrong_type,
                              element(i) + "expected an integer or a string");
        }
    }
    return op;
}

Result<Operation> operation_from_json_text(std::string_view text, const Limits& limits) {
    // As json_loadb(JSON_DECODE_ANY) did: a bare scalar reports wrong_type, not a syntax error;
    // duplicate keys (only possible inside a wrong element) are no syntax error either.
    const auto doc = util::json::Document::scan(
        text, util::json::ScanOptions{.any_value = true, .reject_duplicates = false});
    if (!doc.ok()) {
        return make_error(ErrorCode::invalid_json, "invalid JSON: " + doc.error());
    }
    return operation_from_json(doc.root(), limits);
}

void append_operation_json(std::string& out, const Operation& op) {
    out.push_back('[');
    bool first = true;
    for (const Component& c : op.components()) {
        if (!first) {
            out.push_back(',');
        }
        first = false;
        switch (c.kind) {
            case Kind::retain:
                util::append_json_unsigned(out, c.length);
                break;
            case Kind::erase:
                out.push_back('-');
                util::append_json_unsigned(out, c.length);
                break;
            case Kind::insert:
                util::append_json_string(out, op.text(c));
                break;
        }
    }
    out.push_back(']');
}

std::string operation_to_json_text(const Operation& op) {
    std::string out;
    out.reserve(8 * op.components().size() + op.inserted_text().size() + 2);  // about its size
    append_operation_json(out, op);
    return out;
}

namespace {

std::size_t digits(std::size_t n) noexcept {
    std::size_t d = 1;
    while (n >= 10) {
        n /= 10;
        ++d;
    }
    return d;
}

std::size_t component_json_size(const Operation& op, const Component& c) noexcept {
    switch (c.kind) {
        case Kind::retain:
            return digits(c.length);
        case Kind::erase:
            return digits(c.length) + 1;
        case Kind::insert:
            return util::json_string_size(op.text(c));
    }
    return 0;
}

}  // namespace

std::size_t operation_json_size(const Operation& op) noexcept {
    const auto& comps = op.components();
    std::size_t n = 2 + (comps.empty() ? 0 : comps.size() - 1);  // brackets and commas
    for (const Component& c : comps) {
        n += component_json_size(op, c);
    }
    return n;
}

std::vector<Operation> split_operation_for_json(const Operation& op, std::size_t max_bytes,
                                                std::size_t max_components) {
    max_bytes = std::max<std::size_t>(max_bytes, 64);
    max_components = std::max<std::size_t>(max_components, 8);
    if (operation_json_size(op) <= max_bytes && op.components().size() <= max_components) {
        return {op};
    }
    // Each piece is [retain(done), ...its components..., retain(rest)]; 2 brackets, and two
    // retains of at most 10 digits with their commas, are kept free.
    const std::size_t budget = max_bytes - 2 - 2 * 11;
    std::vector<Operation> pieces;
    std::size_t done = 0;                 // target length produced by earlier pieces
    std::size_t rest = op.base_length();  // base length not yet walked
    Operation piece;
    std::size_t used = 0;
    std::size_t piece_start = 0;
    auto flush = [&] {
        if (used == 0) {
            return;
        }
        Operation out;
        out.retain(piece_start);
        for (const Component& c : piece.components()) {
            switch (c.kind) {
                case Kind::retain:
                    out.retain(c.length);
                    break;
                case Kind::erase:
                    out.erase(c.length);
                    break;
                case Kind::insert:
                    out.insert(piece.text(c));
                    break;
            }
        }
        out.retain(rest);
        pieces.push_back(std::move(out));
        piece.clear();
        used = 0;
        piece_start = done;
    };
    for (const Component& c : op.components()) {
        // Room for this one and the two retains around the piece.
        if (piece.components().size() + 3 > max_components) {
            flush();
        }
        if (c.kind != Kind::insert) {
            const std::size_t size = component_json_size(op, c) + 1;
            if (used + size > budget) {
                flush();
            }
            if (c.kind == Kind::retain) {
                piece.retain(c.length);
                done += c.length;
            } else {
                piece.erase(c.length);
            }
            rest -= c.length;
            used += size;
            continue;
        }
        const std::u16string_view text = op.text(c);
        std::size_t from = 0;
        while (from < text.size()) {
            if (used + 3 + 6 > budget) {  // not even one more character fits
                flush();
            }
            std::size_t to = from;
            std::size_t size = used + 3;  // quotes and comma
            while (to < text.size()) {
                std::size_t units = 0;
                const std::size_t s = util::json_char_size(text, to, units);
                if (size + s > budget) {
                    break;
                }
                size += s;
                to += units;
            }
            piece.insert(text.substr(from, to - from));
            done += to - from;
            used = size;
            from = to;
            if (from < text.size()) {
                flush();
            }
        }
    }
    flush();
    return pieces;
}

namespace {

// Reads an optional non-negative integer field; `present` tells whether it was there.
Status read_count(const util::json::Document& obj, const char* name, std::size_t& out,
                  bool& present) {
    const auto v = obj.get(name);
    present = v.has_value();
    if (!v) {
        return Ok{};
    }
    if (!v->is_integer()) {
        return make_error(v->is_real() ? ErrorCode::invalid_field : ErrorCode::wrong_type,
                          std::string("\"") + name + "\" must be an integer");
    }
    const std::int64_t x = v->integer();
    if (x < 0) {
        return make_error(ErrorCode::invalid_field, std::string("\"") + name + "\" is negative");
    }
    if (x > kMaxJsonInteger) {
        return make_error(ErrorCode::integer_out_of_range,
                          std::string("\"") + name + "\" is beyond 2^31 - 1");
    }
    out = static_cast<std::size_t>(x);
    return Ok{};
}

}  // namespace

Result<SimpleEdit> simple_edit_from_json(const util::json::Document& obj) {
    if (!obj.readable() || !obj.root().is_object()) {
        return make_error(ErrorCode::wrong_type, "a simple edit must be a JSON object");
    }
    const auto type = obj.get("op");
    if (!type) {
        return make_error(ErrorCode::missing_field, "missing \"op\"");
    }
    if (!type->is_string()) {
        return make_error(ErrorCode::wrong_type, "\"op\" must be a string");
    }
    const std::string t = type->string();
    SimpleEdit edit;
    bool present = false;
    if (auto st = read_count(obj, "pos", edit.pos, present); !st) {
        return std::move(st).error();
    }
    if (!present) {
        return make_error(ErrorCode::missing_field, "missing \"pos\"");
    }
    if (t == "insert") {
        edit.type = SimpleEdit::Type::insert;
        const auto ch = obj.get("char");
        if (!ch) {
            return make_error(ErrorCode::missing_field, "missing \"char\"");
        }
        if (!ch->is_string()) {
            return make_error(ErrorCode::wrong_type, "\"char\" must be a string");
        }
        if (ch->string_raw().empty()) {
            return make_error(ErrorCode::invalid_field, "\"char\" is empty");
        }
        ch->append_string_utf16(edit.text);  // valid UTF-8: the scan checked it
        edit.count = 0;
    } else if (t == "delete") {
        edit.type = SimpleEdit::Type::erase;
        edit.count = 1;
        if (auto st = read_count(obj, "count", edit.count, present); !st) {
            return std::move(st).error();
        }
        if (edit.count == 0) {
            return make_error(ErrorCode::invalid_field, "\"count\" must be at least 1");
        }
    } else {
        return make_error(ErrorCode::invalid_field,
                          "\"op\" must be \"insert\" or \"delete\", got \"" + t + "\"");
    }
    return edit;
}

Result<Operation> simple_edit_to_operation(const SimpleEdit& edit, const TextBuffer& doc) {
    const std::size_t len = doc.length();
    if (edit.pos > len) {
        return make_error(ErrorCode::position_out_of_range, "pos " + std::to_string(edit.pos) +
                                                                " is beyond the document length " +
                                                                std::to_string(len));
    }
    if (doc.splits_pair(edit.pos)) {
        return make_error(ErrorCode::splits_surrogate_pair,
                          "pos " + std::to_string(edit.pos) + " is inside a surrogate pair");
    }
    if (edit.type == SimpleEdit::Type::insert) {
        return make_replace(len, edit.pos, 0, edit.text);
    }
    if (edit.count > len - edit.pos) {
        return make_error(ErrorCode::position_out_of_range,
                          "delete of " + std::to_string(edit.count) + " at " +
                              std::to_string(edit.pos) + " runs past the document length " +
                              std::to_string(len));
    }
    if (doc.splits_pair(edit.pos + edit.count)) {
        return make_error(ErrorCode::splits_surrogate_pair,
                          "delete of " + std::to_string(edit.count) + " at " +
                              std::to_string(edit.pos) + " ends inside a surrogate pair");
    }
    return make_replace(len, edit.pos, edit.count, u"");
}

}  // namespace interview::ot
