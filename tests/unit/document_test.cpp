// The shared document's rules on the data channel (room::Document), with a recording outbox:
// durability before broadcast, duplicates, roles, read-only, pause, rate limits, presence,
// catch-up, slow receivers and divergence checks.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "json_ptr.hpp"
#include "ot/json.hpp"
#include "protocol/data_messages.hpp"
#include "document/document.hpp"

using namespace interview;
using access::Participant;
using access::Role;

namespace {

struct Outbox : room::DocumentOutbox {
    std::map<room::SessionKey, std::vector<std::string>> sent;
    std::vector<room::PendingCommit> commits;
    std::vector<std::string> languages;
    std::set<room::SessionKey> full;                // sessions whose queue is over budget
    std::map<room::SessionKey, int> beyond_budget;  // messages sent past the budget

    bool send(room::SessionKey to, const std::string& text) override {
        if (full.count(to)) {
            return false;
        }
        sent[to].push_back(text);
        return true;
    }
    bool send_beyond_budget(room::SessionKey to, const std::string& text) override {
        sent[to].push_back(text);  // even when "full": that is the point
        beyond_budget[to] += 1;
        return full.count(to) == 0;
    }
    void persist(const room::PendingCommit& c) override { commits.push_back(c); }
    void persist_language(const std::string& l) override { languages.push_back(l); }

    std::vector<JsonPtr> take(room::SessionKey key) {
        std::vector<JsonPtr> out;
        for (const auto& t : sent[key]) {
            out.emplace_back(json_loads(t.c_str(), 0, nullptr));
        }
        sent[key].clear();
        return out;
    }
};

std::string type_of(const JsonPtr& m) {
    return json_string_value(json_object_get(m.get(), "type"));
}
std::string error_of(const JsonPtr& m) {
    const char* e = json_string_value(json_object_get(m.get(), "error"));
    return e ? e : "";
}

std::string op_msg(const char* client, int seq, int revision, const char* op) {
    return std::string(R"({"type":"op","client_id":")") + client + R"(","seq":)" +
           std::to_string(seq) + R"(,"revision":)" + std::to_string(revision) + R"(,"op":)" + op +
           "}";
}

class DocumentTest : public ::testing::Test {
  protected:
    DocumentTest() : doc_("iv1", ot::Authority(config().authority), "python", false, config()) {
        doc_.add_member(1, Participant{"pa", "Ada", Role::applicant});
        doc_.add_member(2, Participant{"pr", "Rita", Role::recruiter});
        doc_.add_member(3, Participant{"po", "Olga", Role::observer});
    }
    static room::DocumentConfig config() {
        room::DocumentConfig c;
        c.max_ops_per_second = 5;
        c.max_message_bytes = 2000;
        c.authority.log_capacity = 4;
        return c;
    }
    void hello_all() {
        for (room::SessionKey k : {1, 2, 3}) {
            doc_.on_text(k, R"({"type":"hello","client_id":"c)" + std::to_string(k) + R"("})", 0,
                         out_);
            out_.take(k);
        }
    }
    // Appends one character at the end of the current document.
    void append(room::SessionKey from, const char* client, int seq, int64_t now = 0) {
        const auto n = doc_.authority().document().length();
        const std::string op = n == 0 ? R"(["a"])" : "[" + std::to_string(n) + R"(, "a"])";
        commit(from, client, seq, op.c_str(), now);
    }
    void commit(room::SessionKey from, const char* client, int seq, const char* op,
                int64_t now = 0) {
        doc_.on_text(from, op_msg(client, seq, static_cast<int>(doc_.authority().revision()), op),
                     now, out_);
        doc_.on_persisted(doc_.authority().revision(), out_);
    }

    room::Document doc_;
    Outbox out_;
};

}  // namespace

TEST_F(DocumentTest, HelloWithoutRevisionGetsSnapshotThenSynced) {
    doc_.on_text(1, R"({"type":"hello","client_id":"c1","last_revision":null})", 0, out_);
    auto m = out_.take(1);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(type_of(m[0]), "snapshot");
    EXPECT_STREQ(json_string_value(json_object_get(m[0].get(), "language")), "python");
    EXPECT_EQ(type_of(m[1]), "synced");
}

TEST_F(DocumentTest, AnOpIsBroadcastToEveryoneOnlyAfterTheStoreConfirmedIt) {
    hello_all();
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["héllo 😀"])"), 0, out_);
    ASSERT_EQ(out_.commits.size(), 1u);
    EXPECT_EQ(out_.commits[0].revision, 1u);
    EXPECT_EQ(out_.commits[0].author, "pa");
    EXPECT_TRUE(out_.sent[1].empty());  // not yet: not durable
    EXPECT_TRUE(doc_.has_unconfirmed());
    doc_.on_persisted(1, out_);
    for (room::SessionKey k : {1, 2, 3}) {
        auto m = out_.take(k);
        ASSERT_EQ(m.size(), 1u) << k;
        EXPECT_EQ(type_of(m[0]), "op");
        EXPECT_EQ(json_integer_value(json_object_get(m[0].get(), "seq")), 1);
        EXPECT_STREQ(json_string_value(json_object_get(m[0].get(), "author")), "pa");
    }
    EXPECT_EQ(doc_.confirmed_revision(), 1u);
}

