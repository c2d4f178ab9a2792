// Join tokens through the real HTTP server: /me, /verify, status at the window boundaries,
// revocation, rate limiting, credentials in URLs, hashing at rest, restart, logs and CORS.
#include "crypto.h"
#include "sqlite.h"
#include "test_support.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using namespace isvc;
using namespace isvc::test;

std::string verify_body(const std::string& id, const std::string& token) {
    return R"({"interview_id":")" + id + R"(","token":")" + token + R"("})";
}

TEST(ApiTokens, MeReturnsInterviewAndParticipant) {
    Harness h;
    Reply c = h.create();
    const auto tokens = tokens_of(c);
    const std::string id = c.str("id");
    Reply r = h.bearer("GET", "/v1/interviews/" + id + "/me", tokens[1]);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.str("interview.id"), id);
    EXPECT_EQ(r.str("interview.title"), "Backend interview");
    EXPECT_EQ(r.str("interview.start"), "2026-11-25T11:00:00Z");
    EXPECT_EQ(r.str("interview.end"), "2026-11-25T12:00:00Z");
    EXPECT_EQ(r.str("interview.opens_at"), "2026-11-25T10:45:00Z");
    EXPECT_EQ(r.str("interview.status"), "scheduled");
    EXPECT_EQ(r.str("participant.name"), "Grace");
    EXPECT_EQ(r.str("participant.role"), "recruiter");
    EXPECT_EQ(r.str("server_time"), "2026-11-25T09:00:00Z");
    EXPECT_EQ(r.body.find(tokens[1]), std::string::npos);  // a token is never echoed back
}

TEST(ApiTokens, StatusAtExactBoundaries) {
    Harness h;
    Reply c = h.create();
    const std::string path = "/v1/interviews/" + c.str("id") + "/me";
    const std::string token = tokens_of(c)[0];
    const std::int64_t opens = parse_rfc3339(c.str("opens_at")).value();
    const std::int64_t end = parse_rfc3339(c.str("end")).value();
    struct Step {
        std::int64_t t;
        const char* status;
    };
    for (const Step& s : {Step{opens - 1, "scheduled"}, Step{opens, "open"}, Step{end - 1, "open"},
                          Step{end, "ended"}}) {
        h.clock.set(s.t);
        Reply me = h.bearer("GET", path, token);
        EXPECT_EQ(me.str("interview.status"), s.status) << format_rfc3339(s.t);
        EXPECT_EQ(me.str("server_time"), format_rfc3339(s.t));
        Reply v = h.service("POST", "/v1/verify", verify_body(c.str("id"), token));
        EXPECT_EQ(v.str("interview.status"), s.status) << format_rfc3339(s.t);
    }
}

TEST(ApiTokens, EarlyJoinMinutesIsConfigurable) {
    Harness h(":memory:", test_now(), "", 5);
    Reply c = h.create();
    EXPECT_EQ(c.str("opens_at"), "2026-11-25T10:55:00Z");
}

TEST(ApiTokens, MeErrors) {
    Harness h;
    Reply a = h.create();
    Reply b = h.create();
    const std::string path = "/v1/interviews/" + a.str("id") + "/me";
    const auto ta = tokens_of(a);
    const auto tb = tokens_of(b);

    Reply r = h.bearer("GET", "/v1/interviews/unknownInterview/me", ta[0]);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code(), "unknown_interview");
    r = h.bearer("GET", path, "not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaa");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error_code(), "invalid_token");
    r = h.anon("GET", path);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error_code(), "invalid_token");
    r = h.bearer("GET", path, tb[0]);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error_code(), "token_other_interview");
    r = h.bearer("GET", path, kAdminKey);  // keys are not join tokens
    EXPECT_EQ(r.status, 401);

    // Revocation takes effect at once, for /me and /verify, and only for that participant.
    const std::string pid =
        json_string_value(json_object_get(json_array_get(a.at("participants"), 2), "id"));
    Reply rv =
        h.admin("POST", "/v1/interviews/" + a.str("id") + "/participants/" + pid + "/revoke");
    EXPECT_EQ(rv.status, 200);
    EXPECT_TRUE(json_is_true(json_object_get(json_array_get(rv.at("participants"), 2), "revoked")));
    r = h.bearer("GET", path, ta[2]);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error_code(), "token_revoked");
    r = h.service("POST", "/v1/verify", verify_body(a.str("id"), ta[2]));
    EXPECT_EQ(r.error_code(), "token_revoked");
    EXPECT_EQ(h.bearer("GET", path, ta[0]).status, 200);
    // A participant of another interview cannot be revoked through this one.
    const std::string other_pid =
        json_string_value(json_object_get(json_array_get(b.at("participants"), 0), "id"));
    EXPECT_EQ(
        h.admin("POST", "/v1/interviews/" + a.str("id") + "/participants/" + other_pid + "/revoke")
            .error_code(),
        "unknown_participant");
}

