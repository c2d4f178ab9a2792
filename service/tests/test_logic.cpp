// The logic classes without HTTP: body validation helpers and InterviewService with a manual
// clock.
#include "crypto.h"
#include "errors.h"
#include "interview_service.h"
#include "requests.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <functional>

namespace {

using namespace isvc;

std::string error_code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ApiError& e) {
        return e.code;
    }
    return "";
}

TEST(Requests, Utf8LengthCountsCodePoints) {
    EXPECT_EQ(utf8_length(""), 0u);
    EXPECT_EQ(utf8_length("abc"), 3u);
    EXPECT_EQ(utf8_length("\xc3\xa9t\xc3\xa9"), 3u);         // été
    EXPECT_EQ(utf8_length("\xe9\x9d\xa2\xe8\xaf\x95"), 2u);  // 面试
    EXPECT_EQ(utf8_length("\xf0\x9f\x98\x80"), 1u);          // one emoji, a surrogate pair in JS
}

TEST(Requests, ControlCharacters) {
    EXPECT_FALSE(has_control_chars("Ada Lovelace 'quoted' <b>"));
    EXPECT_FALSE(has_control_chars("\xc3\xa9\xc2\xa0"));  // é and NBSP are fine
    EXPECT_TRUE(has_control_chars("a\tb"));
    EXPECT_TRUE(has_control_chars("a\nb"));
    EXPECT_TRUE(has_control_chars("a\x7f"));
    EXPECT_TRUE(has_control_chars("a\xc2\x85"));  // NEL, a C1 control
}

TEST(Requests, ParseJsonObject) {
    EXPECT_EQ(error_code_of([] { parse_json_object("{"); }), "malformed_json");
    EXPECT_EQ(error_code_of([] { parse_json_object("42"); }), "invalid_field");
    EXPECT_EQ(error_code_of([] { parse_json_object(R"({"a":"\u0000"})"); }), "malformed_json");
    EXPECT_TRUE(parse_json_object("{}"));
}

TEST(Requests, NewInterviewKeepsOrderAndValues) {
    JsonPtr body = parse_json_object(
        R"({"title":"T","start":"2026-11-25T10:00:00+01:00","duration_minutes":30,)"
        R"("applicant":{"name":"A"},"recruiters":[{"name":"R1"},{"name":"R2"}]})");
    const NewInterview n = parse_new_interview(body.get());
    EXPECT_EQ(n.title, "T");
    EXPECT_EQ(n.start, parse_rfc3339("2026-11-25T09:00:00Z").value());
    EXPECT_EQ(n.duration_minutes, 30);
    EXPECT_EQ(n.applicant, "A");
    EXPECT_EQ(n.recruiters, (std::vector<std::string>{"R1", "R2"}));
    EXPECT_TRUE(n.observers.empty());
}

TEST(Requests, NewParticipantIsARecruiterOrAnObserver) {
    auto parse = [](const char* text) {
        JsonPtr body = parse_json_object(text);
        return parse_new_participant(body.get());
    };
    const NewParticipant r = parse(R"({"role":"recruiter","name":"Barbara"})");
    EXPECT_EQ(r.role, Role::recruiter);
    EXPECT_EQ(r.name, "Barbara");
    EXPECT_EQ(parse(R"({"name":"Ken","role":"observer"})").role, Role::observer);
    EXPECT_EQ(error_code_of([&] { parse(R"({"role":"applicant","name":"Eve"})"); }),
              "invalid_field");
    EXPECT_EQ(error_code_of([&] { parse(R"({"role":"","name":"Eve"})"); }), "invalid_field");
}

TEST(Requests, EmptyBody) {
    EXPECT_NO_THROW(parse_empty_body(""));
    EXPECT_NO_THROW(parse_empty_body(" \n"));
    EXPECT_NO_THROW(parse_empty_body("{}"));
    EXPECT_EQ(error_code_of([] { parse_empty_body(R"({"a":1})"); }), "invalid_field");
    EXPECT_EQ(error_code_of([] { parse_empty_body("[]"); }), "invalid_field");
    EXPECT_EQ(error_code_of([] { parse_empty_body("x"); }), "malformed_json");
}

class ServiceLogic : public ::testing::Test {
  protected:
    ManualClock clock{test::test_now()};
    Store store{":memory:"};
    InterviewService svc{store, clock, 15};

