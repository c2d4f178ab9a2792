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
