// parse_data_message (protocol/data_message_parser.cpp, on util/json_reader): what it refuses
// and how, for the hostile sizes and the rules that the direct reader had to carry over from
// Jansson (lone surrogates with their seq, duplicate keys anywhere). When it replaced the
// Jansson parser it was run against that one over the fuzz corpus and mutations (141,484
// messages, the same answers); the syntax rules stay checked against json_loadb itself in
// json_reader_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "protocol/data_messages.hpp"

namespace interview::protocol {
namespace {

DataError refused(const std::string& text, const ot::Limits& limits = {}) {
    auto r = parse_data_message(text, limits);
    EXPECT_TRUE(std::holds_alternative<DataError>(r)) << text.substr(0, 200);
    return std::holds_alternative<DataError>(r) ? std::get<DataError>(r) : DataError{};
}

TEST(DataMessageParser, HostileSizesAreRefusedWithTheirReason) {
    std::string many = R"({"type":"op","client_id":"c","seq":1,"revision":0,"op":[)";
    for (int i = 0; i < 16385; ++i) {
        many += i % 2 == 0 ? "1," : "-1,";
    }
    many.back() = ']';
    many += "}";
    const DataError too_many = refused(many);
    EXPECT_EQ(too_many.error.code, ErrorCode::invalid_operation);
    EXPECT_EQ(too_many.reason, "too_many_components");
    EXPECT_EQ(too_many.error.message, "16385 components, the limit is 16384");
    EXPECT_EQ(too_many.seq, 1u);

    std::string broken = R"({"type":"op","client_id":"c","seq":1,"revision":0,"op":[)";
    while (broken.size() < 59990) {
        broken += "1,";
    }
    broken += "1]";
    EXPECT_EQ(refused(broken).error.code, ErrorCode::malformed_request);  // no closing brace
    EXPECT_EQ(refused(std::string(60000, '[')).error.code, ErrorCode::malformed_request);
    // 30,000 levels: past Jansson's depth limit of 2048, refused without recursion.
    EXPECT_EQ(refused(std::string(30000, '[') + std::string(30000, ']')).error.code,
              ErrorCode::malformed_request);

    std::string keys = "{";
    for (int i = 0; i < 5000; ++i) {
        keys += "\"k" + std::to_string(i) + "\":1,";
    }
    EXPECT_TRUE(std::holds_alternative<DataMessage>(
        parse_data_message(keys + "\"type\":\"ping\"}", ot::Limits{})));
    EXPECT_EQ(refused(keys + "\"k4999\":\"ping\"}").error.code, ErrorCode::malformed_request);
}

TEST(DataMessageParser, LoneSurrogateNamesTheSeq) {
    const DataError e =
        refused(R"({"type":"op","client_id":"c","seq":5,"revision":0,"op":["\ud83d"]})");
    EXPECT_EQ(e.error.code, ErrorCode::invalid_operation);
    EXPECT_EQ(e.reason, "lone_surrogate");
    EXPECT_EQ(e.seq, 5u);
    EXPECT_EQ(e.error.message,
              R"(a string holds a lone surrogate (invalid Unicode '\uD83D' near '"\ud83d"'))");
    // Not when the rest is broken too, nor without a valid seq.
    EXPECT_FALSE(refused(R"({"type":"op","seq":5,"op":["\ud83d"],)").seq);
    EXPECT_FALSE(refused(R"({"type":"op","seq":0,"op":["\ud83d"]})").seq);
    EXPECT_FALSE(refused(R"({"type":"op","seq":"5","op":["\ud83d"]})").seq);
    EXPECT_FALSE(refused(R"(["\ud83d", {"seq":5}])").seq);
    EXPECT_EQ(refused(R"({"seq":5,"op":["\ud83d"],"seq":6})").error.code,
              ErrorCode::invalid_operation);
    EXPECT_FALSE(refused(R"({"seq":5,"op":["\ud83d"],"seq":6})").seq);
}

TEST(DataMessageParser, LoneSurrogateSeqFoundWithALowHalfOrAPairElsewhere) {
    // The Jansson version (a second parse with high surrogate escapes made U+FFFD) lost the seq
    // of these: a lone low surrogate, or a valid pair elsewhere (whose high half it broke).
    for (const char* text : {
             R"({"type":"op","client_id":"c","seq":5,"revision":0,"op":["\ude00"]})",
             R"({"type":"op","client_id":"c","seq":5,"revision":0,"op":["\ud83d\ude00","\ud83d"]})",
         }) {
        const DataError e = refused(text);
        EXPECT_EQ(e.reason, "lone_surrogate") << text;
        EXPECT_EQ(e.seq, 5u) << text;
    }
}

TEST(DataMessageParser, DuplicateKeysAnywhereAreMalformed) {
    EXPECT_EQ(refused(R"({"type":"hello","client_id":"a","client_id":"b"})").error.code,
              ErrorCode::malformed_request);
    EXPECT_EQ(refused(R"({"type":"ping","\u0074ype":"ping"})").error.code,
              ErrorCode::malformed_request);
    EXPECT_EQ(refused(R"({"type":"ping","x":[{"a":1,"a":2}]})").error.code,
              ErrorCode::malformed_request);
}

}  // namespace
}  // namespace interview::protocol