TEST_F(DocumentTest, AResentSeqIsAcknowledgedAgainToItsAuthorAndNeverAppliedTwice) {
    hello_all();
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["x"])"), 0, out_);
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["x"])"), 0, out_);  // resent before confirmation
    EXPECT_TRUE(out_.sent[1].empty());
    doc_.on_persisted(1, out_);
    out_.take(1);
    out_.take(2);
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["x"])"), 0, out_);  // resent after
    auto m = out_.take(1);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(type_of(m[0]), "op");
    EXPECT_TRUE(out_.take(2).empty());
    EXPECT_EQ(doc_.authority().document().utf8(), "x");
    EXPECT_EQ(out_.commits.size(), 1u);
}

TEST_F(DocumentTest, ObserversCannotEditAndPresenceOfObserversIsNotShown) {
    hello_all();
    doc_.on_text(3, op_msg("c3", 1, 0, R"(["x"])"), 0, out_);
    auto m = out_.take(3);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(error_of(m[0]), "forbidden_for_role");
    doc_.on_text(3, R"({"type":"language","language":"go"})", 0, out_);
    EXPECT_EQ(error_of(out_.take(3)[0]), "forbidden_for_role");
    doc_.on_text(3, R"({"type":"presence","revision":0,"cursor":0})", 0, out_);
    EXPECT_TRUE(out_.take(1).empty());
    EXPECT_TRUE(out_.commits.empty());
}

TEST_F(DocumentTest, ReadOnlyAndPausedRefuseEditsWithTheirOwnCodes) {
    hello_all();
    doc_.set_paused(true, out_);
    for (room::SessionKey k : {1, 2, 3}) {
        EXPECT_EQ(type_of(out_.take(k)[0]), "paused");
    }
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["x"])"), 0, out_);
    auto m = out_.take(1);
    EXPECT_EQ(error_of(m[0]), "storage_unavailable");
    EXPECT_EQ(json_integer_value(json_object_get(m[0].get(), "seq")), 1);
    doc_.set_paused(false, out_);  // only a rebuild from storage goes live again
    EXPECT_TRUE(out_.take(2).empty());
    EXPECT_TRUE(doc_.paused());
    doc_.load(ot::Authority(doc_.authority()), "python", false, out_);
    EXPECT_EQ(type_of(out_.take(2).at(0)), "resumed");
    hello_all();
    doc_.set_read_only("ended_by_recruiter", out_);
    auto ro = out_.take(2);
    EXPECT_EQ(type_of(ro[0]), "read_only");
    EXPECT_STREQ(json_string_value(json_object_get(ro[0].get(), "reason")), "ended_by_recruiter");
    doc_.on_text(1, op_msg("c1", 1, 0, R"(["x"])"), 0, out_);
    EXPECT_EQ(error_of(out_.take(1).back()), "read_only");
    EXPECT_TRUE(out_.commits.empty());
}

TEST_F(DocumentTest, RateLimitAllowsABurstThenRefillsWithTime) {
    hello_all();
    for (int i = 1; i <= 5; ++i) {
        append(1, "c1", i, 1000);
    }
    ASSERT_EQ(doc_.authority().revision(), 5u);
    out_.take(1);
    const auto rev = doc_.authority().revision();
    doc_.on_text(1, op_msg("c1", 6, static_cast<int>(rev), "[5, \"b\"]"), 1000, out_);
    EXPECT_EQ(error_of(out_.take(1).back()), "rate_limited");
    EXPECT_EQ(doc_.authority().revision(), rev);
    doc_.on_text(1, op_msg("c1", 6, static_cast<int>(rev), "[5, \"b\"]"), 1300,
                 out_);  // +1.5 tokens
    EXPECT_EQ(doc_.authority().revision(), rev + 1);
}

TEST_F(DocumentTest, OversizedAndMalformedMessagesChangeNothing) {
    hello_all();
    doc_.on_text(1, op_msg("c1", 1, 0, ("[\"" + std::string(3000, 'x') + "\"]").c_str()), 0, out_);
    EXPECT_EQ(error_of(out_.take(1)[0]), "message_too_large");
    doc_.on_text(1, "{nope", 0, out_);
    EXPECT_EQ(error_of(out_.take(1)[0]), "malformed_request");
    doc_.on_text(1, op_msg("c1", 1, 0, "[3]"), 0, out_);
    auto m = out_.take(1);
    EXPECT_EQ(error_of(m[0]), "invalid_operation");
    EXPECT_STREQ(json_string_value(json_object_get(m[0].get(), "reason")), "base_length_mismatch");
    EXPECT_TRUE(out_.commits.empty());
    EXPECT_EQ(doc_.authority().revision(), 0u);
}

