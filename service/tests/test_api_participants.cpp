// Adding a participant to an existing interview and issuing a participant a new join token,
// through the real HTTP server: the new token joins at once, the old one stops at once, and
// every refusal leaves the interview exactly as it was.
#include "crypto.h"
#include "test_support.h"
#include "contract/ids.hpp"

#include <fstream>
#include <sstream>

namespace {

using namespace isvc;
using namespace isvc::test;

const json_t* participant_at(const Reply& r, std::size_t i) {
    return json_array_get(r.at("participants"), i);
}

std::string field_of(const json_t* obj, const char* key) {
    const json_t* v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : std::string();
}

std::string pid_at(const Reply& r, std::size_t i) {
    return field_of(participant_at(r, i), "id");
}

// "applicant,recruiter:Grace,..." of a details answer: role and name in order.
std::string roster(const Reply& r) {
    std::string out;
    for (std::size_t i = 0; i < json_array_size(r.at("participants")); ++i) {
        const json_t* p = participant_at(r, i);
        out += (i ? "," : "") + field_of(p, "role") + ":" + field_of(p, "name");
    }
    return out;
}

// The participants of an answer that carry a "token", as pid -> token.
std::map<std::string, std::string> tokens_by_pid(const Reply& r) {
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i < json_array_size(r.at("participants")); ++i) {
        const json_t* p = participant_at(r, i);
        if (json_object_get(p, "token") != nullptr) {
            out[field_of(p, "id")] = field_of(p, "token");
        }
    }
    return out;
}

std::string verify_body(const std::string& id, const std::string& token) {
    return R"({"interview_id":")" + id + R"(","token":")" + token + R"("})";
}

class Participants : public ::testing::Test {
  protected:
    Harness h;
    Reply created = h.create();  // applicant Ada, recruiter Grace, observer Linus
    std::string id = created.str("id");
    std::vector<std::string> tokens = tokens_of(created);

    std::string base() const { return "/v1/interviews/" + id; }
    Reply add(const std::string& body) { return h.admin("POST", base() + "/participants", body); }
    Reply reissue(const std::string& pid, const std::string& body = "") {
        return h.admin("POST", base() + "/participants/" + pid + "/token", body);
    }
    std::string details() { return h.admin("GET", base()).body; }
    Reply me(const std::string& token) { return h.bearer("GET", base() + "/me", token); }
    Reply verify(const std::string& token) {
        return h.service("POST", "/v1/verify", verify_body(id, token));
    }
};

TEST_F(Participants, AddedRecruiterJoinsWithItsToken) {
    Reply r = add(R"({"role":"recruiter","name":"Barbara"})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.headers["location"], base());
    EXPECT_EQ(r.str("id"), id);
    EXPECT_EQ(r.str("status"), "scheduled");
    EXPECT_EQ(r.str("title"), "Backend interview");
    // Recruiters stay together, before the observers.
    EXPECT_EQ(roster(r), "applicant:Ada,recruiter:Grace,recruiter:Barbara,observer:Linus");
    // Only the new participant carries a token; everyone carries the revoked flag.
    const auto issued = tokens_by_pid(r);
    ASSERT_EQ(issued.size(), 1u);
    EXPECT_EQ(issued.begin()->first, pid_at(r, 2));
    const std::string token = issued.begin()->second;
    EXPECT_EQ(token.size(), 43u);
    EXPECT_TRUE(interview::util::is_url_safe_id(pid_at(r, 2)));
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_TRUE(json_is_false(json_object_get(participant_at(r, i), "revoked"))) << i;
    }

    Reply m = me(token);
    EXPECT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(m.str("participant.id"), pid_at(r, 2));
    EXPECT_EQ(m.str("participant.name"), "Barbara");
    EXPECT_EQ(m.str("participant.role"), "recruiter");
    Reply v = verify(token);
    EXPECT_EQ(v.status, 200) << v.body;
    EXPECT_EQ(v.str("participant.role"), "recruiter");
    EXPECT_EQ(v.str("interview.id"), id);
    // The others' tokens are untouched.
    for (const auto& t : tokens) {
        EXPECT_EQ(me(t).status, 200);
    }
    // The token is shown once: the details never show it again.
    Reply d = h.admin("GET", base());
    EXPECT_EQ(roster(d), roster(r));
    EXPECT_EQ(d.body.find("token"), std::string::npos);
    EXPECT_EQ(d.body.find(token), std::string::npos);
}