TEST(ApiTokens, Verify) {
    Harness h;
    Reply a = h.create();
    Reply b = h.create();
    const auto ta = tokens_of(a);
    Reply r = h.service("POST", "/v1/verify", verify_body(a.str("id"), ta[0]));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.str("participant.role"), "applicant");
    EXPECT_EQ(r.str("participant.name"), "Ada");
    EXPECT_EQ(r.str("interview.id"), a.str("id"));
    EXPECT_EQ(r.str("interview.status"), "scheduled");
    EXPECT_EQ(r.str("server_time"), "2026-11-25T09:00:00Z");

    EXPECT_EQ(h.service("POST", "/v1/verify", verify_body("nope", ta[0])).error_code(),
              "unknown_interview");
    EXPECT_EQ(h.service("POST", "/v1/verify", verify_body(a.str("id"), "bogus")).error_code(),
              "invalid_token");
    EXPECT_EQ(h.service("POST", "/v1/verify", verify_body(a.str("id"), "")).error_code(),
              "invalid_token");
    EXPECT_EQ(h.service("POST", "/v1/verify", verify_body(b.str("id"), ta[0])).error_code(),
              "token_other_interview");
    for (const char* bad :
         {"{}", R"({"token":"x"})", R"({"interview_id":"a"})", R"({"interview_id":5,"token":"x"})",
          R"({"interview_id":"a","token":5})", R"({"interview_id":"a/b","token":"x"})",
          R"({"interview_id":"a","token":"x","role":"admin"})"}) {
        Reply e = h.service("POST", "/v1/verify", bad);
        EXPECT_EQ(e.status, 400) << bad;
        EXPECT_EQ(e.error_code(), "invalid_field") << bad;
    }
    EXPECT_EQ(h.service("POST", "/v1/verify", "{oops").error_code(), "malformed_json");

    // Cancelled is data, not an error, for the plugin.
    h.admin("POST", "/v1/interviews/" + a.str("id") + "/cancel");
    r = h.service("POST", "/v1/verify", verify_body(a.str("id"), ta[0]));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.str("interview.status"), "cancelled");
    EXPECT_EQ(
        h.bearer("GET", "/v1/interviews/" + a.str("id") + "/me", ta[0]).str("interview.status"),
        "cancelled");
}

TEST(ApiTokens, CredentialsInQueryStringRefused) {
    Harness h;
    Reply c = h.create();
    const std::string token = tokens_of(c)[0];
    for (const std::string& q :
         std::vector<std::string>{"?token=" + token, "?access_token=x", "?join_token=x", "?TOKEN=x",
                                  "?key=x", "?api_key=x", "?a=1&token="}) {
        Reply r = h.anon("GET", "/v1/interviews/" + c.str("id") + "/me" + q);
        EXPECT_EQ(r.status, 400) << q;
        EXPECT_EQ(r.error_code(), "token_in_query") << q;
    }
    // Refused even with a valid header, and on any path, so clients learn it early.
    Reply r = h.bearer("GET", "/v1/interviews/" + c.str("id") + "/me?token=x", token);
    EXPECT_EQ(r.error_code(), "token_in_query");
    EXPECT_EQ(h.admin("GET", "/v1/interviews?api_key=x").error_code(), "token_in_query");
    // Harmless query arguments are ignored.
    EXPECT_EQ(h.bearer("GET", "/v1/interviews/" + c.str("id") + "/me?lang=en", token).status, 200);
    // Nothing of the query reaches the log.
    for (const auto& line : h.log_lines()) {
        EXPECT_EQ(line.find(token), std::string::npos) << line;
        EXPECT_EQ(line.find('?'), std::string::npos) << line;
    }
}

