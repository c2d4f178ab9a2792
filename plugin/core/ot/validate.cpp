#include "ot/validate.hpp"

#include <string>

#include "ot/utf.hpp"

namespace interview::ot {

namespace {

std::string at_unit(std::size_t i) {
    return " at code unit " + std::to_string(i);
}

}  // namespace

namespace {

// One pass over inserted text: the rules (no CR, no lone surrogate) and its UTF-8 size together,
// since this runs on every submitted operation.
Status check_text(std::u16string_view t, std::size_t& utf8_bytes) {
    const std::size_t n = t.size();
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char16_t c = t[i];
        if (c < 0x80) {
            if (c == u'\r') {
                return make_error(ErrorCode::carriage_return, "text contains CR" + at_unit(i));
            }
            bytes += 1;
        } else if (c < 0x800) {
            bytes += 2;
        } else if (c < 0xD800 || c > 0xDFFF) {
            bytes += 3;
        } else if (is_high_surrogate(c) && i + 1 < n && is_low_surrogate(t[i + 1])) {
            bytes += 4;
            ++i;
        } else {
            return make_error(ErrorCode::lone_surrogate,
                              "text contains a lone surrogate" + at_unit(i));
        }
    }
    utf8_bytes = bytes;
    return Ok{};
}

}  // namespace

Status validate_text(std::u16string_view t) {
    std::size_t bytes = 0;
    return check_text(t, bytes);
}

Status validate(const Operation& op, const TextBuffer& doc, const Limits& limits) {
    const auto& comps = op.components();
    if (comps.size() > limits.max_components) {
        return make_error(ErrorCode::too_many_components,
                          std::to_string(comps.size()) + " components, the limit is " +
                              std::to_string(limits.max_components));
    }
    if (op.base_length() != doc.length()) {
        return make_error(ErrorCode::base_length_mismatch,
                          "operation traverses " + std::to_string(op.base_length()) +
                              " code units but the document has " + std::to_string(doc.length()));
    }
    if (op.inserted_text().size() > limits.max_insert_units) {
        return make_error(ErrorCode::insert_too_large,
                          "operation inserts " + std::to_string(op.inserted_text().size()) +
                              " code units, the limit is " +
                              std::to_string(limits.max_insert_units));
    }
    std::size_t pos = 0;
    std::size_t added = 0;
    std::size_t removed = 0;
    for (const Component& c : comps) {
        switch (c.kind) {
            case Kind::retain:
                pos += c.length;
                break;
            case Kind::insert: {
                std::size_t bytes = 0;
                if (auto st = check_text(op.text(c), bytes); !st) {
                    return st;
                }
                if (doc.splits_pair(pos)) {
                    return make_error(ErrorCode::splits_surrogate_pair,
                                      "insert inside a surrogate pair" + at_unit(pos));
                }
                added += bytes;
                break;
            }
            case Kind::erase:
                if (doc.splits_pair(pos) || doc.splits_pair(pos + c.length)) {
                    return make_error(ErrorCode::splits_surrogate_pair,
                                      "delete of " + std::to_string(c.length) +
                                          " units splits a surrogate pair" + at_unit(pos));
                }
                removed += doc.utf8_length(pos, c.length);
                pos += c.length;
                break;
        }
    }
    const std::size_t before = doc.utf8_size();
    const std::size_t after = before - removed + added;
    if (after > limits.max_document_bytes && after > before) {
        return make_error(ErrorCode::too_large, "document would be " + std::to_string(after) +
                                                    " UTF-8 bytes, the limit is " +
                                                    std::to_string(limits.max_document_bytes));
    }
    return Ok{};
}

Status validate_document(const TextBuffer& doc, const Limits& limits) {
    if (doc.utf8_size() > limits.max_document_bytes) {
        return make_error(ErrorCode::too_large, "document is " + std::to_string(doc.utf8_size()) +
                                                    " UTF-8 bytes, the limit is " +
                                                    std::to_string(limits.max_document_bytes));
    }
    // Unit by unit through at(): O(n), no second copy of a 1 MiB document.
    const std::size_t n = doc.length();
    for (std::size_t i = 0; i < n; ++i) {
        const char16_t c = doc.at(i);
        if (c == u'\r') {
            return make_error(ErrorCode::carriage_return, "document contains CR" + at_unit(i));
        }
        if (!is_surrogate(c)) {
            continue;
        }
        if (is_high_surrogate(c) && i + 1 < n && is_low_surrogate(doc.at(i + 1))) {
            ++i;
            continue;
        }
        return make_error(ErrorCode::lone_surrogate,
                          "document contains a lone surrogate" + at_unit(i));
    }
    return Ok{};
}

}  // namespace interview::ot
