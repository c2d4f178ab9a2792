#include "crypto.h"
#include "store.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace {

using namespace isvc;
using isvc::test::TempDir;

Interview sample(const std::string& title = "Backend interview") {
    Interview iv;
    iv.id = new_id();
    iv.title = title;
    iv.start = 2000000000;
    iv.duration_minutes = 60;
    iv.created_at = 1999990000;
    iv.participants = {{new_id(), "Ada", Role::applicant, false},
                       {new_id(), "Grace", Role::recruiter, false}};
    return iv;
}

TEST(Store, CreatesSchemaAndUsesWal) {
    TempDir dir;
    Store store(dir.file("s.db"));
    EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
    Database raw(dir.file("s.db"));
    Statement st = raw.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.column_text(0), "wal");
}

TEST(Store, RoundTripsInterviewVerbatim) {
    Store store(":memory:");
    // Injection-looking and non-ASCII text is data: stored and returned byte for byte.
    Interview iv = sample("'); DROP TABLE interviews;-- \"quoted\" ünïcødé 面试");
    iv.participants[0].name = "Robert'); DROP TABLE participants;--";
    store.create(iv, {sha256_hex("t1"), sha256_hex("t2")});
    auto got = store.get(iv.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->title, iv.title);
    EXPECT_EQ(got->start, iv.start);
    EXPECT_EQ(got->duration_minutes, 60);
    EXPECT_EQ(got->created_at, iv.created_at);
    ASSERT_EQ(got->participants.size(), 2u);
    EXPECT_EQ(got->participants[0].name, iv.participants[0].name);
    EXPECT_EQ(got->participants[0].role, Role::applicant);
    EXPECT_EQ(got->participants[1].role, Role::recruiter);
    EXPECT_FALSE(store.get("nope"));
    EXPECT_EQ(store.list(10).size(), 1u);
}

TEST(Store, FindsTokenByHash) {
    Store store(":memory:");
    Interview iv = sample();
    store.create(iv, {sha256_hex("t1"), sha256_hex("t2")});
    auto owner = store.find_token(sha256_hex("t2"));
    ASSERT_TRUE(owner);
    EXPECT_EQ(owner->interview_id, iv.id);
    EXPECT_EQ(owner->participant.name, "Grace");
    EXPECT_FALSE(store.find_token(sha256_hex("t3")));
    EXPECT_TRUE(store.revoke(iv.id, iv.participants[1].id));
    EXPECT_TRUE(store.revoke(iv.id, iv.participants[1].id));  // idempotent
    EXPECT_TRUE(store.find_token(sha256_hex("t2"))->participant.revoked);
    EXPECT_FALSE(store.revoke("other", iv.participants[1].id));
}

std::string roles_and_names(const Interview& iv) {
    std::string out;
    for (const auto& p : iv.participants) {
        out += std::string(out.empty() ? "" : ",") + interview::access::role_name(p.role) + ":" +
               p.name;
    }
    return out;
}

TEST(Store, AddedParticipantsKeepTheRoleOrder) {
    Store store(":memory:");
    Interview iv = sample();
    store.create(iv, {sha256_hex("a"), sha256_hex("b")});
    int checks = 0;
    const auto count = [&](const Interview&) { ++checks; };
    auto add = [&](const std::string& name, Role role, const std::string& token) {
        return store.add_participant(iv.id, Participant{new_id(), name, role, false},
                                     sha256_hex(token), count);
    };
    auto r = add("O1", Role::observer, "o1");
    EXPECT_EQ(r.outcome, ParticipantChange::Outcome::changed);
    EXPECT_EQ(roles_and_names(r.interview), "applicant:Ada,recruiter:Grace,observer:O1");
    add("R2", Role::recruiter, "r2");
    add("O2", Role::observer, "o2");
    r = add("R3", Role::recruiter, "r3");
    const std::string expected =
        "applicant:Ada,recruiter:Grace,recruiter:R2,recruiter:R3,observer:O1,observer:O2";
    EXPECT_EQ(roles_and_names(r.interview), expected);
    EXPECT_EQ(roles_and_names(*store.get(iv.id)), expected);
    EXPECT_EQ(checks, 4);
    EXPECT_EQ(store.find_token(sha256_hex("r3"))->participant.name, "R3");
    // An unknown interview: nothing is asked, nothing is written.
    EXPECT_EQ(store
                  .add_participant("missing", Participant{new_id(), "Y", Role::observer, false},
                                   sha256_hex("y"), count)
                  .outcome,
              ParticipantChange::Outcome::unknown_interview);
    EXPECT_EQ(checks, 4);
    EXPECT_FALSE(store.find_token(sha256_hex("y")));
}

TEST(Store, RefusedParticipantChangeWritesNothing) {
    Store store(":memory:");
    Interview iv = sample();
    store.create(iv, {sha256_hex("a"), sha256_hex("b")});
    const auto refuse = [](const Interview& seen) {
        EXPECT_EQ(seen.participants.size(), 2u);  // the stored state, before the change
        throw std::runtime_error("refused");
    };
    EXPECT_THROW(store.add_participant(iv.id, Participant{new_id(), "O", Role::observer, false},
                                       sha256_hex("o"), refuse),
                 std::runtime_error);
    EXPECT_THROW(store.replace_token(iv.id, iv.participants[0].id, sha256_hex("new"), refuse),
                 std::runtime_error);
    EXPECT_EQ(store.get(iv.id)->participants.size(), 2u);
    EXPECT_FALSE(store.find_token(sha256_hex("o")));
    EXPECT_FALSE(store.find_token(sha256_hex("new")));
    EXPECT_TRUE(store.find_token(sha256_hex("a")));
    // The store is usable afterwards: the transaction was rolled back, not left open.
    EXPECT_EQ(
        store
            .replace_token(iv.id, iv.participants[0].id, sha256_hex("new"), [](const Interview&) {})
            .outcome,
        ParticipantChange::Outcome::changed);
}

