// Hand-written cases for operations: normal form, apply, compose, transform (tie-break), invert
// and cursor transform, on ASCII, CJK, combining marks, emoji and empty documents.
#include <gtest/gtest.h>

#include "ot/json.hpp"
#include "ot/operation.hpp"
#include "ot/text_buffer.hpp"
#include "test_util.hpp"

namespace interview::ot {
namespace {

using test::u16;
using test::u8;

std::string json(const Operation& op) {
    return operation_to_json_text(op);
}

TEST(Operation, BuildersKeepNormalForm) {
    Operation op;
    op.retain(2).retain(3).insert(u"ab").insert(u"c").erase(1).erase(2).retain(0).insert(u"");
    EXPECT_EQ(json(op), R"([5,"abc",-3])");
    EXPECT_EQ(op.base_length(), 8u);
    EXPECT_EQ(op.target_length(), 8u);
}

TEST(Operation, InsertAfterDeleteMovesBeforeIt) {
    Operation a;
    a.retain(1).erase(2).insert(u"x");
    EXPECT_EQ(json(a), R"([1,"x",-2])");
    Operation b;
    b.retain(1).insert(u"x").erase(2).insert(u"y");  // merges into the insert before the delete
    EXPECT_EQ(json(b), R"([1,"xy",-2])");
    EXPECT_EQ(a.text(a.components()[1]), u"x");
    EXPECT_EQ(b.text(b.components()[1]), u"xy");
}

TEST(Operation, NoopAndEquality) {
    EXPECT_TRUE(Operation().is_noop());
    Operation r;
    r.retain(4);
    EXPECT_TRUE(r.is_noop());
    EXPECT_FALSE(make_replace(4, 4, 0, u"!").is_noop());
    EXPECT_EQ(make_replace(4, 1, 2, u"xy"), make_replace(4, 1, 2, u"xy"));
    EXPECT_NE(make_replace(4, 1, 2, u"xy"), make_replace(4, 1, 2, u"xz"));
}

TEST(Operation, ApplyAsciiCjkEmojiCombining) {
    const std::u16string doc = u16("héllo 中文 👍🏽 e\u0301!");
    // "👍🏽" is two astral characters: 4 code units.
    const std::size_t emoji = doc.find(u16("👍"));
    ASSERT_NE(emoji, std::u16string::npos);
    auto out = ot::apply(make_replace(doc.size(), emoji, 4, u16("🎉")), doc);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(u8(*out), "héllo 中文 🎉 e\u0301!");
    // Delete the combining mark alone (it is its own code unit) and insert CJK at the start.
    const std::size_t mark = doc.find(u'\u0301');
    Operation op;
    op.insert(u16("你好")).retain(mark).erase(1).retain(doc.size() - mark - 1);
    auto out2 = ot::apply(op, doc);
    ASSERT_TRUE(out2.ok());
    EXPECT_EQ(u8(*out2), "你好héllo 中文 👍🏽 e!");
}

TEST(Operation, EmptyDocuments) {
    Operation empty;
    auto a = ot::apply(empty, u"");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(*a, u"");
    auto b = ot::apply(make_replace(0, 0, 0, u"\U0001F600"), u"");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->size(), 2u);
    auto c = ot::apply(make_replace(2, 0, 2, u""), *b);  // delete everything
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(c->empty());
    EXPECT_FALSE(ot::apply(empty, u"x").ok());  // [] on a non-empty document
}

TEST(Operation, DeleteAtEnd) {
    const std::u16string doc = u"abc\U0001F600";
    auto out = ot::apply(make_replace(doc.size(), 3, 2, u""), doc);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(*out, u"abc");
    EXPECT_EQ(json(make_replace(doc.size(), 3, 2, u"")), "[3,-2]");
}

TEST(Operation, ApplyChecksBaseLength) {
    auto r = ot::apply(make_replace(3, 0, 0, u"x"), u"ab");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::base_length_mismatch);
}

TEST(Operation, ComposeSimple) {
    const Operation a = make_replace(3, 1, 1, u"XY");  // abc -> aXYc
    const Operation b = make_replace(4, 4, 0, u"!");   // -> aXYc!
    auto c = compose(a, b);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(json(*c), R"([1,"XY",-1,1,"!"])");
    EXPECT_EQ(*ot::apply(*c, u"abc"), u"aXYc!");
    EXPECT_FALSE(compose(b, a).ok());  // lengths do not chain
}

TEST(Operation, ComposeInsertThenDeleteCancels) {
    auto c = compose(make_replace(2, 1, 0, u"xyz"), make_replace(5, 1, 3, u""));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(json(*c), "[2]");
}

TEST(Operation, SamePositionInsertsTieBreakFirstArgumentFirst) {
    const std::u16string doc = u"ab";
    const Operation committed = make_replace(2, 1, 0, u"S");
    const Operation incoming = make_replace(2, 1, 0, u"C");
    auto p = transform(committed, incoming);
    ASSERT_TRUE(p.ok());
    // committed's insert stays first, on both sides.
    EXPECT_EQ(*ot::apply(p->second, *ot::apply(committed, doc)), u"aSCb");
    EXPECT_EQ(*ot::apply(p->first, *ot::apply(incoming, doc)), u"aSCb");
    // The other order gives the mirror result: the tie-break is decided by argument order only.
    auto q = transform(incoming, committed);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(*ot::apply(q->second, *ot::apply(incoming, doc)), u"aCSb");
}

