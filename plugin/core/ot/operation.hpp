// Operations as full traversals of a document, as in ot.js: a sequence of components
//   retain n   keep the next n code units,
//   insert s   insert the text s,
//   delete n   remove the next n code units,
// that together walk the whole document (the base length is the sum of retains and deletes; the
// target length is the sum of retains and inserts). Positions and lengths are UTF-16 code units,
// as Monaco and JavaScript count them.
//
// Normal form (kept by the builders, so two equal edits always compare equal): no zero-length
// component, no two adjacent components of the same kind, and an insert directly next to a delete
// always comes first (ot.js's rule). A trailing retain is kept, since the traversal is full.
//
// Tie-breaking: transform(a, b) puts a's insert before b's when both insert at the same position
// (ot.js semantics). The Authority always calls transform(committed, incoming): the operation that
// the authority committed first keeps its place and a concurrent insert at the same position lands
// after it. A client must do the same with the operations it receives: transform(received,
// pending) (see ot/client.hpp), which is the mirror image of ot.js's Client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ot/result.hpp"

namespace interview::ot {

enum class Kind : std::uint8_t { retain, insert, erase };

struct Component {
    Kind kind;
    std::size_t length;       // code units retained, inserted or deleted
    std::size_t text_offset;  // insert only: offset of its text in the operation's text pool
    bool operator==(const Component&) const = default;
};

class Operation {
  public:
    Operation() = default;

    // Builders; each keeps the normal form described above. Zero lengths are ignored.
    Operation& retain(std::size_t n);
    Operation& insert(std::u16string_view text);
    Operation& erase(std::size_t n);  // "delete"

    // Empties the operation but keeps its storage, so a caller can reuse one object per edit.
    void clear() noexcept;
    void reserve(std::size_t components, std::size_t text_units);

    const std::vector<Component>& components() const noexcept { return comps_; }
    std::u16string_view text(const Component& c) const noexcept {
        return std::u16string_view(text_).substr(c.text_offset, c.length);
    }
    // All inserted text, the inserts' texts concatenated in order.
    std::u16string_view inserted_text() const noexcept { return text_; }

    std::size_t base_length() const noexcept { return base_; }
    std::size_t target_length() const noexcept { return target_; }
    // True when the operation changes nothing (only a retain, or empty).
    bool is_noop() const noexcept {
        return comps_.empty() || (comps_.size() == 1 && comps_[0].kind == Kind::retain);
    }

    bool operator==(const Operation& o) const noexcept {
        return base_ == o.base_ && comps_ == o.comps_ && text_ == o.text_;
    }

  private:
    std::vector<Component> comps_;
    std::u16string text_;
    std::size_t base_ = 0;
    std::size_t target_ = 0;
};

// The common single-range edit as a full operation: replace `remove` units at `pos` of a document
// of `doc_length` units by `text`. The caller guarantees pos + remove <= doc_length.
Operation make_replace(std::size_t doc_length, std::size_t pos, std::size_t remove,
                       std::u16string_view text);
// Same, reusing `out`'s storage (the allocation-free path of the benchmark and the trace tool).
void make_replace(Operation& out, std::size_t doc_length, std::size_t pos, std::size_t remove,
                  std::u16string_view text);

// Reference application to a plain string (tests, small documents). TextBuffer::apply is the fast
// one. Fails with base_length_mismatch when op does not traverse `doc` exactly; it does not check
// surrogates or limits (see validate.hpp).
Result<std::u16string> apply(const Operation& op, std::u16string_view doc);

// compose(a, b): one operation with the effect of a then b. Requires a.target == b.base.
Result<Operation> compose(const Operation& a, const Operation& b);

// transform(a, b) -> (a', b') for a and b made on the same document, such that
// apply(apply(d, a), b') == apply(apply(d, b), a'). Same-position inserts: a's goes first.
Result<std::pair<Operation, Operation>> transform(const Operation& a, const Operation& b);
// Only b' of transform(a, b), without building a'.
Result<Operation> transform_second(const Operation& a, const Operation& b);

// The operation that undoes `op`; `doc` is the document op applied to (deleted text comes back).
Result<Operation> invert(const Operation& op, std::u16string_view doc);

// Moves a cursor position across `op`. An insert exactly at the cursor pushes it forward only when
// `own` is true (the cursor belongs to the author of op: typing moves your caret, not others').
// A cursor inside a deleted range goes to where the range was. The result is clamped to the
// target length; given a position that is not inside a surrogate pair (TextBuffer::snap), the
// result is not inside one either, because valid operations never split pairs.
std::size_t transform_position(std::size_t pos, const Operation& op, bool own) noexcept;

struct Selection {
    std::size_t anchor = 0;
    std::size_t head = 0;
    bool operator==(const Selection&) const = default;
};
Selection transform_selection(const Selection& sel, const Operation& op, bool own) noexcept;

}  // namespace interview::ot
