#include "ot/text_buffer.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "ot/utf.hpp"

namespace interview::ot {

TextBuffer::TextBuffer(std::u16string_view text)
    : buf_(text.begin(), text.end()),
      gap_start_(text.size()),
      gap_end_(text.size()),
      utf8_size_(ot::utf8_length(text)) {}

Result<TextBuffer> TextBuffer::from_utf8(std::string_view utf8) {
    auto text = utf8_to_utf16(utf8);
    if (!text) {
        return std::move(text).error();
    }
    return TextBuffer(*text);
}

std::size_t TextBuffer::snap(std::size_t pos) const noexcept {
    pos = std::min(pos, length());
    return splits_pair(pos) ? pos - 1 : pos;
}

void TextBuffer::append_substring(std::size_t pos, std::size_t len, std::u16string& out) const {
    pos = std::min(pos, length());
    len = std::min(len, length() - pos);
    const std::size_t end = pos + len;
    if (pos < gap_start_) {
        const std::size_t stop = std::min(end, gap_start_);
        out.append(buf_.data() + pos, stop - pos);
    }
    if (end > gap_start_) {
        const std::size_t from = std::max(pos, gap_start_);
        const std::size_t gap = gap_end_ - gap_start_;
        out.append(buf_.data() + from + gap, end - from);
    }
}

std::u16string TextBuffer::substring(std::size_t pos, std::size_t len) const {
    std::u16string out;
    append_substring(pos, len, out);
    return out;
}

std::size_t TextBuffer::utf8_length(std::size_t pos, std::size_t len) const noexcept {
    // The gap never sits inside a surrogate pair (it only moves to validated boundaries), so the
    // two segments can be counted separately.
    const std::size_t end = pos + len;
    std::size_t bytes = 0;
    const std::u16string_view all(buf_.data(), buf_.size());
    if (pos < gap_start_) {
        const std::size_t stop = std::min(end, gap_start_);
        bytes += ot::utf8_length(all.substr(pos, stop - pos));
    }
    if (end > gap_start_) {
        const std::size_t from = std::max(pos, gap_start_);
        bytes += ot::utf8_length(all.substr(from + (gap_end_ - gap_start_), end - from));
    }
    return bytes;
}

const std::string& TextBuffer::utf8() const {
    if (!utf8_valid_) {
        // One resize, then both segments written in place. Sized by measuring them, not by
        // trusting utf8_size_, so that a bookkeeping slip could never write past the end.
        const std::u16string_view all(buf_.data(), buf_.size());
        const std::u16string_view before = all.substr(0, gap_start_);
        const std::u16string_view after = all.substr(gap_end_);
        utf8_.resize(ot::utf8_length(before) + ot::utf8_length(after));
        write_utf16_as_utf8(after, write_utf16_as_utf8(before, utf8_.data()));
        utf8_valid_ = true;
    }
    return utf8_;
}

const std::string& TextBuffer::checksum() const {
    if (!checksum_valid_) {
        checksum_ = sha256_hex(utf8());
        checksum_valid_ = true;
    }
    return checksum_;
}

void TextBuffer::move_gap(std::size_t pos) noexcept {
    if (pos == gap_start_) {
        return;
    }
    char16_t* b = buf_.data();
    const std::size_t gap = gap_end_ - gap_start_;
    if (pos < gap_start_) {
        const std::size_t n = gap_start_ - pos;
        std::memmove(b + gap_end_ - n, b + pos, n * sizeof(char16_t));
    } else {
        const std::size_t n = pos - gap_start_;
        std::memmove(b + gap_start_, b + gap_end_, n * sizeof(char16_t));
    }
    gap_start_ = pos;
    gap_end_ = pos + gap;
}

void TextBuffer::ensure_gap(std::size_t n) {
    const std::size_t gap = gap_end_ - gap_start_;
    if (gap >= n) {
        return;
    }
    // Geometric growth keeps appends amortised O(1); the new gap is at least 64 units so typing
    // into a fresh document does not reallocate per key.
    const std::size_t len = length();
    const std::size_t cap = std::max({buf_.size() * 2, len + n + 64, std::size_t{256}});
    std::vector<char16_t> grown(cap);
    const std::size_t tail = buf_.size() - gap_end_;
    std::copy_n(buf_.data(), gap_start_, grown.data());
    std::copy_n(buf_.data() + gap_end_, tail, grown.data() + cap - tail);
    buf_.swap(grown);
    gap_end_ = cap - tail;
}

Status TextBuffer::apply(const Operation& op) {
    if (op.base_length() != length()) {
        return make_error(ErrorCode::base_length_mismatch,
                          "operation base length " + std::to_string(op.base_length()) +
                              " != document length " + std::to_string(length()));
    }
    std::size_t pos = 0;
    for (const Component& c : op.components()) {
        switch (c.kind) {
            case Kind::retain:
                pos += c.length;
                break;
            case Kind::insert: {
                move_gap(pos);
                ensure_gap(c.length);
                const std::u16string_view t = op.text(c);
                if (t.size() == 1) {  // typing: skip the memmove call and the counting loop
                    const char16_t u = t[0];
                    buf_[gap_start_] = u;
                    utf8_size_ += u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
                } else {
                    std::copy(t.begin(), t.end(), buf_.data() + gap_start_);
                    utf8_size_ += ot::utf8_length(t);
                }
                gap_start_ += c.length;
                pos += c.length;
                break;
            }
            case Kind::erase: {
                move_gap(pos);
                // The deleted units are the first ones after the gap: widen the gap over them.
                if (c.length == 1) {  // backspace: same shortcut as typing
                    const char16_t u = buf_[gap_end_];
                    utf8_size_ -= u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
                } else {
                    utf8_size_ -=
                        ot::utf8_length(std::u16string_view(buf_.data() + gap_end_, c.length));
                }
                gap_end_ += c.length;
                break;
            }
        }
    }
    if (!op.is_noop()) {
        utf8_valid_ = false;
        checksum_valid_ = false;
    }
    return Ok{};
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // EVP_Digest is the one-shot API; it cannot fail for SHA-256 short of an allocation failure.
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
        return std::string();
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(len * 2, '0');
    for (unsigned int i = 0; i < len; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xF];
    }
    return out;
}

}  // namespace interview::ot