TEST(ApiTokens, FailedTokenAttemptsAreRateLimited) {
    Harness h;
    Reply c = h.create();
    const std::string path = "/v1/interviews/" + c.str("id") + "/me";
    const std::string good = tokens_of(c)[0];
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(h.bearer("GET", path, "guess-" + std::to_string(i)).status, 401) << i;
    }
    h.clock.advance(20);
    Reply r = h.bearer("GET", path, "guess-10");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.error_code(), "rate_limited");
    EXPECT_EQ(r.headers["retry-after"], "40");
    // The right token is never locked out: someone guessing from the same address (a shared
    // NAT, a campus) must not keep an applicant out of the interview.
    EXPECT_EQ(h.bearer("GET", path, good).status, 200);
    // Token guesses do not throttle the keys: a wrong admin key is a 401, not yet a 429.
    EXPECT_EQ(http("GET", h.url("/v1/interviews"), "", {"Authorization: Bearer wrong"}).status,
              401);
    h.clock.advance(40);
    EXPECT_EQ(h.bearer("GET", path, "guess-11").status, 401);
    // Successful requests do not count.
    for (int i = 0; i < 20; ++i) {
        ASSERT_EQ(h.bearer("GET", path, good).status, 200);
    }
}

TEST(ApiTokens, WrongKeysAreRateLimited) {
    Harness h;
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(http("GET", h.url("/v1/interviews"), "", {"Authorization: Bearer wrong"}).status,
                  401);
    }
    Reply r = http("GET", h.url("/v1/interviews"), "", {"Authorization: Bearer wrong"});
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.error_code(), "rate_limited");
    EXPECT_EQ(r.headers["retry-after"], "60");
    // No key at all is a wrong guess too.
    EXPECT_EQ(http("GET", h.url("/v1/interviews"), "").status, 429);
}

TEST(ApiTokens, TheRightKeyIsServedWhileItsClientIsLockedOut) {
    Harness h;
    Reply c = h.create();
    const std::string token = tokens_of(c)[0];
    const std::string verify_body =
        R"({"interview_id":")" + c.str("id") + R"(","token":")" + token + R"("})";
    // Someone on the plugin's address guesses both keys until both are throttled.
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(http("GET", h.url("/v1/interviews"), "", {"Authorization: Bearer wrong"}).status,
                  401);
        ASSERT_EQ(
            http("POST", h.url("/v1/verify"), verify_body, {"Authorization: Bearer wrong"}).status,
            401);
    }
    EXPECT_EQ(http("GET", h.url("/v1/interviews"), "", {"Authorization: Bearer wrong"}).status,
              429);
    EXPECT_EQ(
        http("POST", h.url("/v1/verify"), verify_body, {"Authorization: Bearer wrong"}).status,
        429);
    // The plugin's and the administrator's right keys are still served, every time.
    for (int i = 0; i < 3; ++i) {
        Reply v = h.service("POST", "/v1/verify", verify_body);
        EXPECT_EQ(v.status, 200);
        EXPECT_EQ(v.str("participant.role"), "applicant");
        EXPECT_EQ(h.admin("GET", "/v1/interviews").status, 200);
    }
    // Serving the right key does not lift the throttle on guesses.
    EXPECT_EQ(http("GET", h.url("/v1/interviews"), "", {"Authorization: Bearer wrong"}).status,
              429);
    // The service key on an admin route is a wrong admin key, and throttled as one.
    EXPECT_EQ(h.service("GET", "/v1/interviews").status, 429);
}

