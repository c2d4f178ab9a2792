// Document::scan: the one validating pass of the JSON reader (json_reader.hpp says what it
// accepts). It follows Jansson's load.c token by token, so that when a text breaks several rules
// the one reported is the one Jansson stops at; that decides between the protocol's
// lone_surrogate and malformed_request refusals.
#include <algorithm>
#include <cstdio>
#include <limits>

#include "util/json_chars.hpp"
#include "util/json_reader.hpp"

namespace interview::util::json {

using namespace detail;

namespace {

constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

}  // namespace

class Scanner {
  public:
    Scanner(Document& doc, const ScanOptions& options) noexcept
        : doc_(doc),
          options_(options),
          base_(doc.text_.data()),
          p_(base_),
          end_(base_ + doc.text_.size()) {}

    void run();

  private:
    enum class Tok : std::uint8_t {
        eof,
        begin_object,
        end_object,
        begin_array,
        end_array,
        colon,
        comma,
        string,
        integer,
        real,
        literal,
        invalid,
    };
    struct Token {
        Tok type = Tok::eof;
        std::size_t begin = 0;
        std::size_t end = 0;
        bool escaped = false;  // a string holding a backslash
        bool nul = false;      // a string holding \u0000
    };
    // Where a frame is in its container's grammar; the array states come first (finish()
    // tells objects by it).
    enum class State : std::uint8_t {
        array_open,   // after '['
        array_comma,  // after ','
        array_value,  // after an element
        object_open,
        object_comma,
        object_key,    // after a key
        object_colon,  // after ':'
        object_value,  // after a member's value
    };
    struct Frame {
        State state;
        std::uint32_t first_key;  // objects: their keys are keys_[first_key, ...)
    };

    bool lex(Token& t);
    // Jansson reads a number or a word one byte too far and puts that byte back in a buffer
    // where NUL means "empty": a NUL byte there is lost, as if the text did not hold it.
    void skip_lost_nul(const Token& t) noexcept {
        if (t.type != Tok::invalid && p_ < end_ && *p_ == '\0') {
            ++p_;
        }
    }
    bool lex_string(Token& t);
    void lex_number(Token& t);
    bool begin_value(const Token& t);
    void end_value(std::size_t end);
    bool close(const Token& t);
    void add_key(const Token& t);
    bool collecting_keys() const noexcept {
        return options_.reject_duplicates || stack_.size() == 1;
    }
    std::size_t first_duplicate(std::size_t from, std::size_t to);
    std::string_view key_of(const Document::Member& m) const noexcept { return doc_.key_of(m); }
    void fail(std::size_t at, std::string message);
    void fail_token(const Token& t, const char* message);
    void finish();

