// util/json_reader: each rule of the strict reader, checked against Jansson itself (json_loadb
// with the flags the project uses), value decoding, and a differential run over the fuzz corpus
// and deterministic mutations of it.
#include "util/json_reader.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "json_mutations.hpp"
#include "json_ptr.hpp"

namespace interview::util::json {
namespace {

using namespace std::string_literals;

constexpr ScanOptions kMessage{};  // JSON_REJECT_DUPLICATES
constexpr ScanOptions kAny{.any_value = true, .reject_duplicates = false};  // JSON_DECODE_ANY

std::size_t flags_of(const ScanOptions& o) {
    return (o.any_value ? JSON_DECODE_ANY : 0) | (o.reject_duplicates ? JSON_REJECT_DUPLICATES : 0);
}

struct Verdict {
    Problem problem;
    std::string message;  // the lone surrogate's, as both word it
};

// What json_loadb decides; a refusal for a surrogate escape is told apart as the plugin does.
Verdict jansson(std::string_view text, const ScanOptions& o) {
    json_error_t err;
    JsonPtr root(json_loadb(text.data(), text.size(), flags_of(o), &err));
    if (root) {
        return {Problem::none, {}};
    }
    if (std::string_view(err.text).find("nvalid Unicode") != std::string_view::npos) {
        return {Problem::lone_surrogate, err.text};
    }
    return {Problem::invalid, {}};
}

Verdict reader(std::string_view text, const ScanOptions& o) {
    const Document doc = Document::scan(text, o);
    return {doc.problem(), doc.problem() == Problem::lone_surrogate ? doc.error() : std::string()};
}

const char* name(Problem p) {
    return p == Problem::none ? "ok" : p == Problem::lone_surrogate ? "lone_surrogate" : "invalid";
}

// The reader's verdict, after checking that Jansson agrees.
Problem verdict(std::string_view text, const ScanOptions& o = kMessage) {
    const Verdict j = jansson(text, o);
    const Verdict r = reader(text, o);
    EXPECT_EQ(name(r.problem), std::string(name(j.problem))) << "text: " << text;
    EXPECT_EQ(r.message, j.message) << "text: " << text;
    return r.problem;
}

bool accepted(std::string_view text, const ScanOptions& o = kMessage) {
    return verdict(text, o) == Problem::none;
}

TEST(JsonReader, AcceptsValidTextWithJsonWhitespace) {
    EXPECT_TRUE(accepted("{}"));
    EXPECT_TRUE(accepted("[]"));
    EXPECT_TRUE(accepted(" \t\r\n{ \"a\" : [ 1 , -2.5e+3 , {\"b\" : null} ] , \"c\":true }\n\t"));
    EXPECT_TRUE(accepted(R"({"s":"\"\\\/\b\f\n\r\t\u00e9\u4E2D\ud83d\ude00 é中😀"})"));
    EXPECT_TRUE(accepted(R"({"a":0,"b":-0,"c":0.0,"d":1E5,"e":1e-5,"f":false})"));
    EXPECT_FALSE(accepted(" "));
    EXPECT_FALSE(accepted(""));
    EXPECT_FALSE(accepted("{\"a\":1}\v"));     // vertical tab is not JSON whitespace
    EXPECT_FALSE(accepted("\xEF\xBB\xBF{}"));  // nor is a byte order mark
}

TEST(JsonReader, TopLevelScalarsOnlyWithAnyValue) {
    EXPECT_FALSE(accepted("5"));
    EXPECT_FALSE(accepted("\"x\""));
    EXPECT_FALSE(accepted("null"));
    EXPECT_TRUE(accepted("5", kAny));
    EXPECT_TRUE(accepted("\"x\"", kAny));
    EXPECT_TRUE(accepted(" null ", kAny));
    EXPECT_FALSE(accepted("nul", kAny));
    EXPECT_FALSE(accepted("True", kAny));
    // A string with a lone surrogate is decoded (and refused for it) before the top-level rule.
    EXPECT_EQ(verdict(R"("\ud800")"), Problem::lone_surrogate);
}

TEST(JsonReader, RefusesTrailingGarbage) {
    EXPECT_FALSE(accepted("{} x"));
    EXPECT_FALSE(accepted("{}{}"));
    EXPECT_FALSE(accepted("{},"));
    EXPECT_FALSE(accepted("[1] 2"));
    EXPECT_FALSE(accepted("{}\0"s));
    // Jansson's quirk: one NUL byte right after a number or a literal is dropped (its stream
    // marks an empty look-ahead buffer with NUL, so the byte it puts back is lost).
    EXPECT_TRUE(accepted("[1\0]"s));
    EXPECT_TRUE(accepted("{\"a\":true\0}"s));
    EXPECT_TRUE(accepted("{\"a\":-1.5e3\0 }"s));
    EXPECT_TRUE(accepted("7\0"s, kAny));
    EXPECT_FALSE(accepted("[1\0\0]"s));
    EXPECT_FALSE(accepted("[1 \0]"s));
    EXPECT_FALSE(accepted("[\"a\"\0]"s));
    const std::string lost = "[1\0,null\0, 2.5\0]"s;
    ASSERT_TRUE(accepted(lost, kAny));
    ArrayReader arr(Document::scan(lost, kAny).root());
    Value v;
    std::string raws;
    while (arr.next(v)) {
        raws += std::string(v.raw()) + "|";
    }
    EXPECT_EQ(raws, "1|null|2.5|");
    EXPECT_EQ(verdict(R"({} "\udc00")"), Problem::lone_surrogate);
}

TEST(JsonReader, RefusesSyntaxErrors) {
    for (const char* text : {"{",
                             "[",
                             "{\"a\"",
                             "{\"a\":",
                             "{\"a\":1",
                             "{\"a\":1,",
                             "[1,]",
                             "{\"a\":1,}",
                             "[,1]",
                             "{,}",
                             "{\"a\" 1}",
                             "{1:2}",
                             "{\"a\":1 \"b\":2}",
                             "[1 2]",
                             "{]",
                             "[}",
                             "{\"a\"::1}",
                             "[\"a\":1]",
                             "{'a':1}",
                             "[tru]",
                             "[truex]",
                             "[nulls]",
                             "[undefined]",
                             "{\"a\":1}}",
                             "[[]]]"}) {
        EXPECT_FALSE(accepted(text)) << text;
    }
}

TEST(JsonReader, StringRules) {
    EXPECT_FALSE(accepted("[\"a\x01\"]"));
    EXPECT_FALSE(accepted("[\"a\nb\"]"));
    EXPECT_FALSE(accepted("[\"a\x1f\"]"));
    EXPECT_TRUE(accepted("[\"a\x7f\"]"));  // DEL is not a control character for JSON
    EXPECT_FALSE(accepted("[\"a\0b\"]"s));
    EXPECT_FALSE(accepted(R"(["\x41"])"));
    EXPECT_FALSE(accepted(R"(["\U0041"])"));
    EXPECT_FALSE(accepted(R"(["\u12"])"));
    EXPECT_FALSE(accepted(R"(["\u12G4"])"));
    EXPECT_FALSE(accepted(R"(["\'"])"));
    EXPECT_FALSE(accepted(R"(["abc)"));
    EXPECT_FALSE(accepted(R"(["abc\)"));
    EXPECT_FALSE(accepted(R"(["abc\"])"));
    EXPECT_TRUE(accepted(R"(["\u0001\u001F\u007f\uFFFF\uffff"])"));
}

TEST(JsonReader, RefusesNul) {
    EXPECT_FALSE(accepted(R"({"a":"\u0000"})"));
    EXPECT_FALSE(accepted(R"({"a\u0000":1})"));
    EXPECT_FALSE(accepted(R"(["x\u0000y"])"));
    EXPECT_FALSE(accepted(R"("\u0000")", kAny));
    // A lone surrogate in the same string is what Jansson reports, before or after the NUL.
    EXPECT_EQ(verdict(R"(["\u0000\ud800"])"), Problem::lone_surrogate);
    EXPECT_EQ(verdict(R"(["\ud800\u0000"])"), Problem::lone_surrogate);
    EXPECT_EQ(verdict(R"(["\u0000", "\ud800"])"), Problem::invalid);
}

TEST(JsonReader, RefusesInvalidUtf8) {
    const char* bad[] = {"\x80",
                         "\xBF",
                         "\xC0\xAF",
                         "\xC1\xBF",
                         "\xE0\x80\xAF",
                         "\xE0\x9F\xBF",
                         "\xED\xA0\x80",
                         "\xED\xBF\xBF",
                         "\xF0\x80\x80\xAF",
                         "\xF0\x8F\xBF\xBF",
                         "\xF4\x90\x80\x80",
                         "\xF5\x80\x80\x80",
                         "\xF8\x88\x80\x80\x80",
                         "\xFF",
                         "\xFE",
                         "\xE4\xB8",
                         "\xC3\x28",
                         "\xE4\x28\xAD",
                         "\xF0\x9F\x98",
                         "\xC3"};
    for (const char* b : bad) {
        EXPECT_FALSE(accepted("[\""s + b + "\"]")) << b;
        EXPECT_FALSE(accepted("[1,"s + b + "]")) << b;
        EXPECT_FALSE(accepted("{\""s + b + "\":1}")) << b;
    }
    for (const char* good : {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
                             "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"}) {
        EXPECT_TRUE(accepted("[\""s + good + "\"]")) << good;
        EXPECT_FALSE(accepted("["s + good + "]")) << good;  // not a token outside strings
    }
}

TEST(JsonReader, NumberGrammar) {
    for (const char* ok : {"0", "-0", "1", "-1", "10", "0.5", "-0.5", "1e5", "1E+5", "1e-5",
                           "1.25e10", "0e0", "123456789012345678"}) {
        EXPECT_TRUE(accepted("["s + ok + "]")) << ok;
    }
    for (const char* bad :
         {"01",  "-01",  "00",    "-",        "+1",        ".5",  "1.",    "1.e5", "1e",   "1e+",
          "-e5", "0x10", "1_000", "Infinity", "-Infinity", "NaN", "1.5.5", "--1",  "1ee5", "- 1"}) {
        EXPECT_FALSE(accepted("["s + bad + "]")) << bad;
    }
}

TEST(JsonReader, IntegersFitInInt64) {
    EXPECT_TRUE(accepted("[9223372036854775807]"));
    EXPECT_FALSE(accepted("[9223372036854775808]"));
    EXPECT_TRUE(accepted("[-9223372036854775808]"));
    EXPECT_FALSE(accepted("[-9223372036854775809]"));
    EXPECT_FALSE(accepted("[99999999999999999999]"));
    EXPECT_FALSE(accepted("[10000000000000000000000000000000000000000]"));
    EXPECT_TRUE(accepted("[9223372036854775808.0]"));  // a real: any size below overflow
    const Document doc =
        Document::scan(R"({"max":9223372036854775807,"min":-9223372036854775808})");
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc.get("max")->integer(), INT64_MAX);
    EXPECT_EQ(doc.get("min")->integer(), INT64_MIN);
}

TEST(JsonReader, RealsMustBeFinite) {
    EXPECT_TRUE(accepted("[1.7976931348623157e308]"));
    EXPECT_FALSE(accepted("[1.8e308]"));
    EXPECT_FALSE(accepted("[-1e309]"));
    EXPECT_FALSE(accepted("[1e99999999999999999999]"));
    EXPECT_FALSE(accepted("[0.00000000000000000001e330]"));
    // Underflow is no error for strtod: it reads as 0 (or a subnormal).
    EXPECT_TRUE(accepted("[1e-400]"));
    EXPECT_TRUE(accepted("[-1e-99999999999999999999]"));
    EXPECT_TRUE(accepted("[100000000000000000000e-400]"));
    EXPECT_TRUE(accepted("[4.9e-324]"));
    EXPECT_TRUE(accepted("[0e99999]"));
    const Document doc = Document::scan(R"({"a":1e-400,"b":4.9e-324,"c":-2.5E2,"d":7})");
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc.get("a")->number(), 0.0);
    EXPECT_GT(doc.get("b")->number(), 0.0);
    EXPECT_EQ(doc.get("c")->number(), -250.0);
    EXPECT_EQ(doc.get("d")->number(), 7.0);
    EXPECT_TRUE(doc.get("c")->is_real());
    EXPECT_TRUE(doc.get("d")->is_integer());
}

std::string nested(std::size_t depth, const std::string& inner, bool objects = false) {
    std::string s;
    for (std::size_t i = 0; i < depth; ++i) {
        s += objects ? "{\"a\":" : "[";
    }
    s += inner;
    for (std::size_t i = 0; i < depth; ++i) {
        s += objects ? "}" : "]";
    }
    return s;
}

TEST(JsonReader, DepthLimitCountsEveryValue) {
    EXPECT_TRUE(accepted(nested(2048, "")));
    EXPECT_FALSE(accepted(nested(2049, "")));
    EXPECT_FALSE(accepted(nested(2048, "1")));  // the scalar is the 2049th value
    EXPECT_TRUE(accepted(nested(2047, "1")));
    EXPECT_TRUE(accepted(nested(2047, "1", true)));
    EXPECT_FALSE(accepted(nested(2048, "1", true)));
    // Far past the limit, and unclosed: refused without recursion.
    EXPECT_FALSE(accepted(std::string(1'000'000, '[')));
    EXPECT_EQ(verdict(nested(2048, R"("\ud800")")), Problem::lone_surrogate);
}

TEST(JsonReader, DuplicateKeysInEveryObject) {
    EXPECT_FALSE(accepted(R"({"a":1,"a":2})"));
    EXPECT_FALSE(accepted(R"({"a":1,"b":2,"a":3})"));
    EXPECT_FALSE(accepted(R"({"a":1,"\u0061":2})"));
    EXPECT_FALSE(accepted(R"({"\u00e9":1,"é":2})"));
    EXPECT_FALSE(accepted(R"({"\ud83d\ude00":1,"😀":2})"));
    EXPECT_FALSE(accepted(R"({"\/":1,"/":2})"));
    EXPECT_FALSE(accepted(R"({"x":{"a":1,"a":2}})"));
    EXPECT_FALSE(accepted(R"([{"a":1,"a":1}])"));
    EXPECT_FALSE(accepted(R"([[[{"b":[{"c":1,"c":2}]}]]])"));
    EXPECT_FALSE(accepted(R"({"a":1,"a":1)"));  // unclosed
    EXPECT_TRUE(accepted(R"({"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}]})"));
    EXPECT_TRUE(accepted(R"({"a":{"a":{"a":1}}})"));
    EXPECT_FALSE(accepted(R"({"a":1,"A":2,"a ":3,"":4,"\u0000x":5})"));  // a NUL in a key
    EXPECT_TRUE(accepted(R"({"a":1,"A":2,"a ":3,"":4})"));
    // Without JSON_REJECT_DUPLICATES, the last one counts.
    EXPECT_TRUE(accepted(R"({"a":1,"a":2,"\u0061":3})", kAny));
    const Document doc = Document::scan(R"({"a":1,"b":0,"a":2,"\u0061":3})", kAny);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc.get("a")->integer(), 3);
    EXPECT_EQ(doc.size(), 4u);
    // Many keys: sorted once per object, not compared pairwise.
    std::string many = "{";
    for (int i = 0; i < 20000; ++i) {
        many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    }
    EXPECT_TRUE(accepted(many + "\"end\":0}"));
    EXPECT_FALSE(accepted(many + "\"k17\":0}"));
}

TEST(JsonReader, TheFirstErrorDecidesBetweenSurrogateAndOthers) {
    // What Jansson reads first: a duplicate key is refused as soon as it is read, a lone
    // surrogate once its string is read, a syntax error where it is.
    EXPECT_EQ(verdict(R"({"a":1,"a":"\ud800"})"), Problem::invalid);
    EXPECT_EQ(verdict(R"({"a":"\ud800","a":1})"), Problem::lone_surrogate);
    EXPECT_EQ(verdict(R"({"a":1,"a":1,"b":"\ud800")"), Problem::invalid);
    EXPECT_EQ(verdict(R"({"\ud800":1,"\ud800":2})"), Problem::lone_surrogate);
    EXPECT_EQ(verdict(R"({"x":{"a":1,"a":2},"y":"\ud800"})"), Problem::invalid);
    EXPECT_EQ(verdict(R"({"y":"\ud800","x":{"a":1,"a":2}})"), Problem::lone_surrogate);
    EXPECT_EQ(verdict(R"({"a":1,"b":[{"c":1,"c":2,"d":"\udc00"}]})"), Problem::invalid);
    EXPECT_EQ(verdict(R"({"a":1,"a":{"b":"\ud800"}})"), Problem::invalid);
    EXPECT_EQ(verdict(R"([1,,"\ud800"])"), Problem::invalid);
    EXPECT_EQ(verdict(R"(["\ud800",,1])"), Problem::lone_surrogate);
    EXPECT_EQ(verdict(R"({"a" "\ud800"})"), Problem::lone_surrogate);  // the token is read first
    EXPECT_EQ(verdict(R"(["a" "\ud800"])"), Problem::lone_surrogate);
    EXPECT_EQ(verdict(R"({1:"\ud800"})"), Problem::invalid);
    EXPECT_EQ(verdict(R"(["\ud800\x"])"), Problem::invalid);  // the string's syntax comes first
    EXPECT_EQ(verdict("[\"\\ud800\x01\"]"), Problem::invalid);
    EXPECT_EQ(verdict("[\"\\ud800\xC0\xAF\"]"), Problem::invalid);
    EXPECT_EQ(verdict("[\"\\ud800\", 99999999999999999999]"), Problem::lone_surrogate);
    EXPECT_EQ(verdict("[99999999999999999999, \"\\ud800\"]"), Problem::invalid);
    EXPECT_EQ(verdict(nested(2049, R"("\ud800")")), Problem::invalid);  // the 2049th bracket
    EXPECT_EQ(verdict(R"(["\ud800"] x)"), Problem::lone_surrogate);
}

TEST(JsonReader, LoneSurrogatesAreReportedApart) {
    for (const char* text :
         {R"({"a":"\ud800"})", R"({"a":"\udc00"})", R"({"a":"x\uDBFF"})", R"({"a":"\ud800x"})",
          R"({"a":"\ud800\u0041"})", R"({"a":"\ud800\ud800"})", R"({"a":"\ud800\n"})",
          R"({"a":"\ude00\ud83d"})", R"({"\ud800":1})", R"({"a":{"b":["\udfff"]}})",
          R"({"long enough to have no context":"\ud800"})",
          R"({"a":"a string longer than twenty bytes \ud83d"})", R"({"a":"\ud83d\ude00\ud83d"})",
          R"(["\ud83d\ude00", "\ud800"])"}) {
        EXPECT_EQ(verdict(text), Problem::lone_surrogate) << text;
        EXPECT_EQ(verdict(text, kAny), Problem::lone_surrogate) << text;
    }
    EXPECT_TRUE(accepted(R"({"a":"\ud83d\ude00\uD83D\uDE00"})"));
    // The scan goes on: the rest can be read when nothing else is wrong.
    const Document doc = Document::scan(R"({"seq":7,"op":["\ud83d"],"x":"\udc00"})");
    EXPECT_EQ(doc.problem(), Problem::lone_surrogate);
    EXPECT_EQ(doc.error(), "invalid Unicode '\\uD83D' near '\"\\ud83d\"'");
    ASSERT_TRUE(doc.readable());
    EXPECT_EQ(doc.get("seq")->integer(), 7);
    EXPECT_EQ(doc.get("x")->string(), "\xEF\xBF\xBD");  // read as U+FFFD
    EXPECT_FALSE(Document::scan(R"({"seq":7,"op":["\ud83d"],"x":)").readable());
    EXPECT_FALSE(Document::scan(R"({"seq":7,"op":["\ud83d"],"seq":1})").readable());
    EXPECT_FALSE(Document::scan(R"({"seq":7,"op":["\ud83d"],"x":"\u0000"})").readable());
}

TEST(JsonReader, ReadsValues) {
    const std::string text =
        R"({"s":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00z é","i":-42,"r":2.5,"t":true,"f":false,)"
        R"("n":null,"o":{"x":[1]},"arr":[1, "two" ,[3,[4]] , {"five":5},-6.5e0,null],"e":[ ],)"
        R"("k\u0065y":"v"})";
    const Document doc = Document::scan(text);
    ASSERT_TRUE(doc.ok()) << doc.error();
    ASSERT_TRUE(doc.root().is_object());
    EXPECT_EQ(doc.root().raw(), text);
    EXPECT_EQ(doc.size(), 10u);
    const Value s = *doc.get("s");
    const std::string expected = "a\"\\/\b\f\n\r\t\xC3\xA9\xF0\x9F\x98\x80z \xC3\xA9";
    EXPECT_EQ(s.string(), expected);
    EXPECT_EQ(s.string_size(), expected.size());
    std::u16string wide = u">";
    s.append_string_utf16(wide);
    EXPECT_EQ(wide, u">a\"\\/\b\f\n\r\t\u00e9\U0001F600z \u00e9");
    EXPECT_EQ(doc.get("i")->integer(), -42);
    EXPECT_EQ(doc.get("i")->type(), Type::integer);
    EXPECT_EQ(doc.get("r")->number(), 2.5);
    EXPECT_EQ(doc.get("r")->integer(), 0);
    EXPECT_EQ(doc.get("t")->type(), Type::boolean);
    EXPECT_TRUE(doc.get("f")->is_bool());
    EXPECT_TRUE(doc.get("n")->is_null());
    EXPECT_EQ(doc.get("o")->raw(), R"({"x":[1]})");
    EXPECT_EQ(doc.get("key")->string(), "v");
    EXPECT_FALSE(doc.get("k\\u0065y"));
    EXPECT_FALSE(doc.get("missing"));
    EXPECT_FALSE(doc.get(""));

