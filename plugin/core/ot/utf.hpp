// UTF-8 <-> UTF-16 conversion. The engine counts in UTF-16 code units (as Monaco and JavaScript
// do) while the wire (JSON) and the Redis copy are UTF-8, so every text crosses this boundary.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ot/result.hpp"

namespace interview::ot {

inline constexpr bool is_high_surrogate(char16_t c) noexcept {
    return c >= 0xD800 && c <= 0xDBFF;
}
inline constexpr bool is_low_surrogate(char16_t c) noexcept {
    return c >= 0xDC00 && c <= 0xDFFF;
}
inline constexpr bool is_surrogate(char16_t c) noexcept {
    return c >= 0xD800 && c <= 0xDFFF;
}

// Strict UTF-8 decode: rejects overlong forms, encoded surrogates (CESU-8), code points beyond
// U+10FFFF and truncated sequences, with the byte offset in the message. NUL is accepted (it is a
// valid character; JSON can carry it as \u0000).
Result<std::u16string> utf8_to_utf16(std::string_view utf8);

// Appends the decoded text to `out` (lets callers reuse a buffer). On error `out` is unchanged.
Status append_utf8_as_utf16(std::string_view utf8, std::u16string& out);

// Appends the UTF-8 encoding of `utf16` to `out`. A lone surrogate (which validation never lets
// into a document) is encoded as U+FFFD so the output is always valid UTF-8.
void append_utf16_as_utf8(std::u16string_view utf16, std::string& out);
// Writes the same at `out`, which has room for utf8_length(utf16) bytes; returns the end.
char* write_utf16_as_utf8(std::u16string_view utf16, char* out) noexcept;
std::string utf16_to_utf8(std::u16string_view utf16);

// Number of UTF-8 bytes `append_utf16_as_utf8` would produce.
std::size_t utf8_length(std::u16string_view utf16) noexcept;

// Index of the first lone surrogate in `s`, or npos.
std::size_t find_lone_surrogate(std::u16string_view s) noexcept;

}  // namespace interview::ot