TEST(ApiTokens, VerifyDoesNotCountTokenFailuresAgainstThePlugin) {
    Harness h;
    Reply c = h.create();
    const std::string good =
        R"({"interview_id":")" + c.str("id") + R"(","token":")" + tokens_of(c)[0] + R"("})";
    for (int i = 0; i < 30; ++i) {
        const std::string bad = R"({"interview_id":")" + c.str("id") + R"(","token":"guess-)" +
                                std::to_string(i) + R"("})";
        ASSERT_EQ(h.service("POST", "/v1/verify", bad).error_code(), "invalid_token") << i;
    }
    EXPECT_EQ(h.service("POST", "/v1/verify", good).status, 200);
    // Nor against the browsers that share the plugin's address.
    EXPECT_EQ(h.bearer("GET", "/v1/interviews/" + c.str("id") + "/me", "guess").status, 401);
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(ApiTokens, DatabaseNeverHoldsATokenAndRestartKeepsData) {
    TempDir dir;
    const std::string db = dir.file("service.db");
    std::string id;
    std::vector<std::string> tokens;
    {
        Harness h(db);
        Reply c = h.create();
        id = c.str("id");
        tokens = tokens_of(c);
        ASSERT_EQ(tokens.size(), 3u);
        // While the server runs, recent writes live in the WAL file: check both files' bytes.
        for (const char* suffix : {"", "-wal"}) {
            const std::string bytes = slurp(db + suffix);
            for (const auto& t : tokens) {
                EXPECT_EQ(bytes.find(t), std::string::npos) << suffix;
            }
        }
    }
    // Every column of every table, read through SQL: no token, but each token's hash.
    {
        Database raw(db);
        Statement tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
        std::string everything;
        std::vector<std::string> names;
        while (tables.step()) {
            names.push_back(tables.column_text(0));
        }
        EXPECT_GE(names.size(), 4u);
        for (const auto& name : names) {
            // pragma_table_info and a quoted identifier from sqlite_master itself: the only
            // dynamic SQL in the project, in a test, over names SQLite gave us.
            Statement cols = raw.prepare("SELECT name FROM pragma_table_info(?1)");
            cols.bind(1, name);
            std::vector<std::string> columns;
            while (cols.step()) {
                columns.push_back(cols.column_text(0));
            }
            for (const auto& col : columns) {
                const std::string sql =
                    "SELECT CAST(\"" + col + "\" AS TEXT) FROM \"" + name + "\"";
                Statement rows = raw.prepare(sql.c_str());
                while (rows.step()) {
                    everything += rows.column_text(0) + "\n";
                }
            }
        }
        for (const auto& t : tokens) {
            EXPECT_EQ(everything.find(t), std::string::npos);
            EXPECT_NE(everything.find(sha256_hex(t)), std::string::npos);
        }
        EXPECT_NE(everything.find("Backend interview"), std::string::npos);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string bytes = slurp(db + suffix);
        for (const auto& t : tokens) {
            EXPECT_EQ(bytes.find(t), std::string::npos) << suffix;
        }
    }
    // A new server on the same file: the tokens still verify.
    Harness again(db);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        Reply r = again.service("POST", "/v1/verify", verify_body(id, tokens[i]));
        EXPECT_EQ(r.status, 200) << r.body;
    }
    EXPECT_EQ(again.admin("GET", "/v1/interviews/" + id).str("title"), "Backend interview");
}

