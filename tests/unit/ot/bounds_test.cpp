// The authority's bounds against hostile clients: the JSON size of an op, ops split into pieces
// that a data channel can carry, the log's byte cap, the transform work cap, client records.
#include <gtest/gtest.h>

#include <random>

#include "ot/authority.hpp"
#include "ot/json.hpp"
#include "test_util.hpp"

namespace interview::ot {
namespace {

using test::u16;

Operation many_inserts(std::size_t doc_len, std::size_t count, std::u16string_view text) {
    Operation op;
    std::size_t left = doc_len;
    for (std::size_t i = 0; i < count && left > 0; ++i) {
        op.retain(1);
        op.insert(text);
        --left;
    }
    op.retain(left);
    return op;
}

TEST(JsonSize, MatchesTheSerialisedText) {
    const std::u16string texts[] = {u"",
                                    u"plain",
                                    u"quote \" back \\ slash",
                                    u"\n\t\b\f",
                                    u"\x01\x1f\x7f",
                                    u"é中",
                                    u"\U0001F600 smile",
                                    u"\u2028"};
    for (const auto& t : texts) {
        Operation op;
        op.retain(12345).insert(t).erase(7).retain(3);
        EXPECT_EQ(operation_json_size(op), operation_to_json_text(op).size())
            << operation_to_json_text(op);
    }
    EXPECT_EQ(operation_json_size(Operation{}), operation_to_json_text(Operation{}).size());
}

// Applying the pieces one after the other is the same as applying the op.
void expect_pieces_equal(const Operation& op, std::u16string_view doc, std::size_t max) {
    const auto pieces = split_operation_for_json(op, max);
    ASSERT_FALSE(pieces.empty());
    std::u16string d(doc);
    for (const auto& p : pieces) {
        EXPECT_LE(operation_json_size(p), max);
        auto next = ot::apply(p, d);
        ASSERT_TRUE(next.ok()) << next.error().message;
        d = std::move(next.value());
    }
    auto whole = ot::apply(op, doc);
    ASSERT_TRUE(whole.ok());
    EXPECT_EQ(d, whole.value());
}

TEST(SplitForJson, PiecesComposeToTheOperation) {
    const std::u16string doc(5000, u'a');
    expect_pieces_equal(many_inserts(doc.size(), 3000, u"xy"), doc, 1000);
    Operation del;
    for (int i = 0; i < 2000; ++i) {
        del.retain(1).erase(1);
    }
    del.retain(1000);
    expect_pieces_equal(del, doc, 500);
    // One insert longer than a piece, with astral characters and escapes in it: cut between
    // code points, never inside a pair.
    std::u16string big;
    for (int i = 0; i < 3000; ++i) {
        big += u"\U0001F600\x01\"z";
    }
    Operation ins;
    ins.retain(10).insert(big).erase(5).retain(doc.size() - 15);
    expect_pieces_equal(ins, doc, 700);
    EXPECT_EQ(split_operation_for_json(ins, 1u << 20).size(), 1u);
}

TEST(SplitForJson, RandomOperations) {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        const std::size_t len = rng() % 400;
        std::u16string doc(len, u'q');
        Operation op;
        std::size_t left = len;
        while (left > 0) {
            const std::size_t n = 1 + rng() % std::min<std::size_t>(left, 20);
            switch (rng() % 3) {
                case 0:
                    op.retain(n);
                    left -= n;
                    break;
                case 1:
                    op.erase(n);
                    left -= n;
                    break;
                default:
                    op.insert(std::u16string(1 + rng() % 90, u'\n'));
            }
        }
        expect_pieces_equal(op, doc, 64 + rng() % 200);
    }
}

TEST(AuthorityBounds, LongTransformedOpsAreCommittedInPieces) {
    AuthorityConfig config;
    config.max_entry_json_bytes = 2000;
    Authority a(config);
    const std::u16string doc(3000, u'a');
    Operation init;
    init.insert(doc);
    ASSERT_TRUE(std::holds_alternative<Committed>(a.submit("seed", 1, 0, init)));
    const std::uint64_t base = a.revision();  // the seed itself came in pieces
    EXPECT_GT(base, 1u);
    // Two ops with many components on revision `base`: the second, transformed over the first, is
    // longer than both.
    const auto first = a.submit("a", 1, base, many_inserts(doc.size(), 400, u"b"));
    if (const auto* rej = std::get_if<Rejected>(&first)) {
        FAIL() << rej->error.message;
    }
    ASSERT_TRUE(std::holds_alternative<Committed>(first));
    const auto r = a.submit("c", 1, base, many_inserts(doc.size(), 400, u"c"));
    ASSERT_TRUE(std::holds_alternative<Committed>(r));
    const auto& c = std::get<Committed>(r);
    EXPECT_GT(c.revision, c.first_revision);
    for (auto rev = c.first_revision; rev <= c.revision; ++rev) {
        const LogEntry* e = a.entry_at(rev);
        ASSERT_NE(e, nullptr);
        EXPECT_LE(operation_to_json_text(e->op).size(), 2000u);
        EXPECT_EQ(e->client_id, "c");
        EXPECT_EQ(e->seq, rev == c.revision ? 1u : 0u);
    }
    EXPECT_EQ(a.last_seq("c"), 1u);
    // A resend is still a duplicate, acknowledged at the last piece.
    const auto again = a.submit("c", 1, base, many_inserts(doc.size(), 400, u"c"));
    ASSERT_TRUE(std::holds_alternative<Duplicate>(again));
    EXPECT_EQ(std::get<Duplicate>(again).revision, c.revision);
    // Export and restore keep the pieces and the seq.
    auto restored = Authority::restore(a.export_state(), config);
    ASSERT_TRUE(restored.ok());
    EXPECT_EQ(restored.value().last_seq("c"), 1u);
    EXPECT_EQ(restored.value().document().utf8(), a.document().utf8());
}

TEST(AuthorityBounds, ATransformedOpOverTheComponentCapIsCommittedInPiecesNotRefused) {
    AuthorityConfig config;
    config.limits.max_components = 100;
    config.max_entry_json_bytes = 1u << 20;
    Authority a(config);
    Operation init;
    init.insert(std::u16string(200, u'a'));
    ASSERT_TRUE(std::holds_alternative<Committed>(a.submit("seed", 1, 0, init)));
    // Two ops of 49 inserts (99 components each), then a one-component delete of everything on
    // the first one's base: transformed over both, the second's inserts cut every deleted run,
    // and the delete has about 200 components.
    const auto spaced = [](std::size_t len, std::size_t first, std::size_t step, char16_t c) {
        Operation op;
        std::size_t at = 0;
        for (std::size_t p = first; p <= len && op.components().size() < 98; p += step) {
            op.retain(p - at).insert(std::u16string(1, c));
            at = p;
        }
        op.retain(len - at);
        return op;
    };
    ASSERT_TRUE(std::holds_alternative<Committed>(a.submit("x", 1, 1, spaced(200, 4, 4, u'i'))));
    ASSERT_TRUE(std::holds_alternative<Committed>(a.submit("x", 2, 2, spaced(249, 2, 5, u'j'))));
    Operation all;
    all.erase(200);
    const auto r = a.submit("y", 1, 1, all);
    if (const auto* rej = std::get_if<Rejected>(&r)) {
        FAIL() << rej->error.message;
    }
    const auto& c = std::get<Committed>(r);
    EXPECT_LT(c.first_revision, c.revision);
    for (auto rev = c.first_revision; rev <= c.revision; ++rev) {
        EXPECT_LE(a.entry_at(rev)->op.components().size(), 100u);
    }
    const std::string text = a.document().utf8();
    EXPECT_EQ(text.size(), 98u);
    EXPECT_EQ(text.find('a'), std::string::npos);
    EXPECT_EQ(a.revision(), c.revision);
    // An op sent on the current revision is still held to the cap.
    EXPECT_TRUE(std::holds_alternative<Rejected>(
        a.submit("z", 1, a.revision(), many_inserts(98, 60, u"k"))));
}

TEST(AuthorityBounds, TheLogKeepsAtMostItsBytes) {
    AuthorityConfig config;
    config.log_max_bytes = 256 * 1024;
    Authority a(config);
    Operation init;
    init.insert(std::u16string(10000, u'a'));
    ASSERT_TRUE(std::holds_alternative<Committed>(a.submit("seed", 1, 0, init)));
    for (std::uint64_t seq = 1; seq <= 300; ++seq) {
        const auto r = a.submit("x", seq, a.revision(), many_inserts(10000, 2000, u"z"));
        ASSERT_TRUE(std::holds_alternative<Committed>(r));
        // Keep the document from growing: undo-like delete of what was inserted.
        Operation undo;
        for (int i = 0; i < 2000; ++i) {
            undo.retain(1).erase(1);
        }
        undo.retain(10000 - 2000);
        ASSERT_TRUE(
            std::holds_alternative<Committed>(a.submit("y", seq, a.revision(), std::move(undo))));
        EXPECT_LE(a.log_bytes(), config.log_max_bytes + 200 * 1024);  // + the newest entry
    }
    EXPECT_LT(a.log_size(), 50u);
    EXPECT_GE(a.log_size(), 1u);
    // Small ops after the big ones: the log grows again (up to its capacity).
    for (std::uint64_t seq = 301; seq < 1500; ++seq) {
        a.submit("x", seq, a.revision(), make_replace(a.document().length(), 0, 0, u"k"));
    }
    EXPECT_GT(a.log_size(), 500u);
}

TEST(AuthorityBounds, TransformWorkIsCapped) {
    AuthorityConfig config;
    config.max_transform_work = 50000;
    Authority a(config);
    Operation init;
    init.insert(std::u16string(20000, u'a'));
    ASSERT_TRUE(std::holds_alternative<Committed>(a.submit("seed", 1, 0, init)));
    const std::uint64_t base = a.revision();
    for (std::uint64_t seq = 1; seq <= 10; ++seq) {
        ASSERT_TRUE(std::holds_alternative<Committed>(
            a.submit("x", seq, a.revision(), many_inserts(a.document().length(), 3000, u"z"))));
    }
    EXPECT_GT(a.transform_work(base, 1), config.max_transform_work);
    // An op on the old revision would cross 60,000 components: resync instead.
    EXPECT_TRUE(std::holds_alternative<NeedsResync>(
        a.submit("late", 1, base, make_replace(20000, 0, 0, u"q"))));
    // A recent one still transforms.
    EXPECT_TRUE(std::holds_alternative<Committed>(
        a.submit("late", 1, a.revision() - 1,
                 make_replace(a.entry_at(a.revision())->op.base_length(), 0, 0, u"q"))));
}

TEST(AuthorityBounds, RestoreRefusesRevisionsBeyond2To53) {
    EXPECT_FALSE(Authority::restore("", UINT64_MAX, {}, {}).ok());
    EXPECT_FALSE(Authority::restore("", (1ULL << 53) + 1, {}, {}).ok());
    EXPECT_TRUE(Authority::restore("", 1ULL << 53, {}, {}).ok());
}

TEST(AuthorityBounds, ForgottenClientsAreNewAgain) {
    Authority a;
    ASSERT_TRUE(
        std::holds_alternative<Committed>(a.submit("p:t1", 1, 0, make_replace(0, 0, 0, u"a"))));
    ASSERT_EQ(a.clients().size(), 1u);
    EXPECT_EQ(a.clients()[0].first, "p:t1");
    EXPECT_EQ(a.clients()[0].second, 1u);
    a.forget_client("p:t1");
    EXPECT_EQ(a.last_seq("p:t1"), std::nullopt);
    EXPECT_TRUE(a.clients().empty());
    EXPECT_TRUE(
        std::holds_alternative<Committed>(a.submit("p:t1", 1, 1, make_replace(1, 0, 0, u"b"))));
}

}  // namespace
}  // namespace interview::ot