    ArrayReader arr(*doc.get("arr"));
    std::vector<std::string> raws;
    Value v;
    while (arr.next(v)) {
        raws.emplace_back(v.raw());
    }
    EXPECT_EQ(raws, (std::vector<std::string>{"1", "\"two\"", "[3,[4]]", "{\"five\":5}", "-6.5e0",
                                              "null"}));
    EXPECT_EQ(ArrayReader(*doc.get("arr")).count_rest(100), 6u);
    EXPECT_EQ(ArrayReader(*doc.get("arr")).count_rest(4), 4u);
    EXPECT_EQ(ArrayReader(*doc.get("e")).count_rest(100), 0u);
    EXPECT_EQ(ArrayReader(*doc.get("s")).count_rest(100), 0u);  // not an array
}

// ---- differential: the fuzz corpus and mutations of it ----

// Also compares what is read when both accept: every member Jansson sees, with its type and
// value.
void compare_members(const std::string& text, const ScanOptions& o) {
    const Document doc = Document::scan(text, o);
    JsonPtr root(json_loadb(text.data(), text.size(), flags_of(o), nullptr));
    if (!root || !doc.ok() || !json_is_object(root.get())) {
        return;
    }
    if (o.reject_duplicates) {
        EXPECT_EQ(doc.size(), json_object_size(root.get())) << text;
    }
    const char* key;
    json_t* value;
    json_object_foreach(root.get(), key, value) {
        const auto v = doc.get(key);
        ASSERT_TRUE(v) << key << " in " << text;
        if (json_is_integer(value)) {
            EXPECT_EQ(v->integer(), json_integer_value(value)) << text;
        } else if (json_is_real(value)) {
            EXPECT_EQ(v->number(), json_real_value(value)) << text;
        } else if (json_is_string(value)) {
            EXPECT_EQ(v->string(), std::string(json_string_value(value), json_string_length(value)))
                << text;
        } else if (json_is_array(value)) {
            EXPECT_EQ(ArrayReader(*v).count_rest(SIZE_MAX), json_array_size(value)) << text;
        } else {
            EXPECT_EQ(static_cast<int>(v->type()),
                      static_cast<int>(json_is_object(value) ? Type::object
                                       : json_is_null(value) ? Type::null
                                                             : Type::boolean))
                << text;
        }
    }
}

