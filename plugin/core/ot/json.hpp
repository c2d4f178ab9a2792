// JSON wire forms of an operation (Jansson).
//
// Full form, as ot.js's toJSON: an array where a positive integer n is "retain n", a negative
// integer -n is "delete n" and a string is "insert" (UTF-8 in JSON, counted in UTF-16 code units
// once decoded). Example: [10, "hi", -3, 5] on a 18-unit document.
//
// Simple form (the seed's message shape, kept so the simplest client still works):
//   {"op": "insert", "char": "x", "pos": 10}    "char" may be any non-empty string
//   {"op": "delete", "pos": 10, "count": 1}     "count" defaults to 1
// It becomes a full operation against the current document (simple_edit_to_operation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "json_ptr.hpp"
#include "ot/operation.hpp"
#include "ot/result.hpp"
#include "ot/text_buffer.hpp"
#include "ot/validate.hpp"
#include "util/json_reader.hpp"

namespace interview::ot {

// Largest integer accepted anywhere in an operation (positions, counts, retain/delete lengths).
inline constexpr long long kMaxJsonInteger = (1LL << 31) - 1;

// Strict parse of the full form, read straight from a scanned text (util/json_reader.hpp) into
// the Operation. Errors: wrong_type (not an array, or an element that is neither an integer nor a
// string), invalid_component (0, or a real number), integer_out_of_range (|n| > 2^31 - 1),
// too_many_components (checked first, on the element count), insert_too_large. The result is in
// normal form (adjacent equal components merged). Base length is checked later against the
// document.
Result<Operation> operation_from_json(util::json::Value value, const Limits& limits = {});
// Parses JSON text first, as json_loadb with JSON_DECODE_ANY (invalid_json on a syntax error or a
// lone surrogate escape; a scalar is wrong_type).
Result<Operation> operation_from_json_text(std::string_view text, const Limits& limits = {});

// The full form's compact text (Jansson's escaping), written directly: no value tree.
void append_operation_json(std::string& out, const Operation& op);
std::string operation_to_json_text(const Operation& op);

// Length of operation_to_json_text(op), computed without building it.
std::size_t operation_json_size(const Operation& op) noexcept;
// Splits `op` into operations to apply one after the other (each on the result of the previous)
// whose JSON is at most `max_bytes` long (at least 64) and that have at most `max_components`
// components (at least 8); their effect is exactly op's. An insert longer than that is cut
// between code points. One piece when op fits already.
std::vector<Operation> split_operation_for_json(const Operation& op, std::size_t max_bytes,
                                                std::size_t max_components = SIZE_MAX);

struct SimpleEdit {
    enum class Type { insert, erase };
    Type type = Type::insert;
    std::size_t pos = 0;
    std::size_t count = 1;  // erase only
    std::u16string text;    // insert only
};

// Strict parse of the simple form from a scanned JSON object, the message itself (its other fields
// are ignored). Errors: wrong_type, missing_field, invalid_field, integer_out_of_range.
Result<SimpleEdit> simple_edit_from_json(const util::json::Document& message);

// The full operation for `edit` on `doc`. Errors: position_out_of_range (pos > length, or
// pos + count > length), splits_surrogate_pair. Text rules (CR, lone surrogates) and the caps are
// left to validate(), which the authority runs on every operation anyway.
Result<Operation> simple_edit_to_operation(const SimpleEdit& edit, const TextBuffer& doc);

}  // namespace interview::ot