    Document& doc_;
    const ScanOptions& options_;
    const char* base_;
    const char* p_;
    const char* end_;
    std::vector<Frame> stack_;
    std::vector<Document::Member> keys_;
    std::size_t root_begin_ = 0;
    std::size_t error_at_ = npos;  // the first hard error: where Jansson would have stopped
    std::string error_;
    std::size_t surrogate_at_ = npos;  // the first lone surrogate escape
    std::string surrogate_error_;
};

void Scanner::fail(std::size_t at, std::string message) {
    if (at < error_at_) {
        error_at_ = at;
        error_ = std::move(message);
    }
}

// Jansson's error_set: the token's text as context when it is at most 20 bytes.
void Scanner::fail_token(const Token& t, const char* message) {
    std::string text = message;
    if (t.type == Tok::eof) {
        text += " near end of file";
    } else if (t.end - t.begin <= 20) {
        text += " near '";
        text.append(base_ + t.begin, t.end - t.begin);
        text += "'";
    }
    fail(t.end, std::move(text));
}

bool Scanner::lex(Token& t) {
    while (p_ < end_ && is_space(*p_)) {
        ++p_;
    }
    t = Token{};
    t.begin = static_cast<std::size_t>(p_ - base_);
    if (p_ == end_) {
        t.end = t.begin;
        return true;
    }
    const char c = *p_;
    switch (c) {
        case '{':
            t.type = Tok::begin_object;
            break;
        case '}':
            t.type = Tok::end_object;
            break;
        case '[':
            t.type = Tok::begin_array;
            break;
        case ']':
            t.type = Tok::end_array;
            break;
        case ':':
            t.type = Tok::colon;
            break;
        case ',':
            t.type = Tok::comma;
            break;
        case '"':
            return lex_string(t);
        default:
            if (c == '-' || is_digit(c)) {
                lex_number(t);
                skip_lost_nul(t);
                return error_at_ == npos;
            }
            if (is_alpha(c)) {
                const char* start = p_;
                while (p_ < end_ && is_alpha(*p_)) {
                    ++p_;
                }
                const std::string_view word(start, static_cast<std::size_t>(p_ - start));
                t.type = word == "true" || word == "false" || word == "null" ? Tok::literal
                                                                             : Tok::invalid;
                t.end = static_cast<std::size_t>(p_ - base_);
                skip_lost_nul(t);
                return true;
            }
            t.type = Tok::invalid;
            if (const std::size_t n = utf8_sequence(p_, end_); n == 0) {
                char text[40];
                std::snprintf(text, sizeof text, "unable to decode byte 0x%x",
                              static_cast<unsigned>(static_cast<unsigned char>(c)));
                fail(t.begin, text);
                return false;
            } else {
                p_ += n;
            }
            t.end = static_cast<std::size_t>(p_ - base_);
            return true;
    }
    ++p_;
    t.end = t.begin + 1;
    return true;
}

bool Scanner::lex_string(Token& t) {
    t.type = Tok::string;
    const char* start = p_;
    ++p_;
    // First pass, as Jansson's: the raw syntax of the whole string.
    for (;;) {
        while (p_ < end_ && !special(*p_)) {
            ++p_;
        }
        const auto at = static_cast<std::size_t>(p_ - base_);
        if (p_ == end_) {
            fail(at, "premature end of input near end of file");
            return false;
        }
        const auto c = static_cast<unsigned char>(*p_);
        if (c == '"') {
            break;
        }
        if (c < 0x20) {
            char text[40];
            std::snprintf(text, sizeof text,
                          c == '\n' ? "unexpected newline" : "control character 0x%x", c);
            fail(at, text);
            return false;
        }
        if (c == '\\') {
            t.escaped = true;
            const char e = p_ + 1 < end_ ? p_[1] : '\0';
            if (e == 'u') {
                for (int i = 2; i < 6; ++i) {
                    if (p_ + i >= end_ || hex_digit(p_[i]) < 0) {
                        fail(at, "invalid escape");
                        return false;
                    }
                }
                p_ += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                       e == 'r' || e == 't') {
                p_ += 2;
            } else {
                fail(at, p_ + 1 < end_ ? "invalid escape" : "premature end of input");
                return false;
            }
            continue;
        }
        const std::size_t n = utf8_sequence(p_, end_);
        if (n == 0) {
            char text[40];
            std::snprintf(text, sizeof text, "unable to decode byte 0x%x", c);
            fail(at, text);
            return false;
        }
        p_ += n;
    }
    ++p_;
    t.end = static_cast<std::size_t>(p_ - base_);
    if (!t.escaped) {
        return true;
    }
    // Second pass: the \u escapes' values. Jansson stops at the first lone surrogate; \u0000 is
    // refused later, once the whole string is decoded, so a lone surrogate anywhere in the
    // string is the error it reports.
    const char* body_end = base_ + t.end - 1;
    for (const char* q = start + 1; q < body_end; ++q) {
        if (*q != '\\') {
            continue;
        }
        if (q[1] != 'u') {
            ++q;
            continue;
        }
        const unsigned u = hex4(q + 2);
        if (u == 0) {
            t.nul = true;
        }
        if (!is_high(u) && !is_low(u)) {
            q += 5;
            continue;
        }
        if (is_high(u) && q + 11 < body_end && q[6] == '\\' && q[7] == 'u' && is_low(hex4(q + 8))) {
            q += 11;
            continue;
        }
        if (surrogate_at_ == npos) {
            char text[64];
            if (is_high(u) && q + 11 < body_end && q[6] == '\\' && q[7] == 'u') {
                std::snprintf(text, sizeof text, "invalid Unicode '\\u%04X\\u%04X'", u,
                              hex4(q + 8));
            } else {
                std::snprintf(text, sizeof text, "invalid Unicode '\\u%04X'", u);
            }
            surrogate_error_ = text;
            if (t.end - t.begin <= 20) {
                surrogate_error_ += " near '";
                surrogate_error_.append(start, t.end - t.begin);
                surrogate_error_ += "'";
            }
            surrogate_at_ = static_cast<std::size_t>(q - base_);
        }
        // The rest of this string only matters for whether the document stays readable.
        q += 5;
    }
    return true;
}

void Scanner::lex_number(Token& t) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    const auto done = [&](Tok type) {
        t.type = type;
        t.end = static_cast<std::size_t>(p_ - base_);
    };
    if (negative) {
        ++p_;
    }
    if (p_ == end_ || !is_digit(*p_)) {
        return done(Tok::invalid);
    }
    const char* digits = p_;
    if (*p_ == '0') {
        ++p_;
        if (p_ < end_ && is_digit(*p_)) {
            return done(Tok::invalid);
        }
    } else {
        while (p_ < end_ && is_digit(*p_)) {
            ++p_;
        }
    }
    if (p_ == end_ || (*p_ != '.' && *p_ != 'e' && *p_ != 'E')) {
        done(Tok::integer);
        if (!fits_int64(std::string_view(digits, static_cast<std::size_t>(p_ - digits)),
                        negative)) {
            fail_token(t, negative ? "too big negative integer" : "too big integer");
        }
        return;
    }
    if (*p_ == '.') {
        ++p_;
        if (p_ == end_ || !is_digit(*p_)) {
            return done(Tok::invalid);
        }
        while (p_ < end_ && is_digit(*p_)) {
            ++p_;
        }
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
        ++p_;
        if (p_ < end_ && (*p_ == '+' || *p_ == '-')) {
            ++p_;
        }
        if (p_ == end_ || !is_digit(*p_)) {
            return done(Tok::invalid);
        }
        while (p_ < end_ && is_digit(*p_)) {
            ++p_;
        }
    }
    done(Tok::real);
    if (real_overflows(std::string_view(start, static_cast<std::size_t>(p_ - start)))) {
        fail_token(t, "real number overflow");
    }
}