TEST(JsonReaderDifferential, CorpusAndMutationsAgreeWithJansson) {
    const std::vector<std::string> texts = test::corpus_texts();
    ASSERT_GT(texts.size(), 100u);
    test::Lcg rng{20240601};
    std::size_t cases = 0;
    std::size_t counts[3] = {};
    const auto check = [&](const std::string& text) {
        for (const ScanOptions& o : {kMessage, kAny}) {
            const Verdict j = jansson(text, o);
            const Verdict r = reader(text, o);
            ++cases;
            ++counts[static_cast<int>(j.problem)];
            ASSERT_EQ(name(r.problem), std::string(name(j.problem))) << "text: " << text;
            ASSERT_EQ(r.message, j.message) << "text: " << text;
            compare_members(text, o);
        }
    };
    for (const std::string& text : texts) {
        check(text);
        if (text.size() > 4096) {
            continue;  // mutations of the small texts cover the same rules faster
        }
        for (int m = 0; m < 40; ++m) {
            check(test::mutate(text, rng));
        }
    }
    EXPECT_GT(cases, 5000u);
    // Each verdict occurs, or the mutations test little.
    EXPECT_GT(counts[0], 100u);
    EXPECT_GT(counts[1], 100u);
    EXPECT_GT(counts[2], 1000u);
    std::printf("[ differential ] %zu cases: %zu accepted, %zu lone surrogates, %zu refused\n",
                cases, counts[0], counts[1], counts[2]);
}

}  // namespace
}  // namespace interview::util::json
