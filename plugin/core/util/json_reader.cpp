#include "util/json_reader.hpp"

#include "util/json_chars.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace interview::util::json {

using namespace detail;

namespace {

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | cp >> 6);
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | cp >> 12);
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | cp >> 18);
        out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::size_t utf8_size(unsigned cp) noexcept {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

// Decodes the \u escape at p (p[0] == '\\', p[1] == 'u') of a scanned string whose body ends at
// `end`: the code point and how many bytes it took. A lone surrogate reads as U+FFFD (only
// readable in documents whose sole problem is lone surrogates).
unsigned unicode_escape(const char* p, const char* end, std::size_t& used) noexcept {
    const unsigned u = hex4(p + 2);
    used = 6;
    if (is_high(u)) {
        if (end - p >= 12 && p[6] == '\\' && p[7] == 'u' && is_low(hex4(p + 8))) {
            used = 12;
            return 0x10000 + ((u - 0xD800) << 10) + (hex4(p + 8) - 0xDC00);
        }
        return 0xFFFD;
    }
    return is_low(u) ? 0xFFFD : u;
}

char simple_escape(char e) noexcept {
    switch (e) {
        case 'b':
            return '\b';
        case 'f':
            return '\f';
        case 'n':
            return '\n';
        case 'r':
            return '\r';
        case 't':
            return '\t';
        default:
            return e;  // " \ /
    }
}

// Decodes a scanned string's body (between the quotes) to UTF-8.
void decode_utf8(std::string_view body, std::string& out) {
    const char* p = body.data();
    const char* end = p + body.size();
    while (p < end) {
        const char* run = p;
        while (p < end && *p != '\\') {
            ++p;
        }
        out.append(run, static_cast<std::size_t>(p - run));
        if (p == end) {
            break;
        }
        if (p[1] == 'u') {
            std::size_t used = 0;
            append_utf8(out, unicode_escape(p, end, used));
            p += used;
        } else {
            out += simple_escape(p[1]);
            p += 2;
        }
    }
}

// A scanned value ends where its token or its brackets end; the text is known to be valid.
const char* skip_string(const char* p) noexcept {
    ++p;
    while (*p != '"') {
        p += *p == '\\' ? 2 : 1;
    }
    return p + 1;
}

const char* skip_value(const char* p, const char* end) noexcept {
    if (*p == '"') {
        return skip_string(p);
    }
    if (*p == '{' || *p == '[') {
        std::size_t depth = 0;
        do {
            const char c = *p;
            if (c == '"') {
                p = skip_string(p);
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                --depth;
            }
            ++p;
        } while (depth > 0);
        return p;
    }
    // A number or a literal.
    while (p < end && (is_digit(*p) || is_alpha(*p) || *p == '-' || *p == '+' || *p == '.')) {
        ++p;
    }
    return p;
}

}  // namespace

// ---- Value ----

Type Value::type() const noexcept {
    switch (first()) {
        case '{':
            return Type::object;
        case '[':
            return Type::array;
        case '"':
            return Type::string;
        case 't':
        case 'f':
            return Type::boolean;
        case 'n':
            return Type::null;
        default:
            return raw_.find_first_of(".eE") == std::string_view::npos ? Type::integer : Type::real;
    }
}

bool Value::is_number() const noexcept {
    const char c = first();
    return c == '-' || is_digit(c);
}

std::int64_t Value::integer() const noexcept {
    std::int64_t v = 0;
    if (is_integer()) {
        std::from_chars(raw_.data(), raw_.data() + raw_.size(), v);
    }
    return v;
}

double Value::number() const noexcept {
    if (!is_number()) {
        return 0;
    }
    if (is_integer()) {
        return static_cast<double>(integer());
    }
    double v = 0;
    const auto r = std::from_chars(raw_.data(), raw_.data() + raw_.size(), v);
    if (r.ec == std::errc::result_out_of_range) {
        // Scanned reals do not overflow: this is an underflow, which strtod rounds to zero.
        v = raw_[0] == '-' ? -0.0 : 0.0;
    }
    return v;
}

