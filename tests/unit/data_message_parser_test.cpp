// parse_data_message and operation_from_json_text on util/json_reader, against the Jansson
// implementation they replace (data_message_reference.hpp): the same refusals with the same
// codes, messages, reasons and seqs, and the same messages read, over the fuzz corpus, message
// templates of every type and mutations of them. Then the cases that now differ on purpose.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "data_message_reference.hpp"
#include "json_mutations.hpp"
#include "protocol/data_messages.hpp"

namespace interview::protocol {
namespace {

using namespace std::string_literals;

struct Tally {
    std::size_t cases = 0;
    std::size_t accepted = 0;
    std::size_t seq_recovered = 0;  // lone surrogate refusals that now name the op's seq
};

void expect_same_message(const DataMessage& a, const DataMessage& b, const std::string& text) {
    ASSERT_EQ(a.index(), b.index()) << text;
    if (const auto* x = std::get_if<HelloMessage>(&a)) {
        const auto& y = std::get<HelloMessage>(b);
        EXPECT_EQ(x->client_id, y.client_id) << text;
        EXPECT_EQ(x->last_revision, y.last_revision) << text;
    } else if (const auto* x = std::get_if<OpMessage>(&a)) {
        const auto& y = std::get<OpMessage>(b);
        EXPECT_EQ(x->client_id, y.client_id) << text;
        EXPECT_EQ(x->seq, y.seq) << text;
        EXPECT_EQ(x->revision, y.revision) << text;
        EXPECT_TRUE(x->op == y.op) << text;
    } else if (const auto* x = std::get_if<SimpleOpMessage>(&a)) {
        const auto& y = std::get<SimpleOpMessage>(b);
        EXPECT_EQ(x->edit.type, y.edit.type) << text;
        EXPECT_EQ(x->edit.pos, y.edit.pos) << text;
        EXPECT_EQ(x->edit.count, y.edit.count) << text;
        EXPECT_EQ(x->edit.text, y.edit.text) << text;
    } else if (const auto* x = std::get_if<PresenceMessage>(&a)) {
        const auto& y = std::get<PresenceMessage>(b);
        EXPECT_EQ(x->revision, y.revision) << text;
        EXPECT_EQ(x->cursor, y.cursor) << text;
        EXPECT_EQ(x->selection, y.selection) << text;
    } else if (const auto* x = std::get_if<LanguageMessage>(&a)) {
        EXPECT_EQ(x->language, std::get<LanguageMessage>(b).language) << text;
    } else if (const auto* x = std::get_if<CheckMessage>(&a)) {
        const auto& y = std::get<CheckMessage>(b);
        EXPECT_EQ(x->revision, y.revision) << text;
        EXPECT_EQ(x->checksum, y.checksum) << text;
    } else if (const auto* x = std::get_if<PingMessage>(&a)) {
        EXPECT_EQ(x->t, std::get<PingMessage>(b).t) << text;
    }
}

void compare(const std::string& text, const ot::Limits& limits, Tally& tally) {
    const auto before = reference::parse_data_message(text, limits);
    const auto now = parse_data_message(text, limits);
    ++tally.cases;
    ASSERT_EQ(before.index(), now.index()) << "text: " << text;
    if (const auto* m = std::get_if<DataMessage>(&before)) {
        ++tally.accepted;
        expect_same_message(*m, std::get<DataMessage>(now), text);
        return;
    }
    const auto& b = std::get<DataError>(before);
    const auto& n = std::get<DataError>(now);
    ASSERT_EQ(b.error.code, n.error.code)
        << "text: " << text << "\nbefore: " << b.error.message << "\nnow: " << n.error.message;
    EXPECT_EQ(b.error.message, n.error.message) << "text: " << text;
    EXPECT_EQ(b.reason, n.reason) << "text: " << text;
    if (b.seq || b.reason != "lone_surrogate") {
        EXPECT_EQ(b.seq, n.seq) << "text: " << text;
    } else if (n.seq) {
        ++tally.seq_recovered;
    }
}

void compare_op_text(const std::string& text, const ot::Limits& limits) {
    const auto before = reference::operation_from_json_text(text, limits);
    const auto now = ot::operation_from_json_text(text, limits);
    ASSERT_EQ(before.ok(), now.ok()) << "text: " << text;
    if (before.ok()) {
        EXPECT_TRUE(*before == *now) << text;
        return;
    }
    ASSERT_EQ(before.error().code, now.error().code)
        << "text: " << text << "\nbefore: " << before.error().message
        << "\nnow: " << now.error().message;
    if (before.error().code != ot::ErrorCode::invalid_json) {
        EXPECT_EQ(before.error().message, now.error().message) << text;
    }
}

std::vector<std::string> templates() {
    return {
        R"({"type":"hello","client_id":"c_app","last_revision":null})",
        R"({"type":"hello","client_id":"c-1","last_revision":12})",
        R"({"type":"hello","client_id":"c\u005f1"})",
        R"({"type":"op","client_id":"c","seq":1,"revision":0,"op":["hello"]})",
        R"({"type":"op","client_id":"c","seq":2,"revision":5,"op":[5,-2,"a\u00e9\ud83d\ude00",3]})",
        R"({"type":"op","client_id":"c","seq":3,"revision":1,"op":[1,"\ud83d",1]})",
        R"({"type":"op","client_id":"c","seq":3,"revision":1,"op":[1,0,1.5,true,[1],{}]})",
        R"({"type":"op","client_id":"c","seq":9007199254740992,"revision":9007199254740993,"op":[]})",
        R"({"type":"op","client_id":"c","seq":4,"revision":1,"op":[2147483647,-2147483648,""]})",
        R"({"op":"insert","char":"x","pos":10})",
        R"({"op":"insert","char":"\ud83d\ude00","pos":0,"extra":[1,2]})",
        R"({"op":"delete","pos":10,"count":2})",
        R"({"op":"delete","pos":1.5})",
        R"({"op":"replace","pos":1})",
        R"({"type":"presence","revision":3,"cursor":4,"selection":[[1,2],[3,4]]})",
        R"({"type":"presence","revision":3,"cursor":4,"selection":[[1,2,3]]})",
        R"({"type":"presence","revision":3,"cursor":4,"selection":[[1,-2]]})",
        R"({"type":"presence","revision":3,"cursor":4,"selection":[[0,2147483648]]})",
        R"({"type":"presence","revision":3,"cursor":4,"selection":{}})",
        R"({"type":"language","language":"python"})",
        R"({"type":"language","language":"c++"})",
        R"({"type":"language","language":"Python"})",
        R"({"type":"check","revision":1,"checksum":")" + std::string(64, 'a') + R"("})",
        R"({"type":"check","revision":1,"checksum":")" + std::string(63, 'a') + R"(\u0061"})",
        R"({"type":"check","revision":1,"checksum":")" + std::string(64, 'A') + R"("})",
        R"({"type":"ping","t":1712345678.25})",
        R"({"type":"ping","t":-0})",
        R"({"type":"ping","t":1e-400})",
        R"({"type":"ping","t":"now"})",
        R"({"type":"ping"})",
        R"({"type":"pong\u0001\u00e9"})",
        R"({"type":5})",
        R"({"typ":"hello"})",
        R"(["type","hello"])",
        R"({"type":"hello","client_id":"a","client_id":"b"})",
        R"({"type":"hello","\u0074ype":"hello","client_id":"a"})",
    };
}

TEST(DataMessageParser, SameAsJanssonParserOverCorpusAndMutations) {
    std::vector<std::string> seeds = templates();
    for (const std::string& t : test::corpus_texts()) {
        if (t.size() <= 4096) {
            seeds.push_back(t);
        }
    }
    ot::Limits small;
    small.max_components = 3;
    small.max_insert_units = 4;
    test::Lcg rng{77};
    Tally tally;
    for (const std::string& seed : seeds) {
        compare(seed, ot::Limits{}, tally);
        compare(seed, small, tally);
        compare_op_text(seed, ot::Limits{});
        for (int m = 0; m < 30; ++m) {
            const std::string text = test::mutate(seed, rng);
            compare(text, ot::Limits{}, tally);
            compare(text, small, tally);
            compare_op_text(text, small);
        }
    }
    EXPECT_GT(tally.cases, 10000u);
    EXPECT_GT(tally.accepted, 400u);
    std::printf("[ differential ] %zu messages, %zu accepted, %zu lone surrogate seqs recovered\n",
                tally.cases, tally.accepted, tally.seq_recovered);
}

TEST(DataMessageParser, HostileSizesGiveTheSameAnswers) {
    ot::Limits limits;
    Tally tally;
    std::string many = R"({"type":"op","client_id":"c","seq":1,"revision":0,"op":[)";
    for (int i = 0; i < 16385; ++i) {
        many += i % 2 == 0 ? "1," : "-1,";
    }
    many.back() = ']';
    many += "}";
    compare(many, limits, tally);
    const auto r = parse_data_message(many, limits);
    ASSERT_TRUE(std::holds_alternative<DataError>(r));
    EXPECT_EQ(std::get<DataError>(r).reason, "too_many_components");
    EXPECT_EQ(std::get<DataError>(r).error.message, "16385 components, the limit is 16384");
    std::string broken = R"({"type":"op","client_id":"c","seq":1,"revision":0,"op":[)";
    while (broken.size() < 59990) {
        broken += "1,";
    }
    broken += "1]";
    compare(broken, limits, tally);
    compare(broken + "}", limits, tally);
    compare(std::string(60000, '['), limits, tally);
    compare(std::string(30000, '[') + std::string(30000, ']'), limits, tally);
    std::string keys = "{";
    for (int i = 0; i < 5000; ++i) {
        keys += "\"k" + std::to_string(i) + "\":1,";
    }
    compare(keys + "\"type\":\"ping\"}", limits, tally);
    compare(keys + "\"k4999\":\"ping\"}", limits, tally);
}

DataError refusal(const std::string& text) {
    auto r = parse_data_message(text, ot::Limits{});
    EXPECT_TRUE(std::holds_alternative<DataError>(r)) << text;
    return std::holds_alternative<DataError>(r) ? std::get<DataError>(r) : DataError{};
}

TEST(DataMessageParser, LoneSurrogateNamesTheSeq) {
    const DataError e =
        refusal(R"({"type":"op","client_id":"c","seq":5,"revision":0,"op":["\ud83d"]})");
    EXPECT_EQ(e.error.code, ErrorCode::invalid_operation);
    EXPECT_EQ(e.reason, "lone_surrogate");
    EXPECT_EQ(e.seq, 5u);
    EXPECT_EQ(e.error.message,
              R"(a string holds a lone surrogate (invalid Unicode '\uD83D' near '"\ud83d"'))");
    // Not when the rest is broken too, nor without a valid seq.
    EXPECT_FALSE(refusal(R"({"type":"op","seq":5,"op":["\ud83d"],)").seq);
    EXPECT_FALSE(refusal(R"({"type":"op","seq":0,"op":["\ud83d"]})").seq);
    EXPECT_FALSE(refusal(R"({"type":"op","seq":"5","op":["\ud83d"]})").seq);
    EXPECT_FALSE(refusal(R"(["\ud83d", {"seq":5}])").seq);
    EXPECT_EQ(refusal(R"({"seq":5,"op":["\ud83d"],"seq":6})").error.code,
              ErrorCode::invalid_operation);
    EXPECT_FALSE(refusal(R"({"seq":5,"op":["\ud83d"],"seq":6})").seq);
}

TEST(DataMessageParser, LoneSurrogateSeqFoundWhereTheSecondParseMissedIt) {
    // The second parse with high surrogate escapes made U+FFFD could not read these: a lone
    // low surrogate, or a valid pair elsewhere (whose high half it broke).
    for (const char* text : {
             R"({"type":"op","client_id":"c","seq":5,"revision":0,"op":["\ude00"]})",
             R"({"type":"op","client_id":"c","seq":5,"revision":0,"op":["\ud83d\ude00","\ud83d"]})",
         }) {
        const DataError e = refusal(text);
        EXPECT_EQ(e.reason, "lone_surrogate") << text;
        EXPECT_EQ(e.seq, 5u) << text;
        const auto before = reference::parse_data_message(text, ot::Limits{});
        EXPECT_FALSE(std::get<DataError>(before).seq) << text;
    }
}

TEST(DataMessageParser, DuplicateKeysAnywhereAreMalformed) {
    EXPECT_EQ(refusal(R"({"type":"hello","client_id":"a","client_id":"b"})").error.code,
              ErrorCode::malformed_request);
    EXPECT_EQ(refusal(R"({"type":"ping","\u0074ype":"ping"})").error.code,
              ErrorCode::malformed_request);
    EXPECT_EQ(refusal(R"({"type":"ping","x":[{"a":1,"a":2}]})").error.code,
              ErrorCode::malformed_request);
}

}  // namespace
}  // namespace interview::protocol
