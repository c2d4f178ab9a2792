// Writing JSON text straight into a std::string, for the messages the document thread sends
// most and largest (ops, snapshots): no value tree, no allocation per value, integers with
// std::to_chars, strings escaped in runs. The escaping is Jansson's (the other messages are still
// written with Jansson): '"', '\\', \b \f \n \r \t as two characters, the other control
// characters as \u00XX, everything else (UTF-8 included) as is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace interview::util {

/// Bytes the code point at utf16[i] takes inside a JSON string as append_json_string writes
/// it; `units` gets how many code units it spans (2 for a surrogate pair).
std::size_t json_char_size(std::u16string_view utf16, std::size_t i, std::size_t& units) noexcept;
/// Length of append_json_string(out, utf16)'s output, quotes included, without writing it.
std::size_t json_string_size(std::u16string_view utf16) noexcept;

/// Appends `utf8` escaped (without quotes). The caller guarantees valid UTF-8.
void append_json_escaped(std::string& out, std::string_view utf8);
/// Appends `"utf8"`.
void append_json_string(std::string& out, std::string_view utf8);
/// Appends `utf16` as a quoted JSON string of UTF-8 (a lone surrogate becomes U+FFFD).
void append_json_string(std::string& out, std::u16string_view utf16);
void append_json_unsigned(std::string& out, std::uint64_t value);

/// Appends as much of `utf8` as escapes to at most `budget` bytes, cut on a code point boundary,
/// and returns how many bytes of `utf8` that was (0 only when its first code point does not fit).
/// What snapshots are cut with: one pass, plain runs copied whole.
std::size_t append_json_escaped_within(std::string& out, std::string_view utf8, std::size_t budget);

}  // namespace interview::util
