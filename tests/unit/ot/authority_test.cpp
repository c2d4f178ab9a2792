// The authority: commits, transforms over the log, duplicates, resync, catch-up, export/restore.
#include <gtest/gtest.h>

#include "ot/authority.hpp"
#include "ot/json.hpp"
#include "test_util.hpp"

namespace interview::ot {
namespace {

using test::u16;

Operation ins(std::size_t len, std::size_t pos, const char* text) {
    return make_replace(len, pos, 0, u16(text));
}

// By value: the SubmitResult is usually a temporary, the entry it points to is not.
Committed committed(const SubmitResult& r) {
    EXPECT_TRUE(std::holds_alternative<Committed>(r));
    if (const auto* e = std::get_if<Rejected>(&r)) {
        ADD_FAILURE() << e->error.message;
    }
    return std::holds_alternative<Committed>(r) ? std::get<Committed>(r) : Committed{0, nullptr};
}

TEST(Authority, CommitsSequentially) {
    Authority a;
    EXPECT_EQ(a.revision(), 0u);
    EXPECT_EQ(a.checksum_at_current(), sha256_hex(""));
    const Committed& c1 = committed(a.submit("alice", 1, 0, ins(0, 0, "hello")));
    EXPECT_EQ(c1.revision, 1u);
    EXPECT_EQ(c1.entry->client_id, "alice");
    EXPECT_EQ(c1.entry->seq, 1u);
    EXPECT_EQ(operation_to_json_text(c1.op()), R"(["hello"])");
    committed(a.submit("alice", 2, 1, ins(5, 5, " 😀")));
    EXPECT_EQ(a.document().utf8(), "hello 😀");
    EXPECT_EQ(a.checksum_at_current(), sha256_hex("hello 😀"));
    EXPECT_EQ(a.last_seq("alice"), 2u);
    EXPECT_EQ(a.last_seq("bob"), std::nullopt);
}

TEST(Authority, SamePositionInsertsFromTwoClientsCommittedFirstWins) {
    Authority a;
    committed(a.submit("seed", 1, 0, ins(0, 0, "ab")));
    // Both typed at position 1 on revision 1; bob's arrives first.
    committed(a.submit("bob", 1, 1, ins(2, 1, "B")));
    const Committed& c = committed(a.submit("alice", 1, 1, ins(2, 1, "A")));
    EXPECT_EQ(a.document().utf8(), "aBAb");
    EXPECT_EQ(operation_to_json_text(c.op()), R"([2,"A",1])");
    // The opposite arrival order gives the opposite text: deterministic by commit order.
    Authority b;
    committed(b.submit("seed", 1, 0, ins(0, 0, "ab")));
    committed(b.submit("alice", 1, 1, ins(2, 1, "A")));
    committed(b.submit("bob", 1, 1, ins(2, 1, "B")));
    EXPECT_EQ(b.document().utf8(), "aABb");
}

TEST(Authority, TransformsOneOpAtATime) {
    Authority a;
    committed(a.submit("x", 1, 0, ins(0, 0, "0123456789")));
    committed(a.submit("x", 2, 1, make_replace(10, 0, 2, u"")));  // 23456789
    committed(a.submit("x", 3, 2, make_replace(8, 8, 0, u"!")));  // 23456789!
    // y deletes "45" on revision 1 where it was at 4..6.
    const Committed& c = committed(a.submit("y", 1, 1, make_replace(10, 4, 2, u"")));
    EXPECT_EQ(c.revision, 4u);
    EXPECT_EQ(a.document().utf8(), "236789!");
}

TEST(Authority, DuplicateIsAcknowledgedNeverAppliedTwice) {
    Authority a;
    committed(a.submit("c", 1, 0, ins(0, 0, "x")));
    committed(a.submit("c", 2, 1, ins(1, 1, "y")));
    auto d = a.submit("c", 2, 1, ins(1, 1, "y"));
    ASSERT_TRUE(std::holds_alternative<Duplicate>(d));
    EXPECT_EQ(std::get<Duplicate>(d).revision, 2u);
    EXPECT_EQ(std::get<Duplicate>(d).last_seq, 2u);
    auto old = a.submit("c", 1, 0, ins(0, 0, "x"));  // an older seq, on an old revision
    ASSERT_TRUE(std::holds_alternative<Duplicate>(old));
    EXPECT_EQ(std::get<Duplicate>(old).revision, 1u);
    EXPECT_EQ(a.document().utf8(), "xy");
    EXPECT_EQ(a.revision(), 2u);
    // A gap in seqs is accepted (a client moving past an abandoned op).
    committed(a.submit("c", 5, 2, ins(2, 2, "z")));
    EXPECT_EQ(a.last_seq("c"), 5u);
}

TEST(Authority, ResyncFutureAndRejections) {
    AuthorityConfig cfg;
    cfg.log_capacity = 2;
    Authority a(cfg);
    for (int i = 0; i < 4; ++i) {
        committed(a.submit("w", i + 1, a.revision(), ins(i, i, "a")));
    }
    EXPECT_EQ(a.oldest_revision(), 2u);
    auto old = a.submit("r", 1, 1, ins(1, 0, "z"));
    ASSERT_TRUE(std::holds_alternative<NeedsResync>(old));
    EXPECT_EQ(std::get<NeedsResync>(old).oldest_base_revision, 2u);
    auto fut = a.submit("r", 1, 9, ins(4, 0, "z"));
    ASSERT_TRUE(std::holds_alternative<Rejected>(fut));
    EXPECT_EQ(std::get<Rejected>(fut).error.code, ErrorCode::revision_in_future);
    auto bad_len = a.submit("r", 1, 2, ins(5, 0, "z"));  // revision 2 had 2 units, not 5
    ASSERT_TRUE(std::holds_alternative<Rejected>(bad_len));
    EXPECT_EQ(std::get<Rejected>(bad_len).error.code, ErrorCode::base_length_mismatch);
    auto cr = a.submit("r", 1, 4, ins(4, 0, "\r"));
    ASSERT_TRUE(std::holds_alternative<Rejected>(cr));
    EXPECT_EQ(std::get<Rejected>(cr).error.code, ErrorCode::carriage_return);
    EXPECT_EQ(std::get<Rejected>(a.submit("", 1, 4, ins(4, 0, "z"))).error.code,
              ErrorCode::invalid_client_id);
    EXPECT_EQ(std::get<Rejected>(a.submit(std::string(200, 'c'), 1, 4, ins(4, 0, "z"))).error.code,
              ErrorCode::invalid_client_id);
    EXPECT_EQ(std::get<Rejected>(a.submit("r", 0, 4, ins(4, 0, "z"))).error.code,
              ErrorCode::invalid_seq);
    // Nothing changed, and a rejected seq can be used again.
    EXPECT_EQ(a.revision(), 4u);
    EXPECT_EQ(a.document().utf8(), "aaaa");
    EXPECT_EQ(a.last_seq("r"), std::nullopt);
    committed(a.submit("r", 1, 4, ins(4, 0, "z")));
}

TEST(Authority, RejectsAfterTransformWhenThePairWouldSplit) {
    Authority a;
    committed(a.submit("x", 1, 0, ins(0, 0, "ab")));
    // A client sends a lone high surrogate: rejected, nothing changes.
    Operation lone;
    lone.retain(1).insert(std::u16string(1, char16_t(0xD83D))).retain(1);
    auto r = a.submit("y", 1, 1, lone);
    ASSERT_TRUE(std::holds_alternative<Rejected>(r));
    EXPECT_EQ(std::get<Rejected>(r).error.code, ErrorCode::lone_surrogate);
    committed(a.submit("x", 2, 1, ins(2, 1, "😀")));
    // Deleting one unit at position 2 of revision 2 would split the emoji.
    auto s = a.submit("y", 1, 2, make_replace(4, 2, 1, u""));
    ASSERT_TRUE(std::holds_alternative<Rejected>(s));
    EXPECT_EQ(std::get<Rejected>(s).error.code, ErrorCode::splits_surrogate_pair);
}

TEST(Authority, CatchUpAndSnapshot) {
    AuthorityConfig cfg;
    cfg.log_capacity = 3;
    Authority a(cfg);
    for (int i = 0; i < 5; ++i) {
        committed(a.submit("w", i + 1, a.revision(), ins(i, i, "k")));
    }
    auto up = a.ops_since(3);
    ASSERT_TRUE(std::holds_alternative<CatchUpOps>(up));
    const auto& entries = std::get<CatchUpOps>(up).entries;
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0]->revision, 4u);
    EXPECT_EQ(entries[1]->revision, 5u);
    EXPECT_TRUE(std::get<CatchUpOps>(a.ops_since(5)).entries.empty());
    EXPECT_EQ(std::get<CatchUpOps>(a.ops_since(2)).entries.size(), 3u);
    auto snap = a.ops_since(1);
    ASSERT_TRUE(std::holds_alternative<SnapshotNeeded>(snap));
    EXPECT_EQ(std::get<SnapshotNeeded>(snap).revision, 5u);
    EXPECT_EQ(std::get<SnapshotNeeded>(snap).text, "kkkkk");
    EXPECT_TRUE(std::holds_alternative<Rejected>(a.ops_since(6)));
    EXPECT_EQ(a.entry_at(1), nullptr);
    ASSERT_NE(a.entry_at(5), nullptr);
    EXPECT_EQ(a.entry_at(5)->seq, 5u);
}

