// Seeded multi-client simulations against the real Authority and ot::Client: concurrent edits
// with random delays, per-client delivery order, lost sends, disconnects, resends with the same
// seq, persistence failures and restarts from the exported state. Every run must end with all
// clients equal to the authority and every seq committed exactly once (run_simulation checks).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "ot/client.hpp"
#include "ot/json.hpp"
#include "sim.hpp"
#include "test_util.hpp"

namespace interview::ot {
namespace {

using tools::SimOptions;

// Each client makes `edits` local edits: mostly typing and deleting near a random place, some
// multi-range operations, pastes with emoji and CJK; documents stay small so transforms overlap.
tools::EditSource random_edits(std::size_t clients, int edits) {
    auto left = std::make_shared<std::vector<int>>(clients, edits);
    return [left](std::size_t k, const TextBuffer& doc,
                  std::mt19937_64& rng) -> std::optional<Operation> {
        if ((*left)[k]-- <= 0) {
            return std::nullopt;
        }
        const std::u16string text = doc.text();
        if (std::uniform_int_distribution<int>(0, 4)(rng) == 0) {
            return test::random_op(rng, text);
        }
        const std::size_t pos =
            doc.snap(std::uniform_int_distribution<std::size_t>(0, text.size())(rng));
        std::size_t del = 0;
        if (text.size() > 60 || std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
            del = std::uniform_int_distribution<std::size_t>(
                0, std::min<std::size_t>(4, text.size() - pos))(rng);
            const std::size_t end = doc.snap(pos + del);
            del = end >= pos ? end - pos : 0;
        }
        return make_replace(text.size(), pos, del, test::random_text(rng, 3));
    };
}

SimOptions chaos(std::size_t clients, std::uint64_t seed) {
    SimOptions o;
    o.clients = clients;
    o.seed = seed;
    o.p_lost_send = 0.05;
    o.p_disconnect = 0.02;
    o.p_resend = 0.05;
    o.p_persist_failure = 0.02;
    o.p_restart = 0.005;
    o.p_compact = 0.01;
    o.log_capacity = 1000;
    return o;
}

TEST(Simulation, ConvergesWithDelaysOnly) {
    const std::uint64_t base = test::base_seed();
    SCOPED_TRACE("OT_SEED=" + std::to_string(base));
    for (std::uint64_t i = 0; i < 20; ++i) {
        SimOptions o;
        o.clients = 2 + i % 3;
        o.seed = base + i;
        std::mt19937_64 rng(o.seed);
        auto r = tools::run_simulation(test::random_text(rng, 30), o, random_edits(o.clients, 60));
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_GT(r->committed, 0u);
        EXPECT_EQ(r->duplicates, 0u);
        EXPECT_EQ(r->abandoned, 0u);
    }
}

TEST(Simulation, ConvergesUnderChaos) {
    const std::uint64_t base = test::base_seed();
    SCOPED_TRACE("OT_SEED=" + std::to_string(base));
    std::uint64_t transformed = 0, duplicates = 0, restarts = 0, failures = 0, disconnects = 0;
    for (std::uint64_t i = 0; i < 40; ++i) {
        const SimOptions o = chaos(2 + i % 3, base * 31 + i);
        std::mt19937_64 rng(o.seed);
        auto r = tools::run_simulation(test::random_text(rng, 30), o, random_edits(o.clients, 80));
        ASSERT_TRUE(r.ok()) << r.error().message;
        transformed += r->transformed;
        duplicates += r->duplicates;
        restarts += r->restarts;
        failures += r->persist_failures;
        disconnects += r->disconnects;
    }
    // The faults really happened (otherwise this test would prove nothing).
    EXPECT_GT(transformed, 100u);
    EXPECT_GT(duplicates, 10u);
    EXPECT_GT(restarts, 0u);
    EXPECT_GT(failures, 0u);
    EXPECT_GT(disconnects, 0u);
}

TEST(Simulation, SmallLogForcesSnapshotResyncs) {
    const std::uint64_t base = test::base_seed();
    SCOPED_TRACE("OT_SEED=" + std::to_string(base));
    std::uint64_t resyncs = 0;
    for (std::uint64_t i = 0; i < 20; ++i) {
        SimOptions o = chaos(3, base * 7 + i);
        o.log_capacity = 3;
        std::mt19937_64 rng(o.seed);
        auto r = tools::run_simulation(test::random_text(rng, 30), o, random_edits(o.clients, 60));
        ASSERT_TRUE(r.ok()) << r.error().message;
        resyncs += r->resyncs;
    }
    EXPECT_GT(resyncs, 0u);
}

// The client state machine on its own: the ack releases the buffer with the next seq.
TEST(Client, OutstandingBufferAndAck) {
    Client c("me", 0, TextBuffer(u"ab"));
    auto first = c.local_edit(make_replace(2, 2, 0, u"1"));
    ASSERT_TRUE(first.ok() && first->has_value());
    EXPECT_EQ((*first)->seq, 1u);
    EXPECT_EQ((*first)->base_revision, 0u);
    auto second = c.local_edit(make_replace(3, 3, 0, u"2"));
    ASSERT_TRUE(second.ok());
    EXPECT_FALSE(second->has_value());  // buffered while one is in flight
    EXPECT_TRUE(c.has_buffer());
    // Someone else's op at revision 1: inserted at 0, committed before ours.
    ASSERT_TRUE(c.receive(1, make_replace(2, 0, 0, u"X"), "other", 7).ok());
    EXPECT_EQ(c.document().utf8(), "Xab12");
    auto resend = c.resend();
    ASSERT_TRUE(resend.has_value());
    EXPECT_EQ(resend->seq, 1u);
    EXPECT_EQ(resend->base_revision, 1u);
    EXPECT_EQ(operation_to_json_text(resend->op), R"([3,"1"])");
    // Our op comes back as revision 2: the buffer goes out as seq 2 on revision 2.
    auto ack = c.receive(2, resend->op, "me", 1);
    ASSERT_TRUE(ack.ok() && ack->has_value());
    EXPECT_EQ((*ack)->seq, 2u);
    EXPECT_EQ((*ack)->base_revision, 2u);
    EXPECT_EQ(c.revision(), 2u);
    EXPECT_FALSE(c.receive(5, Operation(), "other", 1).ok());  // a gap is reported
    EXPECT_TRUE(c.receive(2, Operation(), "other", 1).ok());   // an old one is ignored
    EXPECT_EQ(c.reset(9, TextBuffer(u"snap")), 1u);
    EXPECT_TRUE(c.synchronized());
    EXPECT_EQ(c.next_seq(), 3u);  // abandoned seqs are never reused
}

}  // namespace
}  // namespace interview::ot
