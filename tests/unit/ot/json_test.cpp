// UTF-8 <-> UTF-16, the JSON wire form of operations (strict parsing, precise errors) and the
// seed's simple form.
#include <gtest/gtest.h>

#include "ot/json.hpp"
#include "ot/utf.hpp"
#include "test_util.hpp"

namespace interview::ot {
namespace {

using test::u16;

ErrorCode parse_error(const char* text) {
    auto r = operation_from_json_text(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? ErrorCode::invalid_state : r.error().code;
}

TEST(Utf, RoundTripsAstralCjkCombining) {
    const std::string s = "aé中😀e\u0301\U0010FFFF";
    auto w = utf8_to_utf16(s);
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w->size(), 1u + 1 + 1 + 2 + 2 + 2);
    EXPECT_EQ(utf16_to_utf8(*w), s);
    EXPECT_EQ(utf8_length(*w), s.size());
    EXPECT_EQ(utf8_to_utf16(std::string("a\0b", 3))->size(), 3u);  // NUL is a character
}

TEST(Utf, RejectsInvalidUtf8WithReason) {
    const char* bad[] = {"\x80",         "\xC0\xAF",         "\xE0\x80\xAF",
                         "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80",
                         "ab\xE4\xB8",   "\xC3\x28"};
    for (const char* s : bad) {
        auto r = utf8_to_utf16(s);
        ASSERT_FALSE(r.ok()) << s;
        EXPECT_EQ(r.error().code, ErrorCode::invalid_utf8);
        EXPECT_NE(r.error().message.find("byte"), std::string::npos);
    }
    EXPECT_NE(utf8_to_utf16("\xC0\xAF").error().message.find("overlong"), std::string::npos);
    EXPECT_NE(utf8_to_utf16("\xED\xA0\x80").error().message.find("surrogate"), std::string::npos);
    EXPECT_NE(utf8_to_utf16("ab\xE4\xB8").error().message.find("truncated"), std::string::npos);
}

TEST(Utf, LoneSurrogatesBecomeReplacementCharacter) {
    const std::u16string lone = {u'a', 0xD800, u'b', 0xDC00};
    EXPECT_EQ(utf16_to_utf8(lone),
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD");
    EXPECT_EQ(utf8_length(lone), 8u);
    EXPECT_EQ(find_lone_surrogate(lone), 1u);
    EXPECT_EQ(find_lone_surrogate(u"ok\U0001F600"), std::u16string_view::npos);
}

TEST(Json, ParsesAndEncodesOtJsForm) {
    auto op = operation_from_json_text(R"([3, "h\u00e9😀", -2, 1])");
    ASSERT_TRUE(op.ok());
    EXPECT_EQ(op->base_length(), 6u);
    EXPECT_EQ(op->target_length(), 4u + 4u);  // h, é, and the emoji's two units
    EXPECT_EQ(operation_to_json_text(*op), "[3,\"hé😀\",-2,1]");
    auto empty = operation_from_json_text("[]");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->is_noop());
    // Unnormalised input is normalised, as ot.js's builders do.
    EXPECT_EQ(operation_to_json_text(*operation_from_json_text(R"([1,2,-1,"a",-1])")),
              "[3,\"a\",-2]");
}

TEST(Json, ParseErrorsArePrecise) {
    EXPECT_EQ(parse_error("[1,"), ErrorCode::invalid_json);
    EXPECT_EQ(parse_error("{}"), ErrorCode::wrong_type);
    EXPECT_EQ(parse_error("5"), ErrorCode::wrong_type);
    EXPECT_EQ(parse_error("[true]"), ErrorCode::wrong_type);
    EXPECT_EQ(parse_error("[null]"), ErrorCode::wrong_type);
    EXPECT_EQ(parse_error("[[1]]"), ErrorCode::wrong_type);
    EXPECT_EQ(parse_error("[{}]"), ErrorCode::wrong_type);
    EXPECT_EQ(parse_error("[0]"), ErrorCode::invalid_component);
    EXPECT_EQ(parse_error("[1.5]"), ErrorCode::invalid_component);
    EXPECT_EQ(parse_error("[1.0]"), ErrorCode::invalid_component);
    EXPECT_EQ(parse_error(R"([""])"), ErrorCode::invalid_component);
    EXPECT_EQ(parse_error("[2147483648]"), ErrorCode::integer_out_of_range);
    EXPECT_EQ(parse_error("[-2147483648]"), ErrorCode::integer_out_of_range);
    EXPECT_EQ(parse_error("[99999999999999999999]"), ErrorCode::invalid_json);  // Jansson: overflow
    EXPECT_TRUE(operation_from_json_text("[2147483647]").ok());
    EXPECT_EQ(parse_error(R"(["\ud800"])"), ErrorCode::invalid_json);  // Jansson refuses it
    auto r = operation_from_json_text("[1, 0]");
    EXPECT_NE(r.error().message.find("element 1"), std::string::npos);
}

TEST(Json, ParseLimits) {
    Limits limits;
    limits.max_components = 2;
    limits.max_insert_units = 3;
    auto a = operation_from_json_text("[1,-1,1]", limits);
    EXPECT_EQ(a.error().code, ErrorCode::too_many_components);
    auto b = operation_from_json_text(R"(["ab","cd"])", limits);
    EXPECT_EQ(b.error().code, ErrorCode::insert_too_large);
    EXPECT_TRUE(operation_from_json_text(R"(["a😀"])", limits).ok());  // 3 units
}

TEST(Json, InvalidUtf8InString) {
    // The scan refuses invalid UTF-8 before any element is read, as Jansson did.
    auto r = operation_from_json_text("[\"\xC0\xAF\"]");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_json);
    EXPECT_NE(r.error().message.find("unable to decode byte 0xc0"), std::string::npos);
    EXPECT_EQ(operation_from_json(util::json::Value()).error().code, ErrorCode::wrong_type);
}

TEST(Json, CountIsCheckedBeforeElements) {
    Limits limits;
    limits.max_components = 2;
    auto r = operation_from_json_text("[1, true, 3]", limits);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::too_many_components);
    EXPECT_EQ(r.error().message, "3 components, the limit is 2");
    EXPECT_EQ(operation_from_json_text("[1, true]", limits).error().code, ErrorCode::wrong_type);
    // Nested values are skipped whole when counting.
    EXPECT_EQ(operation_from_json_text(R"([[1,2,3],{"a":[4,5]},"x,y"])", limits).error().code,
              ErrorCode::too_many_components);
    EXPECT_EQ(operation_from_json_text(R"([{"a":[4,5]},"x,]"])", limits).error().code,
              ErrorCode::wrong_type);
}