TEST(ApiTokens, LogsOneLinePerRequestWithoutSecrets) {
    Harness h;
    Reply c = h.create();
    const auto tokens = tokens_of(c);
    h.bearer("GET", "/v1/interviews/" + c.str("id") + "/me", tokens[0]);
    h.service("POST", "/v1/verify", verify_body(c.str("id"), tokens[1]));
    h.anon("GET", "/v1/nothing");
    const auto lines = h.log_lines();
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].rfind("POST /v1/interviews 201 ", 0), 0u) << lines[0];
    EXPECT_EQ(lines[1].rfind("GET /v1/interviews/" + c.str("id") + "/me 200 ", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("POST /v1/verify 200 ", 0), 0u) << lines[2];
    EXPECT_EQ(lines[3].rfind("GET /v1/nothing 404 ", 0), 0u) << lines[3];
    for (const auto& line : lines) {
        EXPECT_NE(line.find("ms"), std::string::npos);
        for (const auto& secret :
             {tokens[0], tokens[1], kAdminKey, kServiceKey, std::string("Backend interview")}) {
            EXPECT_EQ(line.find(secret), std::string::npos) << line;
        }
    }
}

TEST(ApiTokens, Cors) {
    Harness h(":memory:", test_now(), "http://localhost:5173");
    Reply pre = http("OPTIONS", h.url("/v1/interviews/abc/me"), "",
                     {"Origin: http://localhost:5173", "Access-Control-Request-Method: GET",
                      "Access-Control-Request-Headers: authorization"});
    EXPECT_EQ(pre.status, 204);
    EXPECT_EQ(pre.headers["access-control-allow-origin"], "http://localhost:5173");
    EXPECT_EQ(pre.headers["access-control-allow-methods"], "GET, OPTIONS");
    EXPECT_NE(pre.headers["access-control-allow-headers"].find("Authorization"), std::string::npos);
    Reply get = http("GET", h.url("/v1/health"), "", {"Origin: http://localhost:5173"});
    EXPECT_EQ(get.headers["access-control-allow-origin"], "http://localhost:5173");
    Reply other = http("GET", h.url("/v1/health"), "", {"Origin: http://evil.example"});
    EXPECT_EQ(other.headers.count("access-control-allow-origin"), 0u);
    EXPECT_EQ(http("OPTIONS", h.url("/v1/nowhere"), "", {"Origin: http://localhost:5173"}).status,
              404);

    Harness no_cors;
    Reply plain = http("OPTIONS", no_cors.url("/v1/health"), "", {"Origin: http://localhost:5173"});
    EXPECT_EQ(plain.status, 204);
    EXPECT_EQ(plain.headers["allow"], "GET, OPTIONS");
    EXPECT_EQ(plain.headers.count("access-control-allow-origin"), 0u);
}

}  // namespace

namespace {

TEST(ApiTokens, EveryParticipantOfAnInterviewIsSentToTheSameJanus) {
    Harness h;
    const std::vector<std::string> urls = {"wss://janus-a.example/ws", "wss://janus-b.example/ws",
                                           "wss://janus-c.example/ws"};
    h.svc->set_janus_urls(urls);
    std::map<std::string, int> used;
    for (int i = 0; i < 12; ++i) {
        Reply c = h.create();
        const auto tokens = tokens_of(c);
        const std::string id = c.str("id");
        const std::string assigned = c.str("janus_url");
        EXPECT_NE(std::find(urls.begin(), urls.end(), assigned), urls.end()) << assigned;
        ++used[assigned];
        for (const auto& token : tokens) {
            Reply me = h.bearer("GET", "/v1/interviews/" + id + "/me", token);
            EXPECT_EQ(me.str("interview.janus_url"), assigned);
        }
        Reply v = h.bearer("POST", "/v1/verify", kServiceKey,
                           R"({"interview_id":")" + id + R"(","token":")" + tokens[0] + R"("})");
        EXPECT_EQ(v.str("interview.janus_url"), assigned);
    }
    EXPECT_GE(used.size(), 2u);  // 12 interviews spread over the instances
    h.svc->set_janus_urls({});
    Reply c = h.create();
    EXPECT_EQ(c.body.find("janus_url"), std::string::npos);  // none configured: not named
}

}  // namespace
