#include "ot/utf.hpp"

#include <cstdint>
#include <cstring>

namespace interview::ot {

namespace {

Error utf8_error(std::size_t offset, const char* what) {
    return make_error(ErrorCode::invalid_utf8,
                      std::string("invalid UTF-8 at byte ") + std::to_string(offset) + ": " + what);
}

}  // namespace

Status append_utf8_as_utf16(std::string_view in, std::u16string& out) {
    const std::size_t old_size = out.size();
    out.reserve(old_size + in.size());  // never more units than bytes
    const auto* s = reinterpret_cast<const unsigned char*>(in.data());
    const std::size_t n = in.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b0 = s[i];
        if (b0 < 0x80) {
            out.push_back(static_cast<char16_t>(b0));
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        std::size_t len = 0;
        std::uint32_t min = 0;
        if ((b0 & 0xE0) == 0xC0) {
            cp = b0 & 0x1F, len = 2, min = 0x80;
        } else if ((b0 & 0xF0) == 0xE0) {
            cp = b0 & 0x0F, len = 3, min = 0x800;
        } else if ((b0 & 0xF8) == 0xF0) {
            cp = b0 & 0x07, len = 4, min = 0x10000;
        } else {
            out.resize(old_size);
            return utf8_error(i, "invalid lead byte");
        }
        if (n - i < len) {
            out.resize(old_size);
            return utf8_error(i, "truncated sequence");
        }
        for (std::size_t k = 1; k < len; ++k) {
            const unsigned char b = s[i + k];
            if ((b & 0xC0) != 0x80) {
                out.resize(old_size);
                return utf8_error(i + k, "expected a continuation byte");
            }
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min) {
            out.resize(old_size);
            return utf8_error(i, "overlong encoding");
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            out.resize(old_size);
            return utf8_error(i, "encoded surrogate");
        }
        if (cp > 0x10FFFF) {
            out.resize(old_size);
            return utf8_error(i, "code point beyond U+10FFFF");
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
        i += len;
    }
    return Ok{};
}

Result<std::u16string> utf8_to_utf16(std::string_view utf8) {
    std::u16string out;
    auto st = append_utf8_as_utf16(utf8, out);
    if (!st) {
        return std::move(st).error();
    }
    return out;
}

char* write_utf16_as_utf8(std::u16string_view in, char* w) noexcept {
    const std::size_t n = in.size();
    std::size_t i = 0;
    while (i < n) {
        // Code is mostly ASCII: four units at a time while they all are.
        while (i + 4 <= n) {
            std::uint64_t units;
            std::memcpy(&units, in.data() + i, 8);
            if ((units & 0xFF80FF80FF80FF80ULL) != 0) {
                break;
            }
            w[0] = static_cast<char>(in[i]);
            w[1] = static_cast<char>(in[i + 1]);
            w[2] = static_cast<char>(in[i + 2]);
            w[3] = static_cast<char>(in[i + 3]);
            w += 4;
            i += 4;
        }
        if (i == n) {
            break;
        }
        std::uint32_t cp = in[i];
        if (cp < 0x80) {
            *w++ = static_cast<char>(cp);
            ++i;
            continue;
        }
        if (is_high_surrogate(static_cast<char16_t>(cp)) && i + 1 < n &&
            is_low_surrogate(in[i + 1])) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (in[i + 1] - 0xDC00u);
            ++i;
        } else if (is_surrogate(static_cast<char16_t>(cp))) {
            cp = 0xFFFD;
        }
        ++i;
        if (cp < 0x800) {
            *w++ = static_cast<char>(0xC0 | (cp >> 6));
            *w++ = static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *w++ = static_cast<char>(0xE0 | (cp >> 12));
            *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            *w++ = static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            *w++ = static_cast<char>(0xF0 | (cp >> 18));
            *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            *w++ = static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return w;
}

void append_utf16_as_utf8(std::u16string_view in, std::string& out) {
    // Sized exactly first (a cheap pass), then written in place: no push per byte.
    const std::size_t start = out.size();
    out.resize(start + utf8_length(in));
    write_utf16_as_utf8(in, out.data() + start);
}

std::string utf16_to_utf8(std::u16string_view utf16) {
    std::string out;
    out.reserve(utf8_length(utf16));
    append_utf16_as_utf8(utf16, out);
    return out;
}

std::size_t utf8_length(std::u16string_view s) noexcept {
    std::size_t bytes = 0;
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char16_t c = s[i];
        if (c < 0x80) {
            bytes += 1;
        } else if (c < 0x800) {
            bytes += 2;
        } else if (is_high_surrogate(c) && i + 1 < n && is_low_surrogate(s[i + 1])) {
            bytes += 4;  // the pair is one 4-byte code point
            ++i;
        } else {
            bytes += 3;  // BMP, or a lone surrogate written as U+FFFD
        }
    }
    return bytes;
}

std::size_t find_lone_surrogate(std::u16string_view s) noexcept {
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char16_t c = s[i];
        if (!is_surrogate(c)) {
            continue;
        }
        if (is_high_surrogate(c) && i + 1 < n && is_low_surrogate(s[i + 1])) {
            ++i;
            continue;
        }
        return i;
    }
    return std::u16string_view::npos;
}

}  // namespace interview::ot
