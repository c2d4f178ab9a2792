// The direct JSON writer (util/json_writer.hpp) against Jansson, which writes every other
// message: the same text for the same strings, and snapshot parts that are cut on code points,
// within their budget, and together the whole text.
#include "util/json_writer.hpp"

#include <gtest/gtest.h>
#include <jansson.h>

#include <random>
#include <string>

#include "json_ptr.hpp"
#include "json_text.hpp"
#include "ot/json.hpp"
#include "ot/utf.hpp"
#include "protocol/data_messages.hpp"

namespace interview {
namespace {

// Random valid UTF-8 mixing what needs escaping, ASCII, 2-, 3- and 4-byte code points.
std::string random_utf8(std::mt19937& rng, std::size_t code_points) {
    static const char32_t kPool[] = {0x01, 0x08,  0x09,  0x0A,   0x0C,   0x0D,    0x1F,
                                     '"',  '\\',  '/',   'a',    'Z',    ' ',     0x7F,
                                     0xE9, 0x7FF, 0x800, 0x4E2D, 0xFFFD, 0x1F600, 0x10FFFF};
    std::u32string cps;
    for (std::size_t i = 0; i < code_points; ++i) {
        cps.push_back(kPool[rng() % std::size(kPool)]);
    }
    std::u16string utf16;
    for (char32_t c : cps) {
        if (c >= 0x10000) {
            utf16.push_back(static_cast<char16_t>(0xD800 + ((c - 0x10000) >> 10)));
            utf16.push_back(static_cast<char16_t>(0xDC00 + ((c - 0x10000) & 0x3FF)));
        } else {
            utf16.push_back(static_cast<char16_t>(c));
        }
    }
    return ot::utf16_to_utf8(utf16);
}

std::string jansson_string(std::string_view utf8) {
    JsonPtr s(json_stringn(utf8.data(), utf8.size()));
    return dump_compact(s.get());
}

TEST(JsonWriter, StringsAreWrittenAsJanssonWritesThem) {
    std::mt19937 rng(7);
    for (int i = 0; i < 2000; ++i) {
        const std::string text = random_utf8(rng, rng() % 40);
        std::string mine;
        util::append_json_string(mine, text);
        ASSERT_EQ(mine, jansson_string(text)) << i;
        std::string from_utf16;
        util::append_json_string(from_utf16, *ot::utf8_to_utf16(text));
        ASSERT_EQ(from_utf16, mine) << i;
    }
}

TEST(JsonWriter, LongPlainRunsAndEscapesAtEveryWordOffset) {
    // The 8-byte word test must find an escapable byte wherever it sits in the word.
    for (std::size_t at = 0; at < 24; ++at) {
        for (char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
            std::string text(24, 'x');
            text[at] = special;
            std::string mine;
            util::append_json_string(mine, text);
            EXPECT_EQ(mine, jansson_string(text)) << at;
        }
    }
    // Bytes just above the escaped ones are not escaped ('!' 0x21, '#' 0x23, ']' 0x5D, 0x20).
    std::string near = "  !!##]]$$[[  \x7f\x7f";
    std::string mine;
    util::append_json_string(mine, near);
    EXPECT_EQ(mine, jansson_string(near));
}

TEST(JsonWriter, ALoneSurrogateIsWrittenAsReplacementCharacter) {
    std::string out;
    util::append_json_string(out, std::u16string_view(u"a\xD83D"
                                                      u"b"));
    EXPECT_EQ(out,
              "\"a\xEF\xBF\xBD"
              "b\"");
}

TEST(JsonWriter, LongUtf16StringsCrossChunksWithPairsOnTheEdge) {
    // 4096 units per chunk: put a surrogate pair across every chunk boundary.
    std::u16string text(3 * 4096 + 10, u'\x01');
    for (std::size_t edge = 4095; edge + 1 < text.size(); edge += 4096) {
        text[edge] = 0xD83D;
        text[edge + 1] = 0xDE00;
    }
    std::string mine;
    util::append_json_string(mine, text);
    EXPECT_EQ(mine, jansson_string(ot::utf16_to_utf8(text)));
}

TEST(JsonWriter, IntegersAtTheirEdges) {
    std::string out;
    util::append_json_unsigned(out, 18446744073709551615ULL);
    out.push_back(' ');
    util::append_json_unsigned(out, 0);
    EXPECT_EQ(out, "18446744073709551615 0");
}

TEST(JsonWriter, EscapedWithinABudgetCutsOnCodePointsAndNeverPassesIt) {
    std::mt19937 rng(11);
    for (int i = 0; i < 500; ++i) {
        const std::string text = random_utf8(rng, 1 + rng() % 200);
        const std::size_t budget = 6 + rng() % 60;
        std::string whole;
        std::size_t at = 0;
        while (at < text.size()) {
            std::string part;
            const std::size_t taken =
                util::append_json_escaped_within(part, std::string_view(text).substr(at), budget);
            ASSERT_GT(taken, 0u);
            ASSERT_LE(part.size(), budget);
            // A cut on a code point: the next byte is never a continuation byte.
            ASSERT_TRUE(at + taken == text.size() ||
                        (static_cast<unsigned char>(text[at + taken]) & 0xC0) != 0x80);
            std::string expected;
            util::append_json_escaped(expected, std::string_view(text).substr(at, taken));
            ASSERT_EQ(part, expected);
            // Full: the next code point would not have fitted.
            if (at + taken < text.size()) {
                std::size_t next = 1;
                while (at + taken + next < text.size() &&
                       (static_cast<unsigned char>(text[at + taken + next]) & 0xC0) == 0x80) {
                    ++next;
                }
                std::string more;
                util::append_json_escaped(more, std::string_view(text).substr(at + taken, next));
                ASSERT_GT(part.size() + more.size(), budget);
            }
            whole += part;
            at += taken;
        }
        std::string expected;
        util::append_json_escaped(expected, text);
        ASSERT_EQ(whole, expected);
    }
    std::string out;
    EXPECT_EQ(util::append_json_escaped_within(out, "\xF0\x9F\x98\x80", 3), 0u);  // 😀 needs 4
    EXPECT_EQ(util::append_json_escaped_within(out, "\x01", 5), 0u);              // \u0001 needs 6
    EXPECT_TRUE(out.empty());
}

TEST(JsonWriter, SnapshotPartsCarryTheWholeTextWithinTheirSize) {
    std::mt19937 rng(5);
    const std::string text = random_utf8(rng, 30000);
    const auto parts = protocol::snapshot_texts(42, "c++", true, text, 1000);
    ASSERT_GT(parts.size(), 30u);
    std::string joined;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        json_error_t error;
        JsonPtr m(json_loads(parts[i].c_str(), 0, &error));
        ASSERT_TRUE(m) << error.text;
        EXPECT_STREQ(json_string_value(json_object_get(m.get(), "type")), "snapshot");
        EXPECT_EQ(json_integer_value(json_object_get(m.get(), "revision")), 42);
        EXPECT_STREQ(json_string_value(json_object_get(m.get(), "language")), "c++");
        EXPECT_TRUE(json_is_true(json_object_get(m.get(), "read_only")));
        EXPECT_EQ(json_integer_value(json_object_get(m.get(), "part")), static_cast<int>(i));
        EXPECT_EQ(json_integer_value(json_object_get(m.get(), "parts")),
                  static_cast<int>(parts.size()));
        const json_t* t = json_object_get(m.get(), "text");
        const std::string part_text(json_string_value(t), json_string_length(t));
        EXPECT_LE(jansson_string(part_text).size(), 1000u + 2);
        joined += part_text;
    }
    EXPECT_EQ(joined, text);
    const auto empty = protocol::snapshot_texts(1, "plaintext", false, "", 1000);
    ASSERT_EQ(empty.size(), 1u);
    EXPECT_EQ(empty[0],
              R"({"type":"snapshot","revision":1,"language":"plaintext","read_only":false,)"
              R"("part":0,"text":"","parts":1})");
}

TEST(JsonWriter, OpTextSplicesTheStoredJsonAsItWouldEncodeIt) {
    auto op = ot::operation_from_json_text(R"([3,"h\"é\n😀",-2,1])");
    ASSERT_TRUE(op.ok());
    const std::string json = ot::operation_to_json_text(*op);
    EXPECT_EQ(json, "[3,\"h\\\"\xC3\xA9\\n\xF0\x9F\x98\x80\",-2,1]");
    const std::string direct = protocol::op_text(7, "tab-1", 3, "p\"x", *op);
    EXPECT_EQ(direct, protocol::op_text(7, "tab-1", 3, "p\"x", json));
    EXPECT_EQ(direct, std::string(R"({"type":"op","revision":7,"client_id":"tab-1","seq":3,)") +
                          R"("author":"p\"x","op":)" + json + "}");
}

}  // namespace
}  // namespace interview