// Jansson's parse_value: the depth counts every value, scalars too.
bool Scanner::begin_value(const Token& t) {
    if (stack_.size() + 1 > kMaxDepth) {
        fail_token(t, "maximum parsing depth reached");
        return false;
    }
    switch (t.type) {
        case Tok::begin_object:
        case Tok::begin_array:
            if (stack_.empty()) {
                root_begin_ = t.begin;
            }
            stack_.push_back(
                Frame{t.type == Tok::begin_object ? State::object_open : State::array_open,
                      static_cast<std::uint32_t>(keys_.size())});
            return true;
        case Tok::string:
            if (t.nul) {
                fail_token(t, "\\u0000 is not allowed without JSON_ALLOW_NUL");
                return false;
            }
            [[fallthrough]];
        case Tok::integer:
        case Tok::real:
        case Tok::literal:
            if (stack_.empty()) {
                root_begin_ = t.begin;
            }
            end_value(t.end);
            return true;
        case Tok::invalid:
            fail_token(t, "invalid token");
            return false;
        default:
            fail_token(t, "unexpected token");
            return false;
    }
}

void Scanner::end_value(std::size_t end) {
    if (stack_.empty()) {
        doc_.root_ = Value(doc_.text_.substr(root_begin_, end - root_begin_));
    } else if (stack_.size() == 1 && stack_.back().state == State::object_value) {
        keys_.back().value_end = static_cast<std::uint32_t>(end);
    }
}

void Scanner::add_key(const Token& t) {
    if (!collecting_keys()) {
        return;
    }
    Document::Member m{};
    m.key_end = static_cast<std::uint32_t>(t.end);
    if (t.escaped) {
        m.in_arena = true;
        m.key_offset = static_cast<std::uint32_t>(doc_.keys_.size());
        doc_.keys_ += Value(doc_.text_.substr(t.begin, t.end - t.begin)).string();
        m.key_size = static_cast<std::uint32_t>(doc_.keys_.size() - m.key_offset);
    } else {
        m.key_offset = static_cast<std::uint32_t>(t.begin + 1);
        m.key_size = static_cast<std::uint32_t>(t.end - t.begin - 2);
    }
    const std::string_view key = key_of(m);
    for (std::size_t i = 0; i < 8; ++i) {
        m.prefix = m.prefix << 8 | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
    }
    keys_.push_back(m);
}

// Sorts keys_[from, to) by key then position; the position of the first key (in the text) that
// repeats an earlier one, or npos.
std::size_t Scanner::first_duplicate(std::size_t from, std::size_t to) {
    const auto first = keys_.begin() + static_cast<std::ptrdiff_t>(from);
    const auto last = keys_.begin() + static_cast<std::ptrdiff_t>(to);
    // The prefixes order as the keys do (keys hold no NUL byte to confuse the zero padding), so
    // the result is also the order Document::get() searches.
    std::sort(first, last, [&](const Document::Member& a, const Document::Member& b) {
        if (a.prefix != b.prefix) {
            return a.prefix < b.prefix;
        }
        const int c = key_of(a).compare(key_of(b));
        return c < 0 || (c == 0 && a.key_end < b.key_end);
    });
    std::size_t at = npos;
    for (auto it = first; it != last && it + 1 != last; ++it) {
        if (it->prefix == (it + 1)->prefix && key_of(*it) == key_of(*(it + 1))) {
            at = std::min<std::size_t>(at, (it + 1)->key_end);
        }
    }
    return at;
}

bool Scanner::close(const Token& t) {
    const Frame frame = stack_.back();
    stack_.pop_back();
    if (frame.state == State::object_open || frame.state == State::object_value) {
        if (options_.reject_duplicates) {
            if (const std::size_t at = first_duplicate(frame.first_key, keys_.size()); at != npos) {
                fail(at, "duplicate object key");
                keys_.resize(frame.first_key);  // not to be checked again with its parent's
                return false;
            }
        }
        if (!stack_.empty()) {
            keys_.resize(frame.first_key);  // only the top-level object's keys are kept
        }
    }
    end_value(t.end);
    return true;
}

