// Every validation error of an operation against its document, and the cap in UTF-8 bytes.
#include <gtest/gtest.h>

#include "ot/validate.hpp"
#include "test_util.hpp"

namespace interview::ot {
namespace {

using test::u16;

ErrorCode code_of(const Operation& op, const TextBuffer& doc, const Limits& limits = {}) {
    auto st = validate(op, doc, limits);
    EXPECT_FALSE(st.ok());
    return st.ok() ? ErrorCode::invalid_state : st.error().code;
}

TEST(Validate, AcceptsValidOperations) {
    const TextBuffer doc(u16("a😀中\nb"));
    EXPECT_TRUE(validate(make_replace(doc.length(), 1, 2, u16("👍🏽")), doc, {}).ok());
    EXPECT_TRUE(validate(make_replace(doc.length(), doc.length(), 0, u"\n\t"), doc, {}).ok());
    EXPECT_TRUE(validate(Operation().retain(doc.length()), doc, {}).ok());
    EXPECT_TRUE(validate(Operation(), TextBuffer(), {}).ok());
}

TEST(Validate, BaseLengthMismatch) {
    const TextBuffer doc(u"abc");
    EXPECT_EQ(code_of(make_replace(2, 0, 0, u"x"), doc), ErrorCode::base_length_mismatch);
    EXPECT_EQ(code_of(Operation(), doc), ErrorCode::base_length_mismatch);  // [] on non-empty
    EXPECT_EQ(code_of(make_replace(4, 0, 0, u"x"), doc), ErrorCode::base_length_mismatch);
}

TEST(Validate, SplitsSurrogatePair) {
    const TextBuffer doc(u16("a😀b"));  // a, high, low, b
    EXPECT_EQ(code_of(make_replace(4, 2, 0, u"x"), doc), ErrorCode::splits_surrogate_pair);
    EXPECT_EQ(code_of(make_replace(4, 2, 1, u""), doc), ErrorCode::splits_surrogate_pair);
    EXPECT_EQ(code_of(make_replace(4, 0, 2, u""), doc), ErrorCode::splits_surrogate_pair);
    EXPECT_EQ(code_of(make_replace(4, 1, 1, u"Z"), doc), ErrorCode::splits_surrogate_pair);
    EXPECT_TRUE(validate(make_replace(4, 1, 2, u""), doc, {}).ok());  // the whole pair is fine
    // A retain boundary alone inside a pair changes nothing and is not an error.
    Operation retains;
    retains.retain(2).retain(2);
    EXPECT_TRUE(validate(retains, doc, {}).ok());
}

TEST(Validate, LoneSurrogate) {
    const TextBuffer doc(u"ab");
    const std::u16string high = {u'x', 0xD83D};
    const std::u16string low = {0xDE00, u'y'};
    EXPECT_EQ(code_of(make_replace(2, 1, 0, high), doc), ErrorCode::lone_surrogate);
    EXPECT_EQ(code_of(make_replace(2, 1, 0, low), doc), ErrorCode::lone_surrogate);
    // Two inserts whose halves would pair up only if concatenated are still each lone.
    Operation split;
    split.insert(std::u16string(1, char16_t(0xD83D)))
        .retain(1)
        .insert(std::u16string(1, char16_t(0xDE00)))
        .retain(1);
    EXPECT_EQ(code_of(split, doc), ErrorCode::lone_surrogate);
}

TEST(Validate, CarriageReturn) {
    const TextBuffer doc(u"ab");
    EXPECT_EQ(code_of(make_replace(2, 1, 0, u"x\r\ny"), doc), ErrorCode::carriage_return);
    auto st = validate(make_replace(2, 1, 0, u"xy\r"), doc, {});
    EXPECT_NE(st.error().message.find("code unit 2"), std::string::npos);
}

TEST(Validate, InsertTooLarge) {
    Limits limits;
    limits.max_insert_units = 4;
    const TextBuffer doc(u"ab");
    EXPECT_EQ(code_of(make_replace(2, 0, 0, u"12345"), doc, limits), ErrorCode::insert_too_large);
    EXPECT_TRUE(validate(make_replace(2, 0, 0, u"1234"), doc, limits).ok());
}

TEST(Validate, TooManyComponents) {
    Limits limits;
    limits.max_components = 3;
    const TextBuffer doc(u"abcd");
    Operation op;
    op.retain(1).erase(1).retain(1).erase(1);
    EXPECT_EQ(code_of(op, doc, limits), ErrorCode::too_many_components);
}

TEST(Validate, DocumentCapCountsUtf8Bytes) {
    Limits limits;
    limits.max_document_bytes = 10;
    const TextBuffer doc(u16("中中"));  // 2 units, 6 bytes
    // 2 more CJK = 12 bytes > 10 although only 4 UTF-16 units.
    EXPECT_EQ(code_of(make_replace(2, 2, 0, u16("中中")), doc, limits), ErrorCode::too_large);
    EXPECT_TRUE(validate(make_replace(2, 2, 0, u"abcd"), doc, limits).ok());  // exactly 10
    // Replacing CJK by ASCII frees bytes: the deleted text is counted.
    EXPECT_TRUE(validate(make_replace(2, 0, 2, u"abcdefghij"), doc, limits).ok());
    // An over-size document (cap lowered later) still accepts edits that do not grow it.
    limits.max_document_bytes = 3;
    EXPECT_TRUE(validate(make_replace(2, 0, 1, u"a"), doc, limits).ok());
    EXPECT_EQ(code_of(make_replace(2, 0, 0, u"a"), doc, limits), ErrorCode::too_large);
    // The default cap is 1 MiB of UTF-8.
    EXPECT_EQ(Limits{}.max_document_bytes, 1048576u);
    const TextBuffer big(std::u16string(1048576, u'x'));
    EXPECT_EQ(code_of(make_replace(big.length(), 0, 0, u"y"), big), ErrorCode::too_large);
    EXPECT_TRUE(validate(make_replace(big.length(), 0, 1, u"y"), big, {}).ok());
}

TEST(Validate, Document) {
    EXPECT_TRUE(validate_document(TextBuffer(u16("ok 😀\n")), {}).ok());
    EXPECT_EQ(validate_document(TextBuffer(u"a\rb"), {}).error().code, ErrorCode::carriage_return);
    EXPECT_EQ(validate_document(TextBuffer(std::u16string(1, char16_t(0xDC00))), {}).error().code,
              ErrorCode::lone_surrogate);
    Limits small;
    small.max_document_bytes = 2;
    EXPECT_EQ(validate_document(TextBuffer(u"abc"), small).error().code, ErrorCode::too_large);
}

}  // namespace
}  // namespace interview::ot