    NewInterview request(std::int64_t start) {
        NewInterview n;
        n.title = "T";
        n.start = start;
        n.duration_minutes = 60;
        n.applicant = "A";
        n.recruiters = {"R"};
        return n;
    }
};

TEST_F(ServiceLogic, StartRangeBoundaries) {
    const std::int64_t now = clock.now();
    EXPECT_NO_THROW(svc.create(request(now - 86400)));
    EXPECT_NO_THROW(svc.create(request(now + 366 * 86400)));
    EXPECT_EQ(error_code_of([&] { svc.create(request(now - 86401)); }), "invalid_field");
    EXPECT_EQ(error_code_of([&] { svc.create(request(now + 366 * 86400 + 1)); }), "invalid_field");
}

TEST_F(ServiceLogic, AuthorizeAndStatus) {
    const CreatedInterview c = svc.create(request(clock.now() + 3600));
    ASSERT_EQ(c.tokens.size(), 2u);
    const Access a = svc.authorize(c.interview.id, c.tokens[1]);
    EXPECT_EQ(a.participant.role, Role::recruiter);
    EXPECT_EQ(svc.status(a.interview), Status::scheduled);
    clock.set(c.interview.start - 15 * 60);
    EXPECT_EQ(svc.status(svc.get(c.interview.id)), Status::open);
    EXPECT_EQ(error_code_of([&] { svc.authorize("missing", c.tokens[0]); }), "unknown_interview");
    EXPECT_EQ(error_code_of([&] { svc.authorize(c.interview.id, ""); }), "invalid_token");
    EXPECT_EQ(error_code_of([&] { svc.authorize(c.interview.id, std::string(600, 'a')); }),
              "invalid_token");
    const CreatedInterview other = svc.create(request(clock.now() + 3600));
    EXPECT_EQ(error_code_of([&] { svc.authorize(c.interview.id, other.tokens[0]); }),
              "token_other_interview");
    svc.revoke(c.interview.id, c.interview.participants[0].id);
    EXPECT_EQ(error_code_of([&] { svc.authorize(c.interview.id, c.tokens[0]); }), "token_revoked");
    svc.cancel(c.interview.id);
    EXPECT_EQ(svc.status(svc.authorize(c.interview.id, c.tokens[1]).interview), Status::cancelled);
}

TEST_F(ServiceLogic, AddParticipantNeverAddsASecondApplicant) {
    const CreatedInterview c = svc.create(request(clock.now() + 3600));
    EXPECT_EQ(error_code_of([&] {
                  svc.add_participant(c.interview.id, NewParticipant{Role::applicant, "Eve"});
              }),
              "invalid_field");
    EXPECT_EQ(svc.get(c.interview.id).participants.size(), 2u);
    const IssuedToken added =
        svc.add_participant(c.interview.id, NewParticipant{Role::observer, "Ken"});
    EXPECT_EQ(svc.authorize(c.interview.id, added.token).participant.id, added.participant_id);
    EXPECT_EQ(added.interview.participants.size(), 3u);
}

TEST_F(ServiceLogic, ReissueReplacesTheToken) {
    const CreatedInterview c = svc.create(request(clock.now() + 3600));
    const std::string pid = c.interview.participants[0].id;
    const IssuedToken issued = svc.reissue_token(c.interview.id, pid);
    EXPECT_EQ(issued.participant_id, pid);
    EXPECT_EQ(svc.authorize(c.interview.id, issued.token).participant.role, Role::applicant);
    EXPECT_EQ(error_code_of([&] { svc.authorize(c.interview.id, c.tokens[0]); }), "invalid_token");
    EXPECT_EQ(error_code_of([&] { svc.reissue_token(c.interview.id, "no/such"); }),
              "unknown_participant");
    EXPECT_EQ(error_code_of([&] { svc.reissue_token("no/such", pid); }), "unknown_interview");
    // The end is the first second the interview has ended.
    clock.set(c.interview.start + 60 * 60);
    EXPECT_EQ(error_code_of([&] { svc.reissue_token(c.interview.id, pid); }), "interview_ended");
    EXPECT_EQ(svc.authorize(c.interview.id, issued.token).participant.id, pid);
}

TEST_F(ServiceLogic, StoredHashesNotTokens) {
    const CreatedInterview c = svc.create(request(clock.now() + 3600));
    for (const auto& t : c.tokens) {
        EXPECT_FALSE(store.find_token(t));  // the raw token is not a key of anything
        EXPECT_TRUE(store.find_token(sha256_hex(t)));
    }
}

}  // namespace
