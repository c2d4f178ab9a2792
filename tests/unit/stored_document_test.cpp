// parse_stored_document (plugin/adapters/stored_document.hpp): a load's EXEC reply read into a
// StoredDocument, and the replies it refuses rather than read as an empty or wrong document.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "stored_document.hpp"

namespace interview::adapters {
namespace {

using Type = RedisValue::Type;

RedisValue s(std::string_view text) {
    RedisValue v;
    v.type = Type::string;
    v.str = text;
    return v;
}
RedisValue a(std::vector<RedisValue> elements) {
    RedisValue v;
    v.type = Type::array;
    v.elements = std::move(elements);
    return v;
}
RedisValue err(std::string_view text) {
    RedisValue v;
    v.type = Type::error;
    v.str = text;
    return v;
}
RedisValue entry(std::string_view id, std::string_view op, std::string_view seq) {
    return a({s(id),
              a({s("op"), s(op), s("client"), s("c1"), s("seq"), s(seq), s("author"), s("p_a")})});
}

TEST(StoredDocument, ReadsDocSeqsAndLog) {
    const RedisValue reply = a(
        {a({s("head"), s("2"), s("snap"), s("1"), s("text"), s("hi"), s("language"), s("go"),
            s("state"), s("ended")}),
         a({s("c1"), s("2")}), a({entry("1-0", "[\"hi\"]", "1"), entry("2-0", "[2,\"!\"]", "2")})});
    auto parsed = parse_stored_document(reply);
    ASSERT_TRUE(std::holds_alternative<StoredDocument>(parsed)) << std::get<std::string>(parsed);
    const auto& doc = std::get<StoredDocument>(parsed);
    EXPECT_TRUE(doc.exists);
    EXPECT_EQ(doc.head, 2u);
    EXPECT_EQ(doc.snapshot_revision, 1u);
    EXPECT_EQ(doc.snapshot_text, "hi");
    EXPECT_EQ(doc.language, "go");
    EXPECT_EQ(doc.state, "ended");
    ASSERT_EQ(doc.last_seq.size(), 1u);
    EXPECT_EQ(doc.last_seq[0], (std::pair<std::string, std::uint64_t>{"c1", 2}));
    ASSERT_EQ(doc.log.size(), 2u);
    EXPECT_EQ(doc.log[1].revision, 2u);
    EXPECT_EQ(doc.log[1].op_json, "[2,\"!\"]");
    EXPECT_EQ(doc.log[1].client_id, "c1");
    EXPECT_EQ(doc.log[1].seq, 2u);
    EXPECT_EQ(doc.log[1].author, "p_a");
}

TEST(StoredDocument, NothingStoredIsANewDocument) {
    auto parsed = parse_stored_document(a({a({}), a({}), a({})}));
    ASSERT_TRUE(std::holds_alternative<StoredDocument>(parsed));
    EXPECT_FALSE(std::get<StoredDocument>(parsed).exists);
}

TEST(StoredDocument, SkipsLogEntriesOfAnotherShape) {
    auto parsed = parse_stored_document(a({a({}), a({}), a({s("junk"), a({s("1-0")})})}));
    ASSERT_TRUE(std::holds_alternative<StoredDocument>(parsed));
    EXPECT_TRUE(std::get<StoredDocument>(parsed).log.empty());
}

TEST(StoredDocument, RefusesWhatIsNotALoadReply) {
    EXPECT_EQ(std::get<std::string>(parse_stored_document(err("EXECABORT discarded"))),
              "EXECABORT discarded");
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_stored_document(RedisValue{})));
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_stored_document(a({a({}), a({})}))));
    // One of the three reads failed: not an empty document.
    EXPECT_EQ(std::get<std::string>(parse_stored_document(a({err("WRONGTYPE"), a({}), a({})}))),
              "WRONGTYPE");
}

TEST(StoredDocument, RefusesNumbersThatDoNotRead) {
    for (std::string_view bad : {"-1", "12abc", "", " 1", "9007199254740993",
                                 "18446744073709551615", "99999999999999999999"}) {
        SCOPED_TRACE(std::string(bad));
        EXPECT_TRUE(std::holds_alternative<std::string>(
            parse_stored_document(a({a({s("snap"), s(bad)}), a({}), a({})}))));
        EXPECT_TRUE(std::holds_alternative<std::string>(
            parse_stored_document(a({a({}), a({s("c1"), s(bad)}), a({})}))));
        EXPECT_TRUE(std::holds_alternative<std::string>(parse_stored_document(
            a({a({}), a({}), a({entry(std::string(bad) + "-0", "[]", "1")})}))));
    }
    auto largest = parse_stored_document(a({a({s("head"), s("9007199254740992")}), a({}), a({})}));
    ASSERT_TRUE(std::holds_alternative<StoredDocument>(largest));
    EXPECT_EQ(std::get<StoredDocument>(largest).head, 9007199254740992u);
}

}  // namespace
}  // namespace interview::adapters
