// Fuzz target: the OT engine alone (plugin/core/ot). The input is up to three lines: a document
// (UTF-8), then two operations in JSON (ot.js arrays or the simple form). Operations that do not
// fit the document are replaced by ones built from the input's bytes, so transform, compose,
// invert and apply run on every input. Checked: JSON round trip, TP1 convergence
// (apply(apply(d, a), b') == apply(apply(d, b), a')), base and target lengths, compose and invert
// agreeing with apply, TextBuffer agreeing with the reference apply, and the Authority committing
// exactly what validate() accepts and ending where transform says.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "fuzz_support.hpp"
#include "json_ptr.hpp"
#include "ot/authority.hpp"
#include "ot/json.hpp"
#include "ot/operation.hpp"
#include "ot/text_buffer.hpp"
#include "ot/utf.hpp"
#include "ot/validate.hpp"

namespace {

using interview::fuzz::ByteReader;
namespace ot = interview::ot;

// Parses one line as an operation on `doc`: the full form, or the simple form.
std::optional<ot::Operation> parse_op(std::string_view line, const ot::TextBuffer& doc) {
    auto full = ot::operation_from_json_text(line);
    if (full.ok()) {
        // The wire form reads back as the same operation.
        auto again = ot::operation_from_json_text(ot::operation_to_json_text(*full));
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(*again == *full);
        return std::move(full.value());
    }
    const auto root = interview::util::json::Document::scan(line, {.reject_duplicates = false});
    if (!root.ok() || !root.root().is_object()) {
        return std::nullopt;
    }
    auto edit = ot::simple_edit_from_json(root);
    if (!edit.ok()) {
        return std::nullopt;
    }
    auto op = ot::simple_edit_to_operation(*edit, doc);
    if (!op.ok()) {
        return std::nullopt;
    }
    FUZZ_CHECK(op->base_length() == doc.length());
    return std::move(op.value());
}

// An operation on a document of `length` units made from the input's bytes (any kinds of text,
// surrogate halves included: apply and transform must not care).
ot::Operation make_op(ByteReader& in, std::size_t length) {
    static const char16_t kUnits[] = {u'a', u'b', u'\n', u'\u00e9', 0xD83D, 0xDE00, u'\r', u'z'};
    ot::Operation op;
    std::size_t left = length;
    for (int i = 0; i < 12 && !in.empty(); ++i) {
        switch (in.byte() % 3) {
            case 0:
                if (left > 0) {
                    const std::size_t n = 1 + in.upto(left - 1);
                    op.retain(n);
                    left -= n;
                }
                break;
            case 1: {
                std::u16string text(1 + in.byte() % 4, u'x');
                for (char16_t& c : text) {
                    c = kUnits[in.byte() % (sizeof kUnits / sizeof kUnits[0])];
                }
                op.insert(text);
                break;
            }
            default:
                if (left > 0) {
                    const std::size_t n = 1 + in.upto(left - 1);
                    op.erase(n);
                    left -= n;
                }
                break;
        }
    }
    op.retain(left);
    return op;
}

std::u16string applied(const ot::Operation& op, std::u16string_view doc) {
    auto r = ot::apply(op, doc);
    FUZZ_CHECK(r.ok());
    return std::move(r.value());
}

void check_pair(const std::u16string& d, const ot::Operation& a, const ot::Operation& b) {
    FUZZ_CHECK(a.base_length() == d.size() && b.base_length() == d.size());
    const std::u16string da = applied(a, d);
    const std::u16string db = applied(b, d);
    FUZZ_CHECK(da.size() == a.target_length());
    FUZZ_CHECK(db.size() == b.target_length());

    auto t = ot::transform(a, b);
    FUZZ_CHECK(t.ok());
    const auto& [a2, b2] = *t;
    FUZZ_CHECK(a2.base_length() == b.target_length());
    FUZZ_CHECK(b2.base_length() == a.target_length());
    const std::u16string dab = applied(b2, da);
    FUZZ_CHECK(dab == applied(a2, db));  // TP1

    auto ab = ot::compose(a, b2);
    FUZZ_CHECK(ab.ok());
    FUZZ_CHECK(applied(*ab, d) == dab);

    auto undo = ot::invert(a, d);
    FUZZ_CHECK(undo.ok());
    FUZZ_CHECK(applied(*undo, da) == d);

    ot::TextBuffer buffer(d);
    FUZZ_CHECK(buffer.apply(a).ok());
    FUZZ_CHECK(buffer.text() == da);
    for (std::size_t pos : {std::size_t{0}, d.size() / 2, d.size()}) {
        FUZZ_CHECK(ot::transform_position(pos, a, true) <= a.target_length());
        FUZZ_CHECK(ot::transform_position(pos, a, false) <= a.target_length());
        const auto sel = ot::transform_selection({pos, d.size()}, b, false);
        FUZZ_CHECK(sel.anchor <= b.target_length() && sel.head <= b.target_length());
    }
}

// The authority commits exactly what validate() accepts, and two concurrent submissions end
// where transform says.
void check_authority(const std::u16string& d, const ot::Operation& a, const ot::Operation& b) {
    const std::string utf8 = ot::utf16_to_utf8(d);
    auto restored = ot::Authority::restore(utf8, 0, {}, {});
    const ot::TextBuffer start(d);
    if (!restored.ok()) {
        FUZZ_CHECK(!ot::validate_document(start, ot::Limits{}).ok());
        return;
    }
    ot::Authority& auth = *restored;
    const bool a_valid = ot::validate(a, auth.document(), auth.config().limits).ok();
    auto ra = auth.submit("fuzz-a", 1, 0, a);
    FUZZ_CHECK(std::holds_alternative<ot::Committed>(ra) == a_valid);
    if (!a_valid) {
        FUZZ_CHECK(auth.revision() == 0);
        return;
    }
    FUZZ_CHECK(auth.document().text() == applied(a, d));
    auto rb = auth.submit("fuzz-b", 1, 0, b);
    if (std::holds_alternative<ot::Committed>(rb)) {
        auto t = ot::transform(a, b);
        FUZZ_CHECK(t.ok());
        FUZZ_CHECK(auth.document().text() == applied(t->second, applied(a, d)));
    } else {
        FUZZ_CHECK(std::holds_alternative<ot::Rejected>(rb));
    }
    // A resend is a duplicate, never applied twice.
    const std::uint64_t revision = auth.revision();
    FUZZ_CHECK(std::holds_alternative<ot::Duplicate>(auth.submit("fuzz-a", 1, 0, a)));
    FUZZ_CHECK(auth.revision() == revision);
    // What the store keeps rebuilds the same authority.
    auto again = ot::Authority::restore(auth.export_state());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->revision() == auth.revision());
    FUZZ_CHECK(again->document().text() == auth.document().text());
    FUZZ_CHECK(again->last_seq("fuzz-a") == auth.last_seq("fuzz-a"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto lines = interview::fuzz::split(interview::fuzz::as_text(data, size), '\n');
    auto decoded = ot::utf8_to_utf16(lines[0]);
    const std::u16string d = decoded.ok() ? std::move(decoded.value()) : u"hello \U0001F600 world";
    const ot::TextBuffer doc(d);
    ByteReader bytes(data, size);
    std::optional<ot::Operation> a = lines.size() > 1 ? parse_op(lines[1], doc) : std::nullopt;
    std::optional<ot::Operation> b = lines.size() > 2 ? parse_op(lines[2], doc) : std::nullopt;
    if (!a || a->base_length() != d.size()) {
        a = make_op(bytes, d.size());
    }
    if (!b || b->base_length() != d.size()) {
        b = make_op(bytes, d.size());
    }
    check_pair(d, *a, *b);
    check_pair(d, *b, *a);
    check_authority(d, *a, *b);
    return 0;
}