TEST_F(DocumentTest, TheSimpleFormIsAnEditOnTheCurrentRevision) {
    hello_all();
    commit(1, "c1", 1, R"(["ac"])");
    doc_.on_text(2, R"({"op":"insert","char":"b","pos":1})", 0, out_);
    doc_.on_persisted(2, out_);
    EXPECT_EQ(doc_.authority().document().utf8(), "abc");
    doc_.on_text(2, R"({"op":"delete","pos":0})", 0, out_);
    doc_.on_persisted(3, out_);
    EXPECT_EQ(doc_.authority().document().utf8(), "bc");
    EXPECT_EQ(out_.commits.back().client_id, "pr:simple-pr");  // scoped in storage
    EXPECT_EQ(out_.commits.back().seq, 2u);
}

TEST_F(DocumentTest, PresenceIsTransformedToTheCurrentRevisionAndSentToOthers) {
    hello_all();
    commit(1, "c1", 1, R"(["hello"])");
    out_.take(1);
    out_.take(2);
    // Rita's cursor at 5 on revision 1; Ada inserts 2 units at 0 meanwhile
    commit(1, "c1", 2, R"(["😀", 5])");
    out_.take(1);
    out_.take(2);
    doc_.on_text(2, R"({"type":"presence","revision":1,"cursor":5,"selection":[[1,3]]})", 0, out_);
    EXPECT_TRUE(out_.take(2).empty());  // not echoed
    auto m = out_.take(1);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(type_of(m[0]), "presence");
    EXPECT_EQ(json_integer_value(json_object_get(m[0].get(), "cursor")), 7);
    const json_t* sel = json_array_get(json_object_get(m[0].get(), "selection"), 0);
    EXPECT_EQ(json_integer_value(json_array_get(sel, 0)), 3);
    EXPECT_STREQ(
        json_string_value(json_object_get(json_object_get(m[0].get(), "participant"), "name")),
        "Rita");
}

TEST_F(DocumentTest, CatchUpSendsMissedOpsOrASnapshotWhenTooOld) {
    hello_all();
    for (int i = 1; i <= 3; ++i) {
        append(1, "c1", i, i * 1000);
    }
    doc_.on_text(2, R"({"type":"hello","client_id":"c2","last_revision":1})", 0, out_);
    auto m = out_.take(2);
    std::vector<std::string> types;
    for (auto& x : m) {
        types.push_back(type_of(x));
    }
    // ops broadcast earlier plus the catch-up: the catch-up part is op, op, synced
    ASSERT_GE(types.size(), 3u);
    EXPECT_EQ(types[types.size() - 3], "op");
    EXPECT_EQ(types.back(), "synced");
    for (int i = 4; i <= 9; ++i) {
        append(1, "c1", i, i * 1000);  // log_capacity 4: revision 1 falls out
    }
    doc_.on_text(2, R"({"type":"hello","client_id":"c2","last_revision":1})", 0, out_);
    m = out_.take(2);
    EXPECT_EQ(type_of(m[m.size() - 2]), "snapshot");
}

TEST_F(DocumentTest, ASlowReceiverStopsGettingOpsAndGetsASnapshotWhenDrained) {
    hello_all();
    out_.full.insert(2);
    commit(1, "c1", 1, R"(["a"])");
    commit(1, "c1", 2, R"([1, "b"])");
    out_.full.clear();
    commit(1, "c1", 3, R"([2, "c"])");
    EXPECT_TRUE(out_.take(2).empty());  // lagging: nothing until drained
    doc_.on_drained(2, out_);
    auto m = out_.take(2);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(type_of(m[0]), "snapshot");
    EXPECT_STREQ(json_string_value(json_object_get(m[0].get(), "text")), "abc");
    EXPECT_EQ(type_of(m[1]), "synced");
}