TEST(Json, DecodesEscapesStraightToUtf16) {
    auto op = operation_from_json_text(R"([1, "a\n\"\u00e9\ud83d\ude00\/", -1])");
    ASSERT_TRUE(op.ok()) << op.error().message;
    EXPECT_EQ(op->inserted_text(), u"a\n\"\u00e9\U0001F600/");
    // Duplicate keys inside a wrong element are no syntax error for the stored form.
    EXPECT_EQ(parse_error(R"([{"a":1,"a":2}])"), ErrorCode::wrong_type);
    EXPECT_EQ(parse_error(R"(["\ud800"] x)"), ErrorCode::invalid_json);
    EXPECT_EQ(parse_error("[1] 2"), ErrorCode::invalid_json);
    EXPECT_EQ(parse_error(" \"x\" "), ErrorCode::wrong_type);
}

Result<Operation> simple(const char* text, const TextBuffer& doc) {
    const auto obj = util::json::Document::scan(text, {.reject_duplicates = false});
    auto edit = simple_edit_from_json(obj);
    if (!edit) {
        return std::move(edit).error();
    }
    return simple_edit_to_operation(*edit, doc);
}

TEST(SimpleForm, InsertAndDelete) {
    const TextBuffer doc(u16("ab😀c"));
    auto ins = simple(R"({"op":"insert","char":"x","pos":2})", doc);
    ASSERT_TRUE(ins.ok());
    EXPECT_EQ(operation_to_json_text(*ins), R"([2,"x",3])");
    auto multi = simple(R"({"op":"insert","char":"héllo 中","pos":5,"extra":1})", doc);
    ASSERT_TRUE(multi.ok());
    EXPECT_EQ(operation_to_json_text(*multi), R"([5,"héllo 中"])");
    auto del = simple(R"({"op":"delete","pos":2,"count":2})", doc);
    ASSERT_TRUE(del.ok());
    EXPECT_EQ(operation_to_json_text(*del), "[2,-2,1]");
    auto del1 = simple(R"({"op":"delete","pos":4})", doc);  // count defaults to 1
    ASSERT_TRUE(del1.ok());
    EXPECT_EQ(operation_to_json_text(*del1), "[4,-1]");
}