TEST_F(Participants, AddedObserverGoesLastAndOrderSurvivesMoreAdds) {
    Reply o = add(R"({"role":"observer","name":"Ken"})");
    ASSERT_EQ(o.status, 201) << o.body;
    EXPECT_EQ(roster(o), "applicant:Ada,recruiter:Grace,observer:Linus,observer:Ken");
    Reply r = add(R"({"role":"recruiter","name":"Barbara"})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(roster(r),
              "applicant:Ada,recruiter:Grace,recruiter:Barbara,observer:Linus,observer:Ken");
    const std::string ken = tokens_by_pid(o).at(pid_at(o, 3));
    EXPECT_EQ(me(ken).str("participant.role"), "observer");
    EXPECT_EQ(verify(ken).str("participant.name"), "Ken");
    EXPECT_EQ(roster(h.admin("GET", base())), roster(r));
    // Multi-byte names count characters, as at creation: 100 of them are fine.
    std::string name;
    for (int i = 0; i < 100; ++i) {
        name += "\xe9\x9d\xa2";
    }
    EXPECT_EQ(add(R"({"name":")" + name + R"(","role":"observer"})").status, 201);
}

TEST_F(Participants, AddWhileOpenWorks) {
    h.clock.set(parse_rfc3339(created.str("opens_at")).value());
    Reply r = add(R"({"role":"observer","name":"Late"})");
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.str("status"), "open");
    h.clock.set(parse_rfc3339(created.str("end")).value() - 1);  // last second of the interview
    EXPECT_EQ(reissue(pid_at(created, 0)).status, 200);
}

TEST_F(Participants, AddRefusesBadBodiesAndChangesNothing) {
    const std::string before = details();
    struct Case {
        std::string body;
        const char* code;
        const char* field;  // named in the message of invalid_field
    };
    const Case cases[] = {
        {"", "malformed_json", ""},
        {"{", "malformed_json", ""},
        {R"({"role":"observer","name":"A","name":"B"})", "malformed_json", ""},
        {"[]", "invalid_field", "(body)"},
        {R"("observer")", "invalid_field", "(body)"},
        {"{}", "invalid_field", "role"},
        {R"({"name":"Ken"})", "invalid_field", "role"},
        {R"({"role":"applicant","name":"Eve"})", "invalid_field", "role"},
        {R"({"role":"admin","name":"Eve"})", "invalid_field", "role"},
        {R"({"role":"Recruiter","name":"Eve"})", "invalid_field", "role"},
        {R"({"role":5,"name":"Eve"})", "invalid_field", "role"},
        {R"({"role":null,"name":"Eve"})", "invalid_field", "role"},
        {R"({"role":"observer"})", "invalid_field", "name"},
        {R"({"role":"observer","name":""})", "invalid_field", "name"},
        {R"({"role":"observer","name":"   "})", "invalid_field", "name"},
        {R"({"role":"observer","name":"a\nb"})", "invalid_field", "name"},
        {R"({"role":"observer","name":"a\u009bb"})", "invalid_field", "name"},
        {R"({"role":"observer","name":7})", "invalid_field", "name"},
        {R"({"role":"observer","name":{"name":"Ken"}})", "invalid_field", "name"},
        {R"({"role":"observer","name":")" + std::string(101, 'n') + R"("})", "invalid_field",
         "name"},
        {R"({"role":"observer","name":"Ken","email":"k@example.com"})", "invalid_field", "email"},
    };
    for (const auto& c : cases) {
        Reply r = add(c.body);
        EXPECT_EQ(r.status, 400) << c.body;
        EXPECT_EQ(r.error_code(), c.code) << c.body << " -> " << r.body;
        if (*c.field != '\0') {
            EXPECT_NE(r.str("error.message").find(std::string("'") + c.field + "'"),
                      std::string::npos)
                << c.body << " -> " << r.body;
        }
    }
    EXPECT_EQ(details(), before);
    EXPECT_EQ(add(R"({"role":"observer","name":")" + std::string(64 * 1024, 'n') + R"("})").status,
              413);
    EXPECT_EQ(details(), before);
}