TEST(Authority, ExportRestoreRoundTrip) {
    AuthorityConfig cfg;
    cfg.log_capacity = 4;
    Authority a(cfg);
    for (int i = 0; i < 6; ++i) {
        committed(a.submit(i % 2 ? "odd" : "even", i / 2 + 1, a.revision(), ins(i, 0, "é")));
    }
    ExportedState s = a.export_state();
    EXPECT_EQ(s.snapshot_revision, 6u);
    EXPECT_EQ(s.log.size(), 4u);
    EXPECT_EQ(s.last_seq.at("odd"), 3u);
    auto b = Authority::restore(s, cfg);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->revision(), 6u);
    EXPECT_EQ(b->checksum_at_current(), a.checksum_at_current());
    EXPECT_EQ(b->export_state().log, s.log);
    // Duplicates survive the restart, with the revision still known from the history.
    auto d = b->submit("odd", 3, 2, ins(2, 0, "z"));
    ASSERT_TRUE(std::holds_alternative<Duplicate>(d));
    EXPECT_EQ(std::get<Duplicate>(d).revision, 6u);
    // A client on revision 3 (in the restored history) can still submit.
    committed(b->submit("late", 1, 3, ins(3, 3, "L")));
    EXPECT_EQ(b->document().utf8(), "ééééééL");  // shifted by the three later inserts at 0
}