TEST_F(DocumentTest, ASnapshotLargerThanTheBudgetStillArrivesWhole) {
    hello_all();
    const int before = out_.beyond_budget[2];  // the hello's snapshot
    out_.full.insert(2);                       // whatever is sent to 2 now is over its budget
    commit(1, "c1", 1, R"(["a"])");
    EXPECT_TRUE(out_.take(2).empty());
    doc_.on_drained(2, out_);  // the resync's parts go past the budget instead of looping
    auto m = out_.take(2);
    ASSERT_EQ(m.size(), 2u);  // both past the budget: no loop of snapshots
    EXPECT_EQ(type_of(m[0]), "snapshot");
    EXPECT_EQ(type_of(m[1]), "synced");
    EXPECT_EQ(out_.beyond_budget[2], before + 2);
    // a snapshot asked for while lagging waits for the drain (a hello cannot jump the queue)
    commit(1, "c1", 2, R"([1, "b"])");
    doc_.on_text(2, R"({"type":"hello","client_id":"c2","last_revision":null})", 0, out_);
    EXPECT_TRUE(out_.take(2).empty());
    out_.full.erase(2);
    doc_.on_drained(2, out_);
    auto again = out_.take(2);
    ASSERT_EQ(again.size(), 2u);
    EXPECT_EQ(type_of(again[0]), "snapshot");
    EXPECT_EQ(type_of(again[1]), "synced");
}

TEST_F(DocumentTest, ChecksumCheckOkStaleOrResync) {
    hello_all();
    commit(1, "c1", 1, R"(["abc"])");
    out_.take(2);
    const std::string good = doc_.authority().checksum_at_current();
    doc_.on_text(2, R"({"type":"check","revision":1,"checksum":")" + good + "\"}", 0, out_);
    EXPECT_EQ(type_of(out_.take(2)[0]), "check_ok");
    doc_.on_text(2, R"({"type":"check","revision":0,"checksum":")" + good + "\"}", 0, out_);
    EXPECT_EQ(type_of(out_.take(2)[0]), "check_stale");
    doc_.on_text(2, R"({"type":"check","revision":1,"checksum":")" + std::string(64, '0') + "\"}",
                 0, out_);
    EXPECT_EQ(type_of(out_.take(2)[0]), "snapshot");
}

TEST_F(DocumentTest, LanguageIsSharedAndPersisted) {
    hello_all();
    doc_.on_text(1, R"({"type":"language","language":"go"})", 0, out_);
    EXPECT_EQ(doc_.language(), "go");
    ASSERT_EQ(out_.languages.size(), 1u);
    for (room::SessionKey k : {1, 2, 3}) {
        EXPECT_EQ(type_of(out_.take(k)[0]), "language");
    }
    doc_.on_text(1, R"({"type":"language","language":"<script>"})", 0, out_);
    EXPECT_EQ(error_of(out_.take(1)[0]), "invalid_field");
    EXPECT_EQ(doc_.language(), "go");
}

TEST(SnapshotTexts, PartsStayUnderTheLimitAndNeverSplitACharacter) {
    std::string text;
    for (int i = 0; i < 3000; ++i) {
        text += i % 3 == 0 ? "😀" : i % 3 == 1 ? "\"\n" : "漢";
    }
    const auto parts = protocol::snapshot_texts(7, "python", false, text, 1000);
    ASSERT_GT(parts.size(), 5u);
    std::string joined;
    for (size_t i = 0; i < parts.size(); ++i) {
        JsonPtr m(json_loads(parts[i].c_str(), 0, nullptr));
        ASSERT_TRUE(m) << "part " << i << " is not valid JSON (a character was cut)";
        const json_t* t = json_object_get(m.get(), "text");
        EXPECT_LE(parts[i].size(), 1000u + 120u);
        EXPECT_EQ(json_integer_value(json_object_get(m.get(), "part")), static_cast<int>(i));
        EXPECT_EQ(json_integer_value(json_object_get(m.get(), "parts")),
                  static_cast<int>(parts.size()));
        joined.append(json_string_value(t), json_string_length(t));
    }
    EXPECT_EQ(joined, text);
    EXPECT_EQ(protocol::snapshot_texts(0, "python", false, "", 1000).size(), 1u);
}

TEST_F(DocumentTest, AClosedChannelGetsNothingUntilTheNextHello) {
    hello_all();
    out_.full.insert(2);
    append(1, "c1", 1);  // 2 is behind: it would get a snapshot when drained
    out_.full.erase(2);
    out_.take(1);
    out_.take(2);
    doc_.channel_closed(2);  // its PeerConnection went; it stays in the room
    doc_.on_drained(2, out_);
    append(1, "c1", 2);
    EXPECT_TRUE(out_.take(2).empty());  // neither the snapshot nor the broadcast
    doc_.on_text(2, R"({"type":"op","client_id":"c2","seq":1,"revision":2,"op":[2,"b"]})", 0,
                 out_);
    auto refused = out_.take(2);
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(error_of(refused[0]), "hello_required");
    doc_.on_text(2, R"({"type":"hello","client_id":"c2","last_revision":1})", 0, out_);
    auto m = out_.take(2);
    ASSERT_EQ(m.size(), 2u);  // the op it missed, then synced
    EXPECT_EQ(type_of(m[0]), "op");
    EXPECT_EQ(type_of(m[1]), "synced");
}