TEST_F(Participants, AtMostTenCountingRevokedOnes) {
    // 3 at creation; revoke one of them: it still counts.
    ASSERT_EQ(h.admin("POST", base() + "/participants/" + pid_at(created, 2) + "/revoke").status,
              200);
    for (int i = 0; i < 7; ++i) {
        Reply r = add(R"({"role":"observer","name":"O)" + std::to_string(i) + R"("})");
        ASSERT_EQ(r.status, 201) << i << " " << r.body;
    }
    const std::string full = details();
    EXPECT_EQ(json_array_size(h.admin("GET", base()).at("participants")), 10u);
    for (const char* role : {"observer", "recruiter"}) {
        Reply r = add(std::string(R"({"role":")") + role + R"(","name":"Eleventh"})");
        EXPECT_EQ(r.status, 409) << role;
        EXPECT_EQ(r.error_code(), "too_many_participants") << r.body;
    }
    EXPECT_EQ(details(), full);
    // A full interview can still reissue tokens: that adds nobody.
    EXPECT_EQ(reissue(pid_at(created, 1)).status, 200);
}

TEST_F(Participants, ReissuedTokenReplacesTheOldOneAtOnce) {
    const std::string applicant = pid_at(created, 0);
    Reply r = reissue(applicant);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.count("location"), 0u);
    EXPECT_EQ(roster(r), roster(created));
    const auto issued = tokens_by_pid(r);
    ASSERT_EQ(issued.size(), 1u);
    const std::string fresh = issued.at(applicant);
    EXPECT_EQ(fresh.size(), 43u);
    EXPECT_NE(fresh, tokens[0]);
    EXPECT_TRUE(json_is_false(json_object_get(participant_at(r, 0), "revoked")));

    // The old token is unknown now, at /me and at /verify.
    Reply old_me = me(tokens[0]);
    EXPECT_EQ(old_me.status, 401);
    EXPECT_EQ(old_me.error_code(), "invalid_token");
    EXPECT_EQ(verify(tokens[0]).error_code(), "invalid_token");
    // The new one is the same participant.
    Reply m = me(fresh);
    EXPECT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(m.str("participant.id"), applicant);
    EXPECT_EQ(m.str("participant.role"), "applicant");
    EXPECT_EQ(m.str("participant.name"), "Ada");
    EXPECT_EQ(verify(fresh).str("participant.role"), "applicant");
    // The others are untouched.
    EXPECT_EQ(me(tokens[1]).status, 200);
    EXPECT_EQ(verify(tokens[2]).status, 200);

    // Reissuing again retires the token of the first reissue; "{}" counts as no body.
    Reply again = reissue(applicant, "{}");
    ASSERT_EQ(again.status, 200) << again.body;
    const std::string third = tokens_by_pid(again).at(applicant);
    EXPECT_EQ(me(fresh).error_code(), "invalid_token");
    EXPECT_EQ(me(third).status, 200);
    EXPECT_EQ(details().find("token"), std::string::npos);
}

TEST_F(Participants, ReissueUnrevokes) {
    const std::string grace = pid_at(created, 1);
    Reply rv = h.admin("POST", base() + "/participants/" + grace + "/revoke");
    ASSERT_TRUE(json_is_true(json_object_get(participant_at(rv, 1), "revoked")));
    EXPECT_EQ(me(tokens[1]).error_code(), "token_revoked");

    Reply r = reissue(grace);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(json_is_false(json_object_get(participant_at(r, 1), "revoked")));
    const std::string fresh = tokens_by_pid(r).at(grace);
    EXPECT_EQ(me(fresh).str("participant.role"), "recruiter");
    EXPECT_EQ(verify(fresh).status, 200);
    // The revoked token does not come back with it: it is unknown now.
    EXPECT_EQ(me(tokens[1]).error_code(), "invalid_token");
    EXPECT_EQ(verify(tokens[1]).error_code(), "invalid_token");
    EXPECT_TRUE(
        json_is_false(json_object_get(participant_at(h.admin("GET", base()), 1), "revoked")));
}

TEST_F(Participants, CancelledInterviewRefusesBoth) {
    ASSERT_EQ(h.admin("POST", base() + "/cancel").status, 200);
    const std::string before = details();
    Reply a = add(R"({"role":"observer","name":"Ken"})");
    EXPECT_EQ(a.status, 409);
    EXPECT_EQ(a.error_code(), "interview_cancelled");
    Reply t = reissue(pid_at(created, 0));
    EXPECT_EQ(t.status, 409);
    EXPECT_EQ(t.error_code(), "interview_cancelled");
    EXPECT_EQ(details(), before);
    // The old token still verifies, with the cancelled status, so the room can say why.
    EXPECT_EQ(verify(tokens[0]).str("interview.status"), "cancelled");
}

TEST_F(Participants, EndedInterviewRefusesBoth) {
    h.clock.set(parse_rfc3339(created.str("end")).value());
    const std::string before = details();
    Reply a = add(R"({"role":"recruiter","name":"Barbara"})");
    EXPECT_EQ(a.status, 409);
    EXPECT_EQ(a.error_code(), "interview_ended");
    Reply t = reissue(pid_at(created, 1));
    EXPECT_EQ(t.status, 409);
    EXPECT_EQ(t.error_code(), "interview_ended");
    EXPECT_EQ(details(), before);
    EXPECT_EQ(verify(tokens[1]).str("interview.status"), "ended");
    // Cancelled wins over ended, as in the status.
    ASSERT_EQ(h.admin("POST", base() + "/cancel").status, 200);
    EXPECT_EQ(add(R"({"role":"recruiter","name":"Barbara"})").error_code(), "interview_cancelled");
}

