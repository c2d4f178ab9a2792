#include "ot/operation.hpp"

#include <algorithm>

namespace interview::ot {

Operation& Operation::retain(std::size_t n) {
    if (n == 0) {
        return *this;
    }
    base_ += n;
    target_ += n;
    if (!comps_.empty() && comps_.back().kind == Kind::retain) {
        comps_.back().length += n;
    } else {
        comps_.push_back(Component{Kind::retain, n, 0});
    }
    return *this;
}

Operation& Operation::insert(std::u16string_view s) {
    if (s.empty()) {
        return *this;
    }
    target_ += s.size();
    const std::size_t offset = text_.size();
    // The text pool holds the inserts' texts in component order, so merging into the insert that
    // precedes (possibly across one delete) is always an append at the pool's end.
    text_.append(s);
    const std::size_t n = comps_.size();
    if (n >= 1 && comps_[n - 1].kind == Kind::insert) {
        comps_[n - 1].length += s.size();
    } else if (n >= 1 && comps_[n - 1].kind == Kind::erase) {
        if (n >= 2 && comps_[n - 2].kind == Kind::insert) {
            comps_[n - 2].length += s.size();
        } else {
            // Insert before delete at the same place, as ot.js does: one canonical order.
            comps_.insert(comps_.end() - 1, Component{Kind::insert, s.size(), offset});
        }
    } else {
        comps_.push_back(Component{Kind::insert, s.size(), offset});
    }
    return *this;
}

Operation& Operation::erase(std::size_t n) {
    if (n == 0) {
        return *this;
    }
    base_ += n;
    if (!comps_.empty() && comps_.back().kind == Kind::erase) {
        comps_.back().length += n;
    } else {
        comps_.push_back(Component{Kind::erase, n, 0});
    }
    return *this;
}

void Operation::clear() noexcept {
    comps_.clear();
    text_.clear();
    base_ = 0;
    target_ = 0;
}

void Operation::reserve(std::size_t components, std::size_t text_units) {
    comps_.reserve(components);
    text_.reserve(text_units);
}

void make_replace(Operation& out, std::size_t doc_length, std::size_t pos, std::size_t remove,
                  std::u16string_view text) {
    out.clear();
    out.retain(pos).insert(text).erase(remove).retain(doc_length - pos - remove);
}

Operation make_replace(std::size_t doc_length, std::size_t pos, std::size_t remove,
                       std::u16string_view text) {
    Operation op;
    make_replace(op, doc_length, pos, remove, text);
    return op;
}

namespace {

Error length_error(const char* what, std::size_t expected, std::size_t actual) {
    return make_error(ErrorCode::base_length_mismatch, std::string(what) + ": expected length " +
                                                           std::to_string(expected) + ", got " +
                                                           std::to_string(actual));
}

// Walks an operation's components, allowing partial consumption of the current one.
class Walker {
  public:
    explicit Walker(const Operation& op) : op_(op), comps_(op.components()) {}
    bool done() const noexcept { return i_ == comps_.size(); }
    Kind kind() const noexcept { return comps_[i_].kind; }
    std::size_t remaining() const noexcept { return comps_[i_].length - off_; }
    std::u16string_view text(std::size_t n) const noexcept {
        return op_.text(comps_[i_]).substr(off_, n);
    }
    void advance(std::size_t n) noexcept {
        off_ += n;
        if (off_ == comps_[i_].length) {
            ++i_;
            off_ = 0;
        }
    }

