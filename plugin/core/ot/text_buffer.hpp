// The document: a gap buffer of UTF-16 code units.
//
// Why a gap buffer: interview edits are local (typing, deleting, the odd paste), so moving the gap
// to the edit costs about the distance from the previous edit, usually a few units, and a full
// traversal operation is applied in one left-to-right pass that moves the gap only forward. The
// text stays in one block (two segments), which makes the UTF-8 form a plain linear encode and
// random access O(1) (needed by validation to look at both sides of every boundary). A rope or a
// piece table would win only for edits that jump across a huge document; at our 1 MiB cap a
// worst-case gap move is one memmove of at most 2 MiB, still far below a millisecond.
//
// Costs: apply is O(components + inserted + deleted + gap movement); at() is O(1); utf8() and
// checksum() are O(n) once per revision and then cached until the next apply.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ot/operation.hpp"
#include "ot/result.hpp"

namespace interview::ot {

class TextBuffer {
  public:
    TextBuffer() = default;
    explicit TextBuffer(std::u16string_view text);
    // Decodes UTF-8; fails on invalid UTF-8. Does not check CR or size (see validate_document).
    static Result<TextBuffer> from_utf8(std::string_view utf8);

    std::size_t length() const noexcept { return buf_.size() - (gap_end_ - gap_start_); }
    bool empty() const noexcept { return length() == 0; }
    char16_t at(std::size_t i) const noexcept {
        return i < gap_start_ ? buf_[i] : buf_[i + (gap_end_ - gap_start_)];
    }

    // True when `pos` lies between the two halves of a surrogate pair.
    bool splits_pair(std::size_t pos) const noexcept {
        return pos > 0 && pos < length() && (at(pos - 1) & 0xFC00) == 0xD800 &&
               (at(pos) & 0xFC00) == 0xDC00;
    }
    // Clamps `pos` to [0, length()] and moves it off the middle of a surrogate pair (backwards):
    // how a cursor from a client is made safe before it is transformed.
    std::size_t snap(std::size_t pos) const noexcept;

    std::u16string substring(std::size_t pos, std::size_t len) const;
    void append_substring(std::size_t pos, std::size_t len, std::u16string& out) const;
    std::u16string text() const { return substring(0, length()); }

    // UTF-8 size of the whole text, kept up to date by apply() (O(1)).
    std::size_t utf8_size() const noexcept { return utf8_size_; }
    // UTF-8 size of the units [pos, pos + len).
    std::size_t utf8_length(std::size_t pos, std::size_t len) const noexcept;

    // The UTF-8 text, encoded once per revision and cached.
    const std::string& utf8() const;
    // Lowercase hex SHA-256 of utf8(), cached per revision.
    const std::string& checksum() const;

    // Applies `op` in one pass. Only checks the base length (never reads out of bounds); the
    // caller validates surrogates and limits first (validate() in ot/validate.hpp).
    Status apply(const Operation& op);

  private:
    void move_gap(std::size_t pos) noexcept;
    void ensure_gap(std::size_t n);

    std::vector<char16_t> buf_;  // [0, gap_start_) text, [gap_start_, gap_end_) gap, rest text
    std::size_t gap_start_ = 0;
    std::size_t gap_end_ = 0;
    std::size_t utf8_size_ = 0;
    mutable std::string utf8_;
    mutable bool utf8_valid_ = false;
    mutable std::string checksum_;
    mutable bool checksum_valid_ = false;
};

// Presence helper: moves a cursor across `op` and snaps it onto `after` (the document op produced),
// so the result is inside the document and never between the halves of a surrogate pair, whatever
// position the client sent.
inline std::size_t transform_cursor(std::size_t pos, const Operation& op, bool own,
                                    const TextBuffer& after) noexcept {
    return after.snap(transform_position(pos, op, own));
}

// Lowercase hex SHA-256 of arbitrary bytes (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

}  // namespace interview::ot