TEST(Operation, TransformDeleteDelete) {
    const std::u16string doc = u"0123456789";
    const Operation a = make_replace(10, 2, 4, u"");  // delete 2345
    const Operation b = make_replace(10, 4, 4, u"");  // delete 4567
    auto p = transform(a, b);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*ot::apply(p->second, *ot::apply(a, doc)), u"0189");
    EXPECT_EQ(*ot::apply(p->first, *ot::apply(b, doc)), u"0189");
}

TEST(Operation, TransformRequiresSameBase) {
    auto p = transform(make_replace(2, 0, 0, u"x"), make_replace(3, 0, 0, u"y"));
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, ErrorCode::base_length_mismatch);
}

TEST(Operation, InvertRestoresDeletedAstralText) {
    const std::u16string doc = u16("a😀中b");
    const Operation op = make_replace(doc.size(), 1, 3, u"Z");
    auto inv = invert(op, doc);
    ASSERT_TRUE(inv.ok());
    EXPECT_EQ(*ot::apply(*inv, *ot::apply(op, doc)), doc);
    EXPECT_FALSE(invert(op, u"sh").ok());
}

TEST(Operation, CursorOwnVersusOther) {
    const Operation ins = make_replace(4, 2, 0, u"xy");
    EXPECT_EQ(transform_position(2, ins, true), 4u);   // my typing moves my caret
    EXPECT_EQ(transform_position(2, ins, false), 2u);  // but not someone else's
    EXPECT_EQ(transform_position(1, ins, false), 1u);
    EXPECT_EQ(transform_position(3, ins, false), 5u);
    const Operation del = make_replace(6, 1, 3, u"");
    EXPECT_EQ(transform_position(2, del, false), 1u);  // inside the deleted range
    EXPECT_EQ(transform_position(4, del, false), 1u);
    EXPECT_EQ(transform_position(5, del, false), 2u);
    EXPECT_EQ(transform_position(99, del, false), 3u);  // clamped to the document
    const Operation rep = make_replace(6, 1, 3, u"ABCD");
    EXPECT_EQ(transform_position(1, rep, true), 5u);
    EXPECT_EQ(transform_position(1, rep, false), 1u);
    EXPECT_EQ(transform_position(3, rep, false), 5u);  // inside the replaced text: after it
    const Selection s = transform_selection({1, 5}, rep, false);
    EXPECT_EQ(s, (Selection{1, 6}));
}

TEST(Operation, CursorNeverInsideSurrogatePair) {
    const TextBuffer doc(u16("a😀b"));
    EXPECT_EQ(doc.snap(2), 1u);  // between the halves of 😀: snapped before the pair
    EXPECT_EQ(doc.snap(3), 3u);
    EXPECT_EQ(doc.snap(100), 4u);
    const Operation op = make_replace(4, 0, 1, u16("😀"));  // replace 'a' by another emoji
    const std::size_t p = transform_position(doc.snap(2), op, false);
    EXPECT_EQ(p, 2u);  // before the original 😀, after the new one: a pair boundary
}

TEST(TextBuffer, GapBufferEditsUtf8AndChecksum) {
    TextBuffer buf(u"hello");
    EXPECT_EQ(buf.checksum(), sha256_hex("hello"));
    ASSERT_TRUE(buf.apply(make_replace(5, 5, 0, u16(" wörld 😀"))).ok());
    ASSERT_TRUE(buf.apply(make_replace(buf.length(), 0, 1, u"H")).ok());
    EXPECT_EQ(buf.utf8(), "Hello wörld 😀");
    EXPECT_EQ(buf.utf8_size(), buf.utf8().size());
    EXPECT_EQ(buf.checksum(), sha256_hex("Hello wörld 😀"));
    EXPECT_EQ(buf.substring(6, 5), u16("wörld"));
    EXPECT_EQ(buf.utf8_length(7, 1), 2u);  // ö
    EXPECT_FALSE(buf.apply(make_replace(3, 0, 0, u"x")).ok());
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TextBuffer, LargePastesAndJumps) {
    // 100 KiB pastes at both ends and in the middle of a growing document, checked against the
    // plain-string reference.
    std::u16string ref;
    TextBuffer buf;
    std::u16string paste(100 * 1024, u'p');
    for (int i = 0; i < 6; ++i) {
        const std::size_t pos = (i % 3 == 0) ? 0 : (i % 3 == 1) ? ref.size() : ref.size() / 2;
        const Operation op = make_replace(ref.size(), pos, i == 5 ? 1000 : 0, paste);
        ref = *ot::apply(op, ref);
        ASSERT_TRUE(buf.apply(op).ok());
    }
    EXPECT_EQ(buf.text(), ref);
    EXPECT_EQ(buf.utf8_size(), ref.size());
}

}  // namespace
}  // namespace interview::ot