  private:
    const Operation& op_;
    const std::vector<Component>& comps_;
    std::size_t i_ = 0;
    std::size_t off_ = 0;
};

}  // namespace

Result<std::u16string> apply(const Operation& op, std::u16string_view doc) {
    if (op.base_length() != doc.size()) {
        return length_error("apply", doc.size(), op.base_length());
    }
    std::u16string out;
    out.reserve(op.target_length());
    std::size_t pos = 0;
    for (const Component& c : op.components()) {
        switch (c.kind) {
            case Kind::retain:
                out.append(doc.substr(pos, c.length));
                pos += c.length;
                break;
            case Kind::insert:
                out.append(op.text(c));
                break;
            case Kind::erase:
                pos += c.length;
                break;
        }
    }
    return out;
}

Result<Operation> compose(const Operation& a, const Operation& b) {
    if (a.target_length() != b.base_length()) {
        return length_error("compose", a.target_length(), b.base_length());
    }
    Operation out;
    Walker wa(a);
    Walker wb(b);
    // The length check above guarantees both walkers run out together (ot.js's error branches are
    // unreachable), so the loop only needs to look at which kinds meet.
    while (!wa.done() || !wb.done()) {
        if (!wa.done() && wa.kind() == Kind::erase) {
            out.erase(wa.remaining());
            wa.advance(wa.remaining());
            continue;
        }
        if (!wb.done() && wb.kind() == Kind::insert) {
            out.insert(wb.text(wb.remaining()));
            wb.advance(wb.remaining());
            continue;
        }
        const std::size_t n = std::min(wa.remaining(), wb.remaining());
        if (wa.kind() == Kind::retain && wb.kind() == Kind::retain) {
            out.retain(n);
        } else if (wa.kind() == Kind::insert && wb.kind() == Kind::erase) {
            // inserted then deleted: nothing
        } else if (wa.kind() == Kind::insert && wb.kind() == Kind::retain) {
            out.insert(wa.text(n));
        } else {  // retain, erase
            out.erase(n);
        }
        wa.advance(n);
        wb.advance(n);
    }
    return out;
}

namespace {

// The one transform walk. With kBoth false, only b' is built: what the authority needs (it
// transforms an incoming op over committed ones and throws a' away, which would copy every
// text the committed op inserted).
template <bool kBoth>
void transform_walk(const Operation& a, const Operation& b, Operation& a2, Operation& b2) {
    b2.reserve(0, b.inserted_text().size());  // b' inserts exactly b's text
    Walker wa(a);
    Walker wb(b);
    while (!wa.done() || !wb.done()) {
        if (!wa.done() && wa.kind() == Kind::insert) {  // a's insert first: the tie-break
            const std::size_t n = wa.remaining();
            if constexpr (kBoth) {
                a2.insert(wa.text(n));
            }
            b2.retain(n);
            wa.advance(n);
            continue;
        }
        if (!wb.done() && wb.kind() == Kind::insert) {
            const std::size_t n = wb.remaining();
            if constexpr (kBoth) {
                a2.retain(n);
            }
            b2.insert(wb.text(n));
            wb.advance(n);
            continue;
        }
        const std::size_t n = std::min(wa.remaining(), wb.remaining());
        const Kind ka = wa.kind();
        const Kind kb = wb.kind();
        if (ka == Kind::retain && kb == Kind::retain) {
            if constexpr (kBoth) {
                a2.retain(n);
            }
            b2.retain(n);
        } else if (ka == Kind::erase && kb == Kind::retain) {
            if constexpr (kBoth) {
                a2.erase(n);
            }
        } else if (ka == Kind::retain && kb == Kind::erase) {
            b2.erase(n);
        }  // erase/erase: both deleted the same text, neither needs to
        wa.advance(n);
        wb.advance(n);
    }
}

}  // namespace

Result<std::pair<Operation, Operation>> transform(const Operation& a, const Operation& b) {
    if (a.base_length() != b.base_length()) {
        return length_error("transform", a.base_length(), b.base_length());
    }
    Operation a2;
    Operation b2;
    transform_walk<true>(a, b, a2, b2);
    return std::pair<Operation, Operation>(std::move(a2), std::move(b2));
}

Result<Operation> transform_second(const Operation& a, const Operation& b) {
    if (a.base_length() != b.base_length()) {
        return length_error("transform", a.base_length(), b.base_length());
    }
    Operation unused;
    Operation b2;
    transform_walk<false>(a, b, unused, b2);
    return b2;
}

Result<Operation> invert(const Operation& op, std::u16string_view doc) {
    if (op.base_length() != doc.size()) {
        return length_error("invert", doc.size(), op.base_length());
    }
    Operation out;
    std::size_t pos = 0;
    for (const Component& c : op.components()) {
        switch (c.kind) {
            case Kind::retain:
                out.retain(c.length);
                pos += c.length;
                break;
            case Kind::insert:
                out.erase(c.length);
                break;
            case Kind::erase:
                out.insert(doc.substr(pos, c.length));
                pos += c.length;
                break;
        }
    }
    return out;
}

std::size_t transform_position(std::size_t pos, const Operation& op, bool own) noexcept {
    std::size_t left = std::min(pos, op.base_length());  // base units still before the cursor
    std::size_t out = left;
    for (const Component& c : op.components()) {
        if (c.kind == Kind::retain) {
            if (left < c.length) {
                break;  // the cursor is inside this retain: nothing after it moves it
            }
            left -= c.length;
        } else if (c.kind == Kind::insert) {
            if (left == 0 && !own) {
                break;  // insert exactly at someone else's cursor: it stays before the text
            }
            out += c.length;
        } else {
            // A cursor inside a deleted range goes to its start; keep walking, since a following
            // insert at that place still pushes an own cursor.
            const std::size_t d = std::min(left, c.length);
            out -= d;
            left -= d;
        }
    }
    return std::min(out, op.target_length());
}

Selection transform_selection(const Selection& sel, const Operation& op, bool own) noexcept {
    return Selection{transform_position(sel.anchor, op, own),
                     transform_position(sel.head, op, own)};
}

}  // namespace interview::ot