TEST(Store, ReplaceTokenSwapsTheHashAndUnrevokes) {
    Store store(":memory:");
    Interview iv = sample();
    Interview other = sample("Other");
    store.create(iv, {sha256_hex("a"), sha256_hex("b")});
    store.create(other, {sha256_hex("c"), sha256_hex("d")});
    const auto accept = [](const Interview&) {};
    ASSERT_TRUE(store.revoke(iv.id, iv.participants[1].id));
    auto r = store.replace_token(iv.id, iv.participants[1].id, sha256_hex("b2"), accept);
    EXPECT_EQ(r.outcome, ParticipantChange::Outcome::changed);
    EXPECT_FALSE(r.interview.participants[1].revoked);
    EXPECT_FALSE(store.find_token(sha256_hex("b")));
    auto owner = store.find_token(sha256_hex("b2"));
    ASSERT_TRUE(owner);
    EXPECT_EQ(owner->participant.id, iv.participants[1].id);
    EXPECT_FALSE(owner->participant.revoked);
    EXPECT_EQ(
        store.replace_token("missing", iv.participants[1].id, sha256_hex("z"), accept).outcome,
        ParticipantChange::Outcome::unknown_interview);
    EXPECT_EQ(store.replace_token(iv.id, other.participants[0].id, sha256_hex("z"), accept).outcome,
              ParticipantChange::Outcome::unknown_participant);
    EXPECT_EQ(store.replace_token(iv.id, "", sha256_hex("z"), accept).outcome,
              ParticipantChange::Outcome::unknown_participant);
    EXPECT_FALSE(store.find_token(sha256_hex("z")));
    EXPECT_TRUE(store.find_token(sha256_hex("c")));  // the other interview is untouched
}

TEST(Store, UpdateCancelAndRefuseChangesAfterCancel) {
    Store store(":memory:");
    Interview iv = sample();
    store.create(iv, {sha256_hex("a"), sha256_hex("b")});
    InterviewPatch p;
    p.duration_minutes = 90;
    EXPECT_EQ(store.update(iv.id, p), Store::UpdateResult::updated);
    EXPECT_EQ(store.get(iv.id)->duration_minutes, 90);
    EXPECT_EQ(store.get(iv.id)->title, iv.title);  // untouched field kept
    EXPECT_EQ(store.update("missing", p), Store::UpdateResult::not_found);
    EXPECT_TRUE(store.cancel(iv.id));
    EXPECT_TRUE(store.cancel(iv.id));
    EXPECT_FALSE(store.cancel("missing"));
    EXPECT_EQ(store.update(iv.id, p), Store::UpdateResult::cancelled);
}

TEST(Store, FinalCodeKeepsHighestRevision) {
    Store store(":memory:");
    Interview iv = sample();
    store.create(iv, {sha256_hex("a"), sha256_hex("b")});
    EXPECT_FALSE(store.get_final_code(iv.id));
    EXPECT_EQ(store.put_final_code(iv.id, {"v5", "python", 5, 1}), Store::PutCodeResult::stored);
    EXPECT_EQ(store.put_final_code(iv.id, {"v4", "python", 4, 2}), Store::PutCodeResult::stale);
    EXPECT_EQ(store.put_final_code(iv.id, {"v5", "python", 5, 3}), Store::PutCodeResult::stored);
    EXPECT_EQ(store.put_final_code(iv.id, {"v5b", "python", 5, 3}), Store::PutCodeResult::stale);
    EXPECT_EQ(store.put_final_code(iv.id, {"v9", "go", 9, 4}), Store::PutCodeResult::stored);
    EXPECT_EQ(store.put_final_code("missing", {"x", "go", 1, 4}), Store::PutCodeResult::not_found);
    auto fc = store.get_final_code(iv.id);
    ASSERT_TRUE(fc);
    EXPECT_EQ(fc->code, "v9");
    EXPECT_EQ(fc->language, "go");
    EXPECT_EQ(fc->revision, 9);
}

TEST(Store, ReopenKeepsDataAndDoesNotReMigrate) {
    TempDir dir;
    Interview iv = sample();
    {
        Store store(dir.file("r.db"));
        store.create(iv, {sha256_hex("a"), sha256_hex("b")});
    }
    Store again(dir.file("r.db"));
    EXPECT_EQ(again.schema_version(), Store::kSchemaVersion);
    ASSERT_TRUE(again.get(iv.id));
    EXPECT_TRUE(again.find_token(sha256_hex("a")));
}

TEST(Store, RefusesDatabaseFromNewerVersion) {
    TempDir dir;
    { Store store(dir.file("n.db")); }
    {
        Database raw(dir.file("n.db"));
        raw.prepare("UPDATE schema_version SET version = ?1").bind(1, std::int64_t{99}).run();
    }
    EXPECT_THROW(Store(dir.file("n.db")), SqliteError);
}

TEST(Store, UnwritablePathThrows) {
    EXPECT_THROW(Store("/nonexistent-dir/x/y.db"), SqliteError);
}

}  // namespace
