// Character and number rules shared by the JSON reader's scan (json_scan.cpp) and its value
// decoders (json_reader.cpp). Internal to util/json_*.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <string_view>
#include <system_error>

namespace interview::util::json::detail {

constexpr bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr int hex_digit(char c) noexcept {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}
// Four hex digits the scan already checked.
inline unsigned hex4(const char* p) noexcept {
    return static_cast<unsigned>(hex_digit(p[0]) << 12 | hex_digit(p[1]) << 8 |
                                 hex_digit(p[2]) << 4 | hex_digit(p[3]));
}
constexpr bool is_high(unsigned u) noexcept {
    return u >= 0xD800 && u <= 0xDBFF;
}
constexpr bool is_low(unsigned u) noexcept {
    return u >= 0xDC00 && u <= 0xDFFF;
}

// Bytes inside a string that need a look: the quote, the backslash, control characters and
// anything non-ASCII. Everything else is copied or skipped in runs.
struct ByteTable {
    bool special[256] = {};
    constexpr ByteTable() {
        for (int c = 0; c < 256; ++c) {
            special[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
        }
    }
};
constexpr ByteTable kBytes;

inline bool special(char c) noexcept {
    return kBytes.special[static_cast<unsigned char>(c)];
}

// Length of the valid UTF-8 sequence at p (strict: no overlong form, no encoded surrogate,
// nothing past U+10FFFF, as Jansson's utf8_check_full), or 0.
inline std::size_t utf8_sequence(const char* p, const char* end) noexcept {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
    const unsigned c = b(0);
    const auto cont = [&](std::size_t i, unsigned lo, unsigned hi) {
        return p + i < end && b(i) >= lo && b(i) <= hi;
    };
    if (c < 0x80) {
        return 1;
    }
    if (c < 0xC2) {
        return 0;
    }
    if (c < 0xE0) {
        return cont(1, 0x80, 0xBF) ? 2 : 0;
    }
    if (c < 0xF0) {
        const unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
        const unsigned hi = c == 0xED ? 0x9F : 0xBF;
        return cont(1, lo, hi) && cont(2, 0x80, 0xBF) ? 3 : 0;
    }
    if (c < 0xF5) {
        const unsigned lo = c == 0xF0 ? 0x90 : 0x80;
        const unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
        return cont(1, lo, hi) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
}

inline bool fits_int64(std::string_view digits, bool negative) noexcept {
    if (digits.size() != 19) {
        return digits.size() < 19;
    }
    return digits <= (negative ? "9223372036854775808" : "9223372036854775807");
}

// from_chars reports out_of_range for both overflow and underflow; strtod (what Jansson uses)
// fails only on overflow. A token out of range overflowed when its leading digit's decimal
// exponent is positive.
inline bool real_overflows(std::string_view token) noexcept {
    double value = 0;
    const auto r = std::from_chars(token.data(), token.data() + token.size(), value);
    if (r.ec != std::errc::result_out_of_range) {
        return false;
    }
    std::size_t i = token[0] == '-' ? 1 : 0;
    long long int_digits = 0;  // digits before the point, leading zeros included
    long long leading = -1;    // index (among all digits) of the first non-zero digit
    long long index = 0;
    for (; i < token.size() && token[i] != 'e' && token[i] != 'E'; ++i) {
        if (token[i] == '.') {
            int_digits = index;
            continue;
        }
        if (leading < 0 && token[i] != '0') {
            leading = index;
        }
        ++index;
    }
    if (token.find('.') == std::string_view::npos) {
        int_digits = index;
    }
    long long exponent = 0;
    if (i < token.size()) {
        ++i;
        const bool negative = token[i] == '-';
        if (token[i] == '-' || token[i] == '+') {
            ++i;
        }
        for (; i < token.size(); ++i) {
            exponent = std::min<long long>(exponent * 10 + (token[i] - '0'), 1'000'000'000);
        }
        exponent = negative ? -exponent : exponent;
    }
    return leading >= 0 && int_digits - 1 - leading + exponent > 0;
}

}  // namespace interview::util::json::detail
