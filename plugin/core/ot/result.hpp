// Error codes and a small Result type for the OT engine. GCC 12's C++20 has no std::expected, and
// the public API must not throw (callers are Janus callbacks), so every fallible function returns
// Result<T>: either a value or an Error with a stable machine-readable code and a human message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace interview::ot {

// Stable codes: their snake_case names (error_code_name) go on the wire, so never renumber or
// rename them. The README in this folder has the table with their meaning.
enum class ErrorCode : std::uint8_t {
    invalid_json,           // not JSON at all / not the expected JSON shape
    wrong_type,             // a JSON value of the wrong type (e.g. true, null, object in an op)
    invalid_component,      // a retain/delete of 0, a non-integer number
    integer_out_of_range,   // |n| >= 2^31, or a position/count beyond 2^31
    invalid_utf8,           // text that is not valid UTF-8 (incl. overlong, surrogates, > U+10FFFF)
    missing_field,          // simple form: a required field is absent
    invalid_field,          // simple form: a field has a bad value (unknown "op", empty "char")
    position_out_of_range,  // simple form: pos/count beyond the document
    base_length_mismatch,   // the operation does not traverse exactly the current document
    splits_surrogate_pair,  // a retain/delete/insert boundary falls inside a surrogate pair
    lone_surrogate,         // inserted text contains an unpaired UTF-16 surrogate
    carriage_return,        // inserted text contains '\r' (documents are LF-only)
    insert_too_large,       // one operation inserts more than Limits::max_insert_units
    too_large,              // the document would exceed Limits::max_document_bytes (UTF-8)
    too_many_components,    // more than Limits::max_components components
    invalid_seq,            // seq 0 (seqs start at 1)
    invalid_client_id,      // empty client id or longer than Limits::max_client_id_bytes
    revision_in_future,     // base revision newer than the authority's current revision
    invalid_state,          // restore(): log entries not contiguous or not matching the snapshot
};

// "base_length_mismatch" etc.
std::string_view error_code_name(ErrorCode code) noexcept;

struct Error {
    ErrorCode code;
    std::string message;
};

// Either a T or an Error. Deliberately minimal: ok(), value(), error(), operator bool.
template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value)
        : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }

    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

  private:
    std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace interview::ot