TEST(Authority, RestoreReappliesEntriesAfterTheSnapshot) {
    Authority a;
    committed(a.submit("c", 1, 0, ins(0, 0, "base")));
    ExportedState snap = a.export_state();  // at revision 1
    std::vector<LogEntry> after;
    for (int i = 0; i < 3; ++i) {
        after.push_back(
            *committed(a.submit("c", i + 2, a.revision(), ins(4 + i, 4 + i, "+"))).entry);
    }
    std::vector<LogEntry> all = snap.log;
    all.insert(all.end(), after.begin(), after.end());
    auto b = Authority::restore(snap.snapshot_text, snap.snapshot_revision, snap.last_seq, all);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->revision(), 4u);
    EXPECT_EQ(b->document().utf8(), "base+++");
    EXPECT_EQ(b->last_seq("c"), 4u);
    EXPECT_EQ(b->checksum_at_current(), a.checksum_at_current());
    // Persistence failure: memory ran ahead (revision 5) but the store has only revision 4.
    committed(a.submit("c", 5, 4, ins(7, 0, "!")));
    auto c = Authority::restore(snap.snapshot_text, 1, snap.last_seq, all);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->revision(), 4u);
    committed(c->submit("c", 5, 4, ins(7, 0, "!")));  // the resend commits now, once
    EXPECT_EQ(c->document().utf8(), a.document().utf8());
}

TEST(Authority, RestoreRejectsInconsistentState) {
    Authority a;
    committed(a.submit("c", 1, 0, ins(0, 0, "ab")));
    committed(a.submit("c", 2, 1, ins(2, 2, "cd")));
    ExportedState s = a.export_state();
    auto code = [](const Result<Authority>& r) {
        return r.ok() ? ErrorCode::invalid_json : r.error().code;
    };
    auto gap = s.log;
    gap.erase(gap.begin());
    gap.push_back(s.log[0]);
    EXPECT_EQ(code(Authority::restore(s.snapshot_text, 2, s.last_seq, gap)),
              ErrorCode::invalid_state);
    EXPECT_EQ(code(Authority::restore(s.snapshot_text, 3, s.last_seq, s.log)),
              ErrorCode::invalid_state);  // history ends before the snapshot
    EXPECT_EQ(code(Authority::restore("abc", 2, s.last_seq, s.log)), ErrorCode::invalid_state);
    EXPECT_EQ(code(Authority::restore("a\rb", 0, {}, {})), ErrorCode::carriage_return);
    EXPECT_EQ(code(Authority::restore("\xC3", 0, {}, {})), ErrorCode::invalid_utf8);
    // Entries after the snapshot that do not fit the text are refused with the reason.
    std::vector<LogEntry> after = {LogEntry{3, ins(9, 0, "x"), "c", 3}};
    EXPECT_EQ(code(Authority::restore(s.snapshot_text, 2, s.last_seq, after)),
              ErrorCode::base_length_mismatch);
    after[0].revision = 5;
    EXPECT_EQ(code(Authority::restore(s.snapshot_text, 2, s.last_seq, after)),
              ErrorCode::invalid_state);
}

TEST(Authority, HotPathReusesLogSlots) {
    AuthorityConfig cfg;
    cfg.log_capacity = 8;
    Authority a(cfg);
    Operation op;
    for (std::uint64_t i = 0; i < 100; ++i) {
        make_replace(op, a.document().length(), a.document().length(), 0, u"x");
        committed(a.submit("client-with-a-long-identifier-0001", i + 1, a.revision(), op));
    }
    EXPECT_EQ(a.log_size(), 8u);
    EXPECT_EQ(a.oldest_revision(), 92u);
    EXPECT_EQ(a.document().length(), 100u);
    EXPECT_EQ(a.entry_at(100)->revision, 100u);
    EXPECT_EQ(a.entry_at(93)->seq, 93u);
}

}  // namespace
}  // namespace interview::ot
