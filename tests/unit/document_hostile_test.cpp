// room::Document against hostile and careless members: every message type's rate limit,
// snapshots within the outbound budget, bounded work per message, client ids scoped to their
// participant, long transformed edits sent in pieces, the lifecycle states (loading, paused) and
// what each member is told. The outbox models a per-member queue with a byte budget that only
// drains when the test says so.
#include <gtest/gtest.h>

#include <map>

#include "json_ptr.hpp"
#include "ot/json.hpp"
#include "protocol/data_messages.hpp"
#include "document/document.hpp"

using namespace interview;
using access::Participant;
using access::Role;

namespace {

struct QueueOutbox : room::DocumentOutbox {
    std::size_t budget = 1u << 20;
    std::map<room::SessionKey, std::size_t> queued;  // bytes not drained yet
    std::map<room::SessionKey, std::size_t> total;   // bytes ever queued
    std::map<room::SessionKey, std::vector<std::string>> sent;
    std::vector<room::PendingCommit> commits;

    bool send(room::SessionKey to, const std::string& text) override {
        if (queued[to] + text.size() > budget) {
            return false;
        }
        push(to, text);
        return true;
    }
    bool send_beyond_budget(room::SessionKey to, const std::string& text) override {
        push(to, text);
        return queued[to] <= budget;
    }
    void persist(const room::PendingCommit& c) override { commits.push_back(c); }
    void persist_language(const std::string&) override {}
    void push(room::SessionKey to, const std::string& text) {
        queued[to] += text.size();
        total[to] += text.size();
        sent[to].push_back(text);
    }
    std::vector<JsonPtr> take(room::SessionKey key) {
        std::vector<JsonPtr> out;
        for (const auto& t : sent[key]) {
            out.emplace_back(json_loads(t.c_str(), 0, nullptr));
        }
        sent[key].clear();
        return out;
    }
};

std::string str(const JsonPtr& m, const char* field) {
    const char* v = json_string_value(json_object_get(m.get(), field));
    return v ? v : "";
}
long long num(const JsonPtr& m, const char* field) {
    return json_integer_value(json_object_get(m.get(), field));
}
int count_of(const std::vector<JsonPtr>& ms, const char* type, const char* error = nullptr) {
    int n = 0;
    for (const auto& m : ms) {
        if (str(m, "type") == type && (error == nullptr || str(m, "error") == error)) {
            ++n;
        }
    }
    return n;
}

std::string op_msg(const std::string& client, std::uint64_t seq, std::uint64_t revision,
                   const std::string& op) {
    return R"({"type":"op","client_id":")" + client + R"(","seq":)" + std::to_string(seq) +
           R"(,"revision":)" + std::to_string(revision) + R"(,"op":)" + op + "}";
}
std::string hello(const std::string& client, std::optional<std::uint64_t> last = {}) {
    return R"({"type":"hello","client_id":")" + client + R"(","last_revision":)" +
           (last ? std::to_string(*last) : "null") + "}";
}

// An op on a document of `len` units: `count` single-character inserts, one per position.
std::string spread_inserts(std::size_t len, std::size_t count, char c) {
    std::string op = "[";
    std::size_t left = len;
    for (std::size_t i = 0; i < count && left > 0; ++i, --left) {
        op += std::string("1,\"") + c + "\",";
    }
    op += std::to_string(left) + "]";
    return op;
}

class HostileTest : public ::testing::Test {
  protected:
    static room::DocumentConfig config() {
        room::DocumentConfig c;
        c.max_ops_per_second = 1000;  // the op limit is tested in document_test.cpp
        c.messages = {100000, 100000};
        return c;
    }
    explicit HostileTest(room::DocumentConfig c = config())
        : doc_("iv", ot::Authority(c.authority), "python", false, c) {
        doc_.add_member(1, Participant{"pa", "Ada", Role::applicant});
        doc_.add_member(2, Participant{"pr", "Rita", Role::recruiter});
        doc_.add_member(3, Participant{"po", "Olga", Role::observer});
        for (room::SessionKey k : {1, 2, 3}) {
            doc_.on_text(k, hello("c" + std::to_string(k)), 0, out_);
            out_.take(k);
        }
    }
    void edit(room::SessionKey from, const std::string& client, std::uint64_t seq,
              const std::string& op, std::int64_t now = 0) {
        doc_.on_text(from, op_msg(client, seq, doc_.authority().revision(), op), now, out_);
        doc_.on_persisted(doc_.authority().revision(), out_);
    }
    void fill(std::size_t bytes) { edit(1, "c1", 1, "[\"" + std::string(bytes, 'x') + "\"]"); }
    room::Document doc_;
    QueueOutbox out_;
};

TEST_F(HostileTest, WrongChecksumsFromAnObserverQueueAtMostOneSnapshotPastTheBudget) {
    out_.budget = 64 * 1024;
    for (int i = 0; i < 20; ++i) {  // a 1 MB document, built in 50 KB edits
        edit(1, "c1", static_cast<std::uint64_t>(i + 1),
             "[" +
                 (i == 0 ? std::string()
                         : std::to_string(doc_.authority().document().length()) + ",") +
                 "\"" + std::string(50000, 'x') + "\"]");
    }
    out_.queued.clear();
    out_.total.clear();
    doc_.on_drained(3, out_);  // the observer catches up: one snapshot
    out_.take(3);
    out_.queued.clear();
    doc_.on_drained(3, out_);  // and reads it
    ASSERT_TRUE(out_.take(3).empty());
    out_.total.clear();
    const std::string bad_check = R"({"type":"check","revision":)" +
                                  std::to_string(doc_.authority().revision()) + R"(,"checksum":")" +
                                  std::string(64, '0') + R"("})";
    for (int i = 0; i < 200; ++i) {
        doc_.on_text(3, bad_check, i, out_);  // 200 in 0.2 s
    }
    const std::size_t snapshot = doc_.authority().document().utf8_size();
    EXPECT_LE(out_.total[3], out_.budget + snapshot + 64 * 1024);
    const int parts = count_of(out_.take(3), "snapshot");
    EXPECT_GE(static_cast<std::size_t>(parts) * 60000, snapshot);
    // Once drained, one more snapshot at most (a check asked for it meanwhile), never one per
    // check.
    out_.queued[3] = 0;
    doc_.on_drained(3, out_);
    EXPECT_LE(count_of(out_.take(3), "snapshot"), parts);
    // And with nothing asked meanwhile, nothing.
    out_.queued[3] = 0;
    doc_.on_drained(3, out_);
    EXPECT_EQ(count_of(out_.take(3), "snapshot"), 0);
}