void Scanner::run() {
    Token t;
    if (!lex(t)) {
        return finish();
    }
    if (!options_.any_value && t.type != Tok::begin_object && t.type != Tok::begin_array) {
        fail_token(t, "'[' or '{' expected");
        return finish();
    }
    if (!begin_value(t)) {
        return finish();
    }
    while (!stack_.empty()) {
        if (!lex(t)) {
            return finish();
        }
        Frame& f = stack_.back();
        switch (f.state) {
            case State::array_open:
                if (t.type == Tok::end_array) {
                    close(t);
                    continue;
                }
                [[fallthrough]];
            case State::array_comma:
                if (t.type == Tok::eof) {
                    fail_token(t, "']' expected");
                    return finish();
                }
                f.state = State::array_value;
                if (!begin_value(t)) {
                    return finish();
                }
                continue;
            case State::array_value:
                if (t.type == Tok::comma) {
                    f.state = State::array_comma;
                } else if (t.type == Tok::end_array) {
                    close(t);
                } else {
                    fail_token(t, "']' expected");
                    return finish();
                }
                continue;
            case State::object_open:
                if (t.type == Tok::end_object) {
                    if (!close(t)) {
                        return finish();
                    }
                    continue;
                }
                [[fallthrough]];
            case State::object_comma:
                if (t.type != Tok::string) {
                    fail_token(t, "string or '}' expected");
                    return finish();
                }
                if (t.nul) {
                    fail_token(t, "NUL byte in object key not supported");
                    return finish();
                }
                add_key(t);
                f.state = State::object_key;
                continue;
            case State::object_key:
                if (t.type != Tok::colon) {
                    fail_token(t, "':' expected");
                    return finish();
                }
                f.state = State::object_colon;
                continue;
            case State::object_colon:
                if (stack_.size() == 1 && collecting_keys()) {
                    keys_.back().value_begin = static_cast<std::uint32_t>(t.begin);
                }
                f.state = State::object_value;
                if (!begin_value(t)) {
                    return finish();
                }
                continue;
            case State::object_value:
                if (t.type == Tok::comma) {
                    f.state = State::object_comma;
                } else if (t.type == Tok::end_object) {
                    if (!close(t)) {
                        return finish();
                    }
                } else {
                    fail_token(t, "'}' expected");
                    return finish();
                }
                continue;
        }
    }
    if (lex(t) && t.type != Tok::eof) {
        fail_token(t, "end of file expected");
    }
    finish();
}

void Scanner::finish() {
    if (error_at_ != npos && options_.reject_duplicates) {
        // Jansson checks each key as it reads it: a duplicate in an object still open when the
        // scan stopped may come before the error that stopped it.
        std::size_t from = npos;
        for (const Frame& f : stack_) {
            if (f.state < State::object_open) {  // an array
                continue;
            }
            if (from != npos) {
                fail(first_duplicate(from, f.first_key), "duplicate object key");
            }
            from = f.first_key;
        }
        if (from != npos) {
            fail(first_duplicate(from, keys_.size()), "duplicate object key");
        }
    }
    if (surrogate_at_ != npos && surrogate_at_ < error_at_) {
        doc_.problem_ = Problem::lone_surrogate;
        doc_.error_ = std::move(surrogate_error_);
        doc_.readable_ = error_at_ == npos;
    } else if (error_at_ != npos) {
        doc_.problem_ = Problem::invalid;
        doc_.error_ = std::move(error_);
        doc_.readable_ = false;
    } else {
        doc_.problem_ = Problem::none;
        doc_.readable_ = true;
    }
    if (!doc_.readable_) {
        doc_.root_ = Value();
        return;
    }
    if (doc_.root_.is_object()) {
        if (!options_.reject_duplicates) {
            // Equal keys in text order, so that get() finds the last one.
            std::stable_sort(keys_.begin(), keys_.end(),
                             [&](const Document::Member& a, const Document::Member& b) {
                                 return a.prefix != b.prefix ? a.prefix < b.prefix
                                                             : key_of(a) < key_of(b);
                             });
        }
        doc_.members_ = std::move(keys_);
    }
}

Document Document::scan(std::string_view text, const ScanOptions& options) {
    Document doc;
    doc.text_ = text;
    if (text.size() >= std::numeric_limits<std::uint32_t>::max()) {
        doc.error_ = "input too large";  // offsets are 32-bit; messages are at most 64 KiB
        return doc;
    }
    Scanner scanner(doc, options);
    scanner.run();
    return doc;
}

}  // namespace interview::util::json