TEST_F(Participants, RescheduledIntoTheFutureAcceptsAgain) {
    h.clock.set(parse_rfc3339(created.str("end")).value());
    EXPECT_EQ(add(R"({"role":"observer","name":"Ken"})").error_code(), "interview_ended");
    ASSERT_EQ(
        h.admin("PATCH", base(), R"({"start":")" + format_rfc3339(h.clock.now() + 3600) + R"("})")
            .status,
        200);
    EXPECT_EQ(add(R"({"role":"observer","name":"Ken"})").status, 201);
}

TEST_F(Participants, UnknownInterviewsAndParticipants) {
    Reply other = h.create();
    const std::string other_pid = pid_at(other, 0);
    const std::string before = details();
    const std::string other_before = h.admin("GET", "/v1/interviews/" + other.str("id")).body;
    for (const std::string& bad : {std::string("doesNotExist"), std::string(65, 'a'),
                                   std::string("bad%20id"), std::string("%27%3B--")}) {
        Reply a = h.admin("POST", "/v1/interviews/" + bad + "/participants",
                          R"({"role":"observer","name":"Ken"})");
        EXPECT_EQ(a.status, 404) << bad;
        EXPECT_EQ(a.error_code(), "unknown_interview") << bad;
        // unknown_interview comes before unknown_participant, as for revoke.
        for (const std::string& pid : {pid_at(created, 0), bad}) {
            Reply t = h.admin("POST", "/v1/interviews/" + bad + "/participants/" + pid + "/token");
            EXPECT_EQ(t.status, 404) << bad;
            EXPECT_EQ(t.error_code(), "unknown_interview") << bad;
        }
        Reply t = reissue(bad);
        EXPECT_EQ(t.status, 404) << bad;
        EXPECT_EQ(t.error_code(), "unknown_participant") << bad;
    }
    // A participant of another interview is unknown here, and keeps its token.
    Reply t = reissue(other_pid);
    EXPECT_EQ(t.status, 404);
    EXPECT_EQ(t.error_code(), "unknown_participant");
    EXPECT_EQ(
        h.service("POST", "/v1/verify", verify_body(other.str("id"), tokens_of(other)[0])).status,
        200);
    EXPECT_EQ(details(), before);
    EXPECT_EQ(h.admin("GET", "/v1/interviews/" + other.str("id")).body, other_before);
    // An unknown id in the body is no way around it either: there is no such field.
    EXPECT_EQ(add(R"({"role":"observer","name":"Ken","interview_id":")" + other.str("id") + "\"}")
                  .error_code(),
              "invalid_field");
}

TEST_F(Participants, ReissueRefusesABodyWithContent) {
    const std::string before = details();
    const std::string pid = pid_at(created, 0);
    for (const char* body : {"{", "nope", "{}{}"}) {
        Reply r = reissue(pid, body);
        EXPECT_EQ(r.status, 400) << body;
        EXPECT_EQ(r.error_code(), "malformed_json") << body;
    }
    for (const char* body : {"[]", "null", R"({"token":"mine"})", R"({"revoked":false})"}) {
        Reply r = reissue(pid, body);
        EXPECT_EQ(r.status, 400) << body;
        EXPECT_EQ(r.error_code(), "invalid_field") << body;
    }
    EXPECT_EQ(details(), before);
    EXPECT_EQ(me(tokens[0]).status, 200);
    // Whitespace alone is no body.
    EXPECT_EQ(reissue(pid, " \r\n").status, 200);
}

TEST_F(Participants, AdminKeyRequired) {
    const std::string before = details();
    const std::string add_path = base() + "/participants";
    const std::string token_path = base() + "/participants/" + pid_at(created, 0) + "/token";
    for (const std::string& path : {add_path, token_path}) {
        for (const auto& auth :
             {std::string(), "Authorization: Bearer " + kServiceKey,
              "Authorization: Bearer " + tokens[1], "Authorization: Bearer " + kAdminKey + "x",
              "Authorization: Basic " + kAdminKey}) {
            Reply r =
                http("POST", h.url(path), R"({"role":"observer","name":"Ken"})",
                     auth.empty() ? std::vector<std::string>{} : std::vector<std::string>{auth});
            EXPECT_EQ(r.status, 401) << path << " " << auth;
            EXPECT_EQ(r.error_code(), "unauthorized");
            EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
        }
        h.clock.advance(61);  // a fresh rate-limit window for the next path
    }
    EXPECT_EQ(details(), before);
    EXPECT_EQ(me(tokens[0]).status, 200);
}