std::string_view Value::string_raw() const noexcept {
    return is_string() && raw_.size() >= 2 ? raw_.substr(1, raw_.size() - 2) : std::string_view();
}

std::string Value::string() const {
    std::string out;
    const std::string_view body = string_raw();
    if (body.find('\\') == std::string_view::npos) {
        out.assign(body);
    } else {
        out.reserve(body.size());
        decode_utf8(body, out);
    }
    return out;
}

std::size_t Value::string_size() const noexcept {
    const std::string_view body = string_raw();
    std::size_t n = 0;
    for (const char* p = body.data(); p < body.data() + body.size();) {
        if (*p != '\\') {
            ++n;
            ++p;
        } else if (p[1] == 'u') {
            std::size_t used = 0;
            n += utf8_size(unicode_escape(p, body.data() + body.size(), used));
            p += used;
        } else {
            ++n;
            p += 2;
        }
    }
    return n;
}

void Value::append_string_utf16(std::u16string& out) const {
    const std::string_view body = string_raw();
    const char* p = body.data();
    const char* end = p + body.size();
    out.reserve(out.size() + body.size());
    const auto push = [&](unsigned cp) {
        if (cp < 0x10000) {
            out += static_cast<char16_t>(cp);
        } else {
            out += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
            out += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
        }
    };
    while (p < end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c < 0x80 && c != '\\') {
            out += static_cast<char16_t>(c);
            ++p;
        } else if (c == '\\') {
            if (p[1] == 'u') {
                std::size_t used = 0;
                push(unicode_escape(p, end, used));
                p += used;
            } else {
                out += static_cast<char16_t>(simple_escape(p[1]));
                p += 2;
            }
        } else {
            // Scanned, so valid UTF-8.
            const auto b = [&](int i) { return static_cast<unsigned>(p[i]) & 0x3F; };
            if (c < 0xE0) {
                push((c & 0x1F) << 6 | b(1));
                p += 2;
            } else if (c < 0xF0) {
                push((c & 0x0F) << 12 | b(1) << 6 | b(2));
                p += 3;
            } else {
                push((c & 0x07) << 18 | b(1) << 12 | b(2) << 6 | b(3));
                p += 4;
            }
        }
    }
}

// ---- ArrayReader ----

ArrayReader::ArrayReader(Value array) noexcept {
    if (array.is_array() && array.raw().size() >= 2) {
        p_ = array.raw().data() + 1;
        end_ = array.raw().data() + array.raw().size() - 1;  // the closing bracket
    }
}

bool ArrayReader::next(Value& out) noexcept {
    while (p_ < end_ && is_space(*p_)) {
        ++p_;
    }
    if (p_ >= end_) {
        return false;
    }
    const char* start = p_;
    p_ = skip_value(p_, end_);
    out = Value(std::string_view(start, static_cast<std::size_t>(p_ - start)));
    if (p_ < end_ && *p_ == '\0') {
        ++p_;  // the NUL byte Jansson loses after a number or a literal (json_scan.cpp)
    }
    while (p_ < end_ && is_space(*p_)) {
        ++p_;
    }
    if (p_ < end_ && *p_ == ',') {
        ++p_;
    }
    return true;
}

std::size_t ArrayReader::count_rest(std::size_t cap) noexcept {
    std::size_t n = 0;
    Value ignored;
    while (n < cap && next(ignored)) {
        ++n;
    }
    return n;
}

// ---- Document ----

std::string_view Document::key_of(const Member& m) const noexcept {
    const std::string_view from = m.in_arena ? std::string_view(keys_) : text_;
    return from.substr(m.key_offset, m.key_size);
}

std::optional<Value> Document::get(std::string_view key) const noexcept {
    // Sorted by key then position: the last of equal keys is the one json_object_get returns
    // when duplicates are allowed (each replaces the previous).
    auto it = std::upper_bound(members_.begin(), members_.end(), key,
                               [&](std::string_view k, const Member& m) { return k < key_of(m); });
    if (it == members_.begin() || key_of(*(it - 1)) != key) {
        return std::nullopt;
    }
    --it;
    return Value(text_.substr(it->value_begin, it->value_end - it->value_begin));
}

}  // namespace interview::util::json