TEST_F(HostileTest, EveryMessageTypeHasItsOwnLimit) {
    struct Case {
        std::string text;
        const char* limit;
        int burst;
    };
    const Case cases[] = {
        {R"({"type":"ping","t":1})", "ping", 10},
        {hello("c2", 0), "hello", 5},
        {R"({"type":"language","language":"go"})", "language", 5},
        {R"({"type":"check","revision":0,"checksum":")" + std::string(64, 'a') + R"("})", "check",
         5},
    };
    for (const auto& c : cases) {
        out_.take(2);
        out_.queued.clear();
        for (int i = 0; i < c.burst + 3; ++i) {
            doc_.on_text(2, c.text, 10'000, out_);
        }
        auto m = out_.take(2);
        int limited = 0;
        for (const auto& x : m) {
            if (str(x, "error") == "rate_limited") {
                ++limited;
                EXPECT_EQ(str(x, "reason"), c.limit);
            }
        }
        EXPECT_EQ(limited, 3) << c.limit;
    }
    // The limits refill with time.
    doc_.on_text(2, R"({"type":"ping","t":7})", 20'000, out_);
    EXPECT_EQ(str(out_.take(2).at(0), "type"), "pong");
}

TEST(HostileMessages, AFloodIsDroppedWithOneNoticeASecond) {
    room::DocumentConfig c;
    room::Document doc("iv", ot::Authority(c.authority), "python", false, c);
    doc.add_member(1, Participant{"po", "Olga", Role::observer});
    QueueOutbox out;
    for (int i = 0; i < 1000; ++i) {
        doc.on_text(1, "not json", i / 2, out);  // 1,000 in half a second
    }
    auto m = out.take(1);
    // The burst (2 x 89) is answered (malformed_request), then one notice; the rest unread.
    const int answered = count_of(m, "error", "malformed_request");  // burst + 0.5 s of refill
    EXPECT_GE(answered, 178 + 40);
    EXPECT_LE(answered, 178 + 45);
    EXPECT_EQ(count_of(m, "error", "rate_limited"), 1);
    for (const auto& x : m) {
        if (str(x, "error") == "rate_limited") {
            EXPECT_EQ(str(x, "reason"), "messages");
        }
    }
}

TEST_F(HostileTest, PresenceAtAnOldRevisionAfterHugeOpsIsDropped) {
    fill(20000);
    const auto base = doc_.authority().revision();
    for (std::uint64_t seq = 2; seq <= 30; ++seq) {
        edit(1, "c1", seq, spread_inserts(doc_.authority().document().length(), 5000, 'y'));
    }
    out_.take(2);
    doc_.on_text(1,
                 R"({"type":"presence","revision":)" + std::to_string(base) +
                     R"(,"cursor":5,"selection":[[1,2],[3,4]]})",
                 0, out_);
    EXPECT_EQ(count_of(out_.take(2), "presence"), 0);
    // A current one is moved and sent.
    doc_.on_text(1,
                 R"({"type":"presence","revision":)" + std::to_string(doc_.authority().revision()) +
                     R"(,"cursor":5,"selection":[]})",
                 1000, out_);
    EXPECT_EQ(count_of(out_.take(2), "presence"), 1);
}

TEST_F(HostileTest, AnOpOnAnOldRevisionThatWouldCostTooMuchIsResynced) {
    fill(20000);
    const auto base = doc_.authority().revision();
    for (std::uint64_t seq = 2; seq <= 30; ++seq) {
        edit(1, "c1", seq, spread_inserts(doc_.authority().document().length(), 5000, 'y'));
    }
    out_.take(2);
    doc_.on_text(2, op_msg("c2", 1, base, R"([5,"q",19995])"), 0, out_);
    auto m = out_.take(2);
    EXPECT_EQ(count_of(m, "error", "revision_too_old"), 1);
    EXPECT_GE(count_of(m, "snapshot"), 1);
}

TEST_F(HostileTest, AnotherParticipantCannotUseAVictimsClientId) {
    edit(1, "c1", 1, R"(["a"])");
    out_.take(2);
    // The recruiter sends under the applicant's client id with a huge seq.
    doc_.on_text(2, op_msg("c1", 1000000, 1, R"([1,"evil"])"), 0, out_);
    auto m = out_.take(2);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(str(m[0], "error"), "invalid_field");
    EXPECT_EQ(doc_.authority().revision(), 1u);
    // The victim's next edit applies.
    edit(1, "c1", 2, R"([1,"b"])");
    EXPECT_EQ(doc_.authority().document().utf8(), "ab");
    EXPECT_EQ(out_.commits.back().client_id, "pa:c1");
}

TEST_F(HostileTest, FreshClientIdsAreCappedPerParticipant) {
    for (int i = 0; i < 40; ++i) {
        edit(2, "tab" + std::to_string(i), 1,
             "[" + (i == 0 ? std::string() : std::to_string(i) + ",") + "\"z\"]");
    }
    EXPECT_EQ(doc_.authority().document().utf8(), std::string(40, 'z'));
    std::size_t mine = 0;
    for (const auto& [id, revision] : doc_.authority().clients()) {
        mine += id.rfind("pr:", 0) == 0 ? 1 : 0;
    }
    EXPECT_EQ(mine, 16u);
    // Each eviction went to the store with the commit that caused it.
    EXPECT_EQ(out_.commits.back().forget_client, "pr:tab23");
    EXPECT_EQ(out_.commits[16].forget_client, "pr:tab0");
    EXPECT_EQ(out_.commits[15].forget_client, "");
}

class PiecesTest : public HostileTest {
  protected:
    static room::DocumentConfig small_messages() {
        room::DocumentConfig c = config();
        c.max_broadcast_bytes = 20000;
        return c;
    }
    PiecesTest() : HostileTest(small_messages()) {}
};

TEST_F(PiecesTest, ALongTransformedEditGoesOutInPiecesThatEveryoneCanApply) {
    fill(20000);
    const auto base = doc_.authority().revision();
    const auto len = doc_.authority().document().length();
    // Two edits with thousands of inserts, then a 20-byte delete of everything made before
    // them: transformed over both, the delete is cut by every insert and is longer than a data
    // channel message may be.
    edit(1, "c1", 2, spread_inserts(len, 7000, 'p'));
    edit(1, "c1", 3, spread_inserts(doc_.authority().document().length(), 7000, 'p'));
    out_.take(1);
    out_.take(2);
    doc_.on_text(2, op_msg("c2", 1, base, "[-" + std::to_string(len) + "]"), 0, out_);
    ASSERT_EQ(out_.commits.size(), 4u);
    const auto& commit = out_.commits.back();
    EXPECT_LT(commit.first_revision, commit.revision);
    EXPECT_EQ(commit.op_jsons.size(), commit.revision - commit.first_revision + 1);
    doc_.on_persisted(doc_.authority().revision(), out_);
    for (room::SessionKey k : {1, 2}) {
        auto m = out_.take(k);
        ASSERT_EQ(m.size(), commit.op_jsons.size()) << k;
        for (std::size_t i = 0; i < m.size(); ++i) {
            EXPECT_EQ(str(m[i], "type"), "op");
            EXPECT_EQ(num(m[i], "revision"), static_cast<long long>(commit.first_revision + i));
            EXPECT_EQ(str(m[i], "client_id"), "c2");
            EXPECT_EQ(num(m[i], "seq"), i + 1 == m.size() ? 1 : 0);
            EXPECT_EQ(str(m[i], "author"), "pr");
        }
    }
    for (const auto& text : out_.sent[3]) {
        EXPECT_LE(text.size(), 20000u);
    }
    EXPECT_EQ(doc_.authority().document().utf8(), std::string(14000, 'p'));
}

TEST_F(HostileTest, AnOpBeforeHelloIsRefusedAndNotApplied) {
    doc_.add_member(4, Participant{"pb", "Bob", Role::applicant});
    doc_.on_text(4, op_msg("c4", 1, 0, R"(["x"])"), 0, out_);
    auto m = out_.take(4);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(str(m[0], "error"), "hello_required");
    EXPECT_EQ(num(m[0], "seq"), 1);
    EXPECT_TRUE(out_.commits.empty());
}

TEST_F(HostileTest, CatchUpOpsNameTheirAuthor) {
    edit(2, "c2", 1, R"(["r"])");
    doc_.on_text(1, hello("c1", 0), 0, out_);
    auto m = out_.take(1);
    ASSERT_GE(m.size(), 2u);
    EXPECT_EQ(str(m[m.size() - 2], "type"), "op");
    EXPECT_EQ(str(m[m.size() - 2], "author"), "pr");
    EXPECT_EQ(str(m[m.size() - 2], "client_id"), "c2");
}

TEST_F(HostileTest, ALoneSurrogateIsAnInvalidOperation) {
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["\ud83d"])"), 0, out_);
    auto m = out_.take(1);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(str(m[0], "error"), "invalid_operation");
    EXPECT_EQ(str(m[0], "reason"), "lone_surrogate");
    EXPECT_EQ(num(m[0], "seq"), 1);  // the author can tell which edit it was
}

TEST(DocumentLifecycle, WhileLoadingHelloWaitsEditsAreRefusedAndPingIsAnswered) {
    room::DocumentConfig c;
    room::Document doc("iv", c);
    QueueOutbox out;
    doc.add_member(1, Participant{"pa", "Ada", Role::applicant}, out);
    doc.add_member(2, Participant{"pr", "Rita", Role::recruiter}, out);
    EXPECT_EQ(doc.state(), room::Document::State::loading);
    doc.on_text(1, hello("c1"), 0, out);
    doc.on_text(1, R"({"type":"ping","t":3})", 0, out);
    doc.on_text(2, hello("c2"), 0, out);
    doc.on_text(2, op_msg("c2", 1, 0, R"(["x"])"), 0, out);
    auto m1 = out.take(1);
    ASSERT_EQ(m1.size(), 1u);
    EXPECT_EQ(str(m1[0], "type"), "pong");
    auto m2 = out.take(2);
    ASSERT_EQ(m2.size(), 1u);
    EXPECT_EQ(str(m2[0], "error"), "storage_unavailable");
    EXPECT_EQ(num(m2[0], "seq"), 1);
    // Loaded: the waiting hello is answered; the refused editor is told to resume.
    ot::Authority a(c.authority);
    a.submit("x:y", 1, 0, ot::make_replace(0, 0, 0, u"hi"));
    doc.load(std::move(a), "go", false, out);
    auto after1 = out.take(1);
    ASSERT_EQ(after1.size(), 2u);
    EXPECT_EQ(str(after1[0], "type"), "snapshot");
    EXPECT_EQ(str(after1[0], "text"), "hi");
    EXPECT_EQ(str(after1[1], "type"), "synced");
    auto after2 = out.take(2);
    ASSERT_EQ(after2.size(), 1u);
    EXPECT_EQ(str(after2[0], "type"), "resumed");
}

TEST(DocumentLifecycle, ARoomOpenedDuringAnOutageResumesWhenStorageReturns) {
    room::DocumentConfig c;
    room::Document doc("iv", c);
    QueueOutbox out;
    doc.set_paused(true, out);
    doc.add_member(1, Participant{"pa", "Ada", Role::applicant}, out);
    EXPECT_EQ(str(out.take(1).at(0), "type"), "paused");
    doc.on_text(1, hello("c1"), 0, out);
    EXPECT_EQ(str(out.take(1).at(0), "type"), "paused");
    doc.on_text(1, R"({"type":"ping","t":1})", 0, out);
    EXPECT_EQ(str(out.take(1).at(0), "type"), "pong");
    doc.load(ot::Authority(c.authority), "python", false, out);
    auto m = out.take(1);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(str(m[0], "type"), "resumed");
    doc.on_text(1, hello("c1"), 0, out);
    EXPECT_EQ(count_of(out.take(1), "synced"), 1);
}

TEST_F(HostileTest, AnOutageMidEditPausesEveryoneAndTheRebuildResumesThem) {
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["a"])"), 0, out_);  // in flight, never confirmed
    doc_.set_paused(true, out_);
    for (room::SessionKey k : {1, 2, 3}) {
        EXPECT_EQ(str(out_.take(k).at(0), "type"), "paused");
    }
    doc_.on_text(2, op_msg("c2", 1, 0, R"(["b"])"), 0, out_);
    EXPECT_EQ(str(out_.take(2).at(0), "error"), "storage_unavailable");
    doc_.load(ot::Authority(HostileTest::config().authority), "python", false, out_);
    EXPECT_FALSE(doc_.has_unconfirmed());
    for (room::SessionKey k : {1, 2, 3}) {
        auto m = out_.take(k);
        ASSERT_EQ(m.size(), 1u);
        EXPECT_EQ(str(m[0], "type"), "resumed");
    }
    // The edit that was never confirmed is resent and applied once.
    doc_.on_text(1, hello("c1", 0), 0, out_);
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["a"])"), 0, out_);
    doc_.on_persisted(1, out_);
    EXPECT_EQ(doc_.authority().document().utf8(), "a");
}

}  // namespace
