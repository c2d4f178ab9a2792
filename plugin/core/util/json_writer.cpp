#include "util/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace interview::util {

namespace {

// For each byte: 0 when it is written as is, else the letter after the backslash ('u' for
// \u00XX).
constexpr std::array<char, 256> kEscape = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 0x20; ++c) {
        t[c] = 'u';
    }
    t['"'] = '"';
    t['\\'] = '\\';
    t['\b'] = 'b';
    t['\f'] = 'f';
    t['\n'] = 'n';
    t['\r'] = 'r';
    t['\t'] = 't';
    return t;
}();

constexpr char kHex[] = "0123456789ABCDEF";  // Jansson writes \u001F

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// True when one of the 8 bytes of `x` needs an escape (< 0x20, '"' or '\\'). The classic
// "has a zero byte" / "has a byte less than n" tests: they may flag a byte above a true hit (a
// borrow), never miss one, so a word they flag is looked at byte by byte.
constexpr bool word_needs_escape(std::uint64_t x) noexcept {
    const std::uint64_t control = (x - kOnes * 0x20) & ~x;
    const std::uint64_t quote = ((x ^ (kOnes * '"')) - kOnes) & ~(x ^ (kOnes * '"'));
    const std::uint64_t backslash = ((x ^ (kOnes * '\\')) - kOnes) & ~(x ^ (kOnes * '\\'));
    return ((control | quote | backslash) & kHighs) != 0;
}

// How many of the first `n` bytes at `p` are written as they are.
std::size_t plain_run(const char* p, std::size_t n) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t x;
        std::memcpy(&x, p + i, 8);
        if (word_needs_escape(x)) {
            break;
        }
    }
    while (i < n && kEscape[static_cast<unsigned char>(p[i])] == 0) {
        ++i;
    }
    return i;
}

// Writes the escape of byte `c` (one that needs one) at `out`; returns its length.
std::size_t write_escape(char* out, unsigned char c) noexcept {
    const char e = kEscape[c];
    out[0] = '\\';
    if (e != 'u') {
        out[1] = e;
        return 2;
    }
    out[1] = 'u';
    out[2] = '0';
    out[3] = '0';
    out[4] = kHex[c >> 4];
    out[5] = kHex[c & 0xF];
    return 6;
}

// Bytes `c` takes inside a JSON string: 1, 2 (\n, \", ...) or 6 (\u00XX).
std::size_t json_escaped_byte_size(unsigned char c) noexcept {
    const char e = kEscape[c];
    return e == 0 ? 1 : e == 'u' ? 6 : 2;
}

}  // namespace

std::size_t json_char_size(std::u16string_view utf16, std::size_t i, std::size_t& units) noexcept {
    const char16_t c = utf16[i];
    units = 1;
    if (c < 0x80) {
        return json_escaped_byte_size(static_cast<unsigned char>(c));
    }
    if (c < 0x800) {
        return 2;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < utf16.size() && utf16[i + 1] >= 0xDC00 &&
        utf16[i + 1] <= 0xDFFF) {
        units = 2;
        return 4;
    }
    return 3;  // a lone surrogate too: it is written as U+FFFD
}

std::size_t json_string_size(std::u16string_view utf16) noexcept {
    std::size_t size = 2;
    for (std::size_t i = 0, units = 0; i < utf16.size(); i += units) {
        size += json_char_size(utf16, i, units);
    }
    return size;
}

std::size_t append_json_escaped_within(std::string& out, std::string_view utf8,
                                       std::size_t budget) {
    const char* p = utf8.data();
    const std::size_t n = utf8.size();
    std::size_t at = 0;
    std::size_t used = 0;
    while (at < n && used < budget) {
        const std::size_t room = budget - used;
        const std::size_t run = plain_run(p + at, std::min(n - at, room));
        if (run > 0) {
            std::size_t end = at + run;
            const bool full = run == room && end < n;  // stopped by the budget
            if (full) {
                while (end > at && (static_cast<unsigned char>(p[end]) & 0xC0) == 0x80) {
                    --end;  // p[end] continues a code point: it must stay with its start
                }
            }
            out.append(p + at, end - at);
            used += end - at;
            at = end;
            if (full) {
                break;
            }
            continue;
        }
        // A run of bytes to escape, written in place with one resize (text of control
        // characters is legal, and 6 bytes of JSON each).
        std::size_t end = at;
        std::size_t cost = 0;
        while (end < n) {
            const auto c = static_cast<unsigned char>(p[end]);
            const std::size_t size = json_escaped_byte_size(c);
            if (size == 1 || cost + size > room) {
                break;
            }
            cost += size;
            ++end;
        }
        if (end == at) {
            break;  // the next escape does not fit
        }
        const std::size_t start = out.size();
        out.resize(start + cost);
        char* w = out.data() + start;
        for (std::size_t i = at; i < end; ++i) {
            w += write_escape(w, static_cast<unsigned char>(p[i]));
        }
        used += cost;
        at = end;
    }
    return at;
}

void append_json_escaped(std::string& out, std::string_view utf8) {
    append_json_escaped_within(out, utf8, SIZE_MAX);
}

void append_json_string(std::string& out, std::string_view utf8) {
    out.push_back('"');
    append_json_escaped(out, utf8);
    out.push_back('"');
}

void append_json_string(std::string& out, std::u16string_view utf16) {
    out.push_back('"');
    // Written in place, a chunk at a time, into room for the chunk's worst case (6 bytes per
    // unit: \u00XX), then trimmed: one resize per chunk instead of a push per byte, and never
    // more than a chunk's worth of slack.
    constexpr std::size_t kChunk = 4096;
    const std::size_t n = utf16.size();
    std::size_t i = 0;
    while (i < n) {
        const std::size_t chunk_end = std::min(n, i + kChunk);
        const std::size_t start = out.size();
        out.resize(start + 6 * (chunk_end - i) + 4);
        char* w = out.data() + start;
        for (; i < chunk_end; ++i) {
            const char32_t c = utf16[i];
            if (c < 0x80) {
                if (kEscape[c] == 0) {
                    *w++ = static_cast<char>(c);
                } else {
                    w += write_escape(w, static_cast<unsigned char>(c));
                }
            } else if (c < 0x800) {
                *w++ = static_cast<char>(0xC0 | (c >> 6));
                *w++ = static_cast<char>(0x80 | (c & 0x3F));
            } else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && utf16[i + 1] >= 0xDC00 &&
                       utf16[i + 1] <= 0xDFFF) {
                // A pair may straddle the chunk's end: the 4 spare bytes are for it.
                const char32_t cp = 0x10000 + ((c - 0xD800) << 10) + (utf16[i + 1] - 0xDC00);
                ++i;
                *w++ = static_cast<char>(0xF0 | (cp >> 18));
                *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
                *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                *w++ = static_cast<char>(0x80 | (cp & 0x3F));
            } else {
                // A lone surrogate (validation never lets one into a document) becomes U+FFFD,
                // so the output is always valid UTF-8, as append_utf16_as_utf8 does.
                const char32_t cp = (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c;
                *w++ = static_cast<char>(0xE0 | (cp >> 12));
                *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                *w++ = static_cast<char>(0x80 | (cp & 0x3F));
            }
        }
        out.resize(static_cast<std::size_t>(w - out.data()));
    }
    out.push_back('"');
}

void append_json_unsigned(std::string& out, std::uint64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace interview::util