TEST_F(Participants, WrongKeysAreRateLimitedLikeEveryAdminEndpoint) {
    const std::string path = base() + "/participants/" + pid_at(created, 0) + "/token";
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(http("POST", h.url(path), "", {"Authorization: Bearer wrong"}).status, 401) << i;
    }
    // Further guesses are throttled, and change nothing.
    Reply r = http("POST", h.url(path), "", {"Authorization: Bearer wrong"});
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.error_code(), "rate_limited");
    EXPECT_EQ(r.headers["retry-after"], "60");
    Reply a = http("POST", h.url(base() + "/participants"), R"({"role":"observer","name":"Ken"})",
                   {"Authorization: Bearer wrong"});
    EXPECT_EQ(a.status, 429);
    EXPECT_EQ(roster(h.admin("GET", base())), roster(created));
    // The right admin key is still served.
    EXPECT_EQ(add(R"({"role":"observer","name":"Ken"})").status, 201);
}

TEST_F(Participants, OtherMethodsAre405WithAllow) {
    const std::string add_path = base() + "/participants";
    const std::string token_path = base() + "/participants/" + pid_at(created, 0) + "/token";
    for (const std::string& path : {add_path, token_path}) {
        for (const char* method : {"GET", "PUT", "PATCH", "DELETE"}) {
            Reply r = h.admin(method, path, "{}");
            EXPECT_EQ(r.status, 405) << method << " " << path;
            EXPECT_EQ(r.error_code(), "method_not_allowed");
            EXPECT_EQ(r.headers["allow"], "POST, OPTIONS");
        }
        Reply o = h.anon("OPTIONS", path);
        EXPECT_EQ(o.status, 204);
        EXPECT_EQ(o.headers["allow"], "POST, OPTIONS");
    }
    EXPECT_EQ(me(tokens[0]).status, 200);
    // Neighbouring paths are not endpoints.
    for (const std::string& path :
         {base() + "/participants/", base() + "/participants/x", base() + "/participants/x/tokens",
          base() + "/participants/x/token/y"}) {
        EXPECT_EQ(h.admin("POST", path).error_code(), "not_found") << path;
    }
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(ParticipantsStorage, NewTokensAreNeitherLoggedNorStored) {
    TempDir dir;
    const std::string db = dir.file("service.db");
    std::vector<std::string> secrets;
    std::string id;
    std::string fresh;
    {
        Harness h(db);
        Reply c = h.create();
        id = c.str("id");
        const std::string base = "/v1/interviews/" + id;
        Reply a = h.admin("POST", base + "/participants", R"({"role":"observer","name":"Ken"})");
        ASSERT_EQ(a.status, 201);
        const auto added = tokens_by_pid(a);
        ASSERT_EQ(added.size(), 1u);
        Reply t = h.admin("POST", base + "/participants/" + pid_at(c, 0) + "/token");
        ASSERT_EQ(t.status, 200);
        fresh = tokens_by_pid(t).at(pid_at(c, 0));
        secrets = {added.begin()->second, fresh, tokens_of(c)[0]};
        h.bearer("GET", base + "/me", fresh);
        const auto lines = h.log_lines();
        ASSERT_EQ(lines.size(), 4u);
        EXPECT_EQ(lines[1].rfind("POST " + base + "/participants 201 ", 0), 0u) << lines[1];
        EXPECT_EQ(
            lines[2].rfind("POST " + base + "/participants/" + pid_at(c, 0) + "/token 200 ", 0), 0u)
            << lines[2];
        for (const auto& line : lines) {
            for (const auto& s : secrets) {
                EXPECT_EQ(line.find(s), std::string::npos) << line;
            }
            EXPECT_EQ(line.find("Ken"), std::string::npos) << line;
        }
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string bytes = slurp(db + suffix);
        for (const auto& s : secrets) {
            EXPECT_EQ(bytes.find(s), std::string::npos) << suffix;
        }
    }
    // After a restart: the new tokens still join (their hashes are stored), the old one not.
    Harness again(db);
    EXPECT_EQ(again.service("POST", "/v1/verify", verify_body(id, secrets[0])).status, 200);
    EXPECT_EQ(again.service("POST", "/v1/verify", verify_body(id, fresh)).status, 200);
    EXPECT_EQ(again.service("POST", "/v1/verify", verify_body(id, secrets[2])).error_code(),
              "invalid_token");
}

}  // namespace