TEST(SimpleForm, Errors) {
    const TextBuffer doc(u16("ab😀c"));
    auto code = [&](const char* text) {
        auto r = simple(text, doc);
        EXPECT_FALSE(r.ok()) << text;
        return r.ok() ? ErrorCode::invalid_state : r.error().code;
    };
    EXPECT_EQ(code("[]"), ErrorCode::wrong_type);
    EXPECT_EQ(code(R"({"char":"x","pos":1})"), ErrorCode::missing_field);
    EXPECT_EQ(code(R"({"op":1,"char":"x","pos":1})"), ErrorCode::wrong_type);
    EXPECT_EQ(code(R"({"op":"replace","pos":1})"), ErrorCode::invalid_field);
    EXPECT_EQ(code(R"({"op":"insert","char":"x"})"), ErrorCode::missing_field);
    EXPECT_EQ(code(R"({"op":"insert","pos":1})"), ErrorCode::missing_field);
    EXPECT_EQ(code(R"({"op":"insert","char":"","pos":1})"), ErrorCode::invalid_field);
    EXPECT_EQ(code(R"({"op":"insert","char":5,"pos":1})"), ErrorCode::wrong_type);
    EXPECT_EQ(code(R"({"op":"insert","char":"x","pos":"1"})"), ErrorCode::wrong_type);
    EXPECT_EQ(code(R"({"op":"insert","char":"x","pos":1.5})"), ErrorCode::invalid_field);
    EXPECT_EQ(code(R"({"op":"insert","char":"x","pos":-1})"), ErrorCode::invalid_field);
    EXPECT_EQ(code(R"({"op":"insert","char":"x","pos":4294967296})"),
              ErrorCode::integer_out_of_range);
    EXPECT_EQ(code(R"({"op":"insert","char":"x","pos":6})"), ErrorCode::position_out_of_range);
    EXPECT_EQ(code(R"({"op":"insert","char":"x","pos":3})"), ErrorCode::splits_surrogate_pair);
    EXPECT_EQ(code(R"({"op":"delete","pos":1,"count":0})"), ErrorCode::invalid_field);
    EXPECT_EQ(code(R"({"op":"delete","pos":4,"count":2})"), ErrorCode::position_out_of_range);
    EXPECT_EQ(code(R"({"op":"delete","pos":2,"count":1})"), ErrorCode::splits_surrogate_pair);
    EXPECT_EQ(code(R"({"op":"delete","pos":3})"), ErrorCode::splits_surrogate_pair);
}

TEST(OtErrors, EveryCodeHasAName) {
    for (int c = 0; c <= static_cast<int>(ErrorCode::invalid_state); ++c) {
        EXPECT_NE(error_code_name(static_cast<ErrorCode>(c)), "unknown") << c;
    }
    EXPECT_EQ(error_code_name(ErrorCode::base_length_mismatch), "base_length_mismatch");
}

}  // namespace
}  // namespace interview::ot
