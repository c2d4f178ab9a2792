// A strict JSON reader for the data channel's messages and the ops stored in Redis: one pass
// validates the whole text (Document::scan), then values are read straight from the text, with
// no tree of allocated values. It accepts and refuses exactly what Jansson's json_loadb does with
// the flags this project uses (JSON_REJECT_DUPLICATES or not, JSON_DECODE_ANY or not):
//
//   - RFC 8259 syntax; whitespace is space, tab, CR and LF; nothing but whitespace after the value;
//   - raw bytes are strict UTF-8 (no overlong forms, no encoded surrogates, nothing past
//     U+10FFFF); no raw control character (below 0x20) inside a string;
//   - escapes are \" \\ \/ \b \f \n \r \t \uXXXX; \u0000 is refused (Jansson without
//     JSON_ALLOW_NUL); a surrogate escape must be a high one followed by a low one;
//   - an integer (no fraction, no exponent) must fit in int64; a real must not overflow to
//     infinity (an underflow is accepted, as strtod's 0 or subnormal);
//   - at most 2048 nested values, scalars counted (JSON_PARSER_MAX_DEPTH, parse_value's depth);
//   - with reject_duplicates, no object anywhere has two equal keys (compared once unescaped);
//   - and Jansson's one quirk: a NUL byte right after a number or true/false/null is skipped.
//
// A lone surrogate escape is reported apart (Problem::lone_surrogate) because the protocol gives
// it its own refusal: the scan goes on past it, so when it is the only problem the values can
// still be read (a lone surrogate reads as U+FFFD). When several problems exist, the one Jansson
// would have stopped at decides which is reported.
//
// Work is linear in the text's size but for sorting each object's keys (O(k log k)); nesting is
// an explicit stack, so a hostile text cannot exhaust the call stack. Nothing here throws but
// std::bad_alloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interview::util::json {

inline constexpr std::size_t kMaxDepth = 2048;

enum class Type : std::uint8_t { object, array, string, integer, real, boolean, null };

/// One value of a scanned text: its exact bytes (a string's with their quotes). Only valid for
/// text that Document::scan accepted (or refused for lone surrogates only), and only as long as
/// that text lives.
class Value {
  public:
    Value() = default;
    explicit Value(std::string_view raw) noexcept : raw_(raw) {}

    std::string_view raw() const noexcept { return raw_; }
    Type type() const noexcept;
    bool is_object() const noexcept { return first() == '{'; }
    bool is_array() const noexcept { return first() == '['; }
    bool is_string() const noexcept { return first() == '"'; }
    bool is_null() const noexcept { return first() == 'n'; }
    bool is_bool() const noexcept { return first() == 't' || first() == 'f'; }
    bool is_integer() const noexcept { return type() == Type::integer; }
    bool is_real() const noexcept { return type() == Type::real; }
    bool is_number() const noexcept;

    /// An integer's value (0 for any other value).
    std::int64_t integer() const noexcept;
    /// An integer's or a real's value, as json_number_value gives it (0 for any other value).
    double number() const noexcept;

    /// A string's bytes between the quotes, still escaped.
    std::string_view string_raw() const noexcept;
    /// The decoded string (UTF-8). Empty for a value that is not a string.
    std::string string() const;
    /// Appends the decoded string, as UTF-16, to `out`.
    void append_string_utf16(std::u16string& out) const;
    /// Length in bytes of the decoded string (UTF-8), without decoding it.
    std::size_t string_size() const noexcept;

  private:
    char first() const noexcept { return raw_.empty() ? '\0' : raw_.front(); }
    std::string_view raw_;
};

/// The elements of an array value, one after the other.
class ArrayReader {
  public:
    explicit ArrayReader(Value array) noexcept;
    /// The next element, or false at the end.
    bool next(Value& out) noexcept;
    /// Skips elements: how many there are from here, counting at most `cap` of them.
    std::size_t count_rest(std::size_t cap) noexcept;

  private:
    const char* p_ = nullptr;
    const char* end_ = nullptr;
};

struct ScanOptions {
    bool any_value = false;         ///< JSON_DECODE_ANY: a scalar is accepted at the top level
    bool reject_duplicates = true;  ///< JSON_REJECT_DUPLICATES
};

enum class Problem : std::uint8_t {
    none,
    lone_surrogate,  ///< the first problem is a lone surrogate escape
    invalid,         ///< anything else json_loadb refuses
};

class Document {
  public:
    /// Validates `text`, which must outlive the Document and every Value read from it.
    static Document scan(std::string_view text, const ScanOptions& options = {});

    Problem problem() const noexcept { return problem_; }
    bool ok() const noexcept { return problem_ == Problem::none; }
    /// Whether values can be read: no problem, or only lone surrogates (read as U+FFFD).
    bool readable() const noexcept { return readable_; }
    /// What was wrong, in Jansson's words (e.g. "invalid Unicode '\uD83D' near '"\ud83d"'").
    const std::string& error() const noexcept { return error_; }

    /// The top-level value (readable documents only).
    Value root() const noexcept { return root_; }
    /// A member of the top-level object (readable documents only); the last one of equal keys
    /// when duplicates were allowed.
    std::optional<Value> get(std::string_view key) const noexcept;
    /// How many members the top-level object has, repeated keys counted (0 for anything else).
    std::size_t size() const noexcept { return members_.size(); }

  private:
    friend class Scanner;
    struct Member {
        std::uint32_t key_offset;  ///< into text_, or into keys_ when in_arena
        std::uint32_t key_size;
        bool in_arena;
        std::uint32_t key_end;  ///< offset in text_ just past the key's closing quote
        std::uint32_t value_begin;
        std::uint32_t value_end;
        std::uint64_t prefix;  ///< the key's first 8 bytes, big-endian: most comparisons end here
    };
    std::string_view key_of(const Member& m) const noexcept;

    std::string_view text_;
    Problem problem_ = Problem::invalid;
    bool readable_ = false;
    std::string error_;
    Value root_;
    std::vector<Member> members_;  ///< the top-level object's, sorted by key
    std::string keys_;             ///< decoded keys that held an escape
};

}  // namespace interview::util::json
