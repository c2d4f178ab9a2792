// Admin endpoints through the real HTTP server: scheduling, reading, rescheduling, cancelling,
// revoking, final code, and every way a request can be wrong.
#include "crypto.h"
#include "test_support.h"
#include "contract/ids.hpp"

#include <cstring>

namespace {

using namespace isvc;
using namespace isvc::test;

std::string with_start(const std::string& start) {
    return R"({"title":"T","start":")" + start +
           R"(","duration_minutes":60,"applicant":{"name":"A"},"recruiters":[{"name":"R"}]})";
}

TEST(ApiAdmin, HealthNeedsNoAuth) {
    Harness h;
    Reply r = h.anon("GET", "/v1/health");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.str("status"), "ok");
    EXPECT_EQ(r.str("time"), "2026-11-25T09:00:00Z");
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_EQ(r.headers["cache-control"], "no-store");
}

TEST(ApiAdmin, CreateReturnsTokensOnce) {
    Harness h;
    Reply r = h.create(R"({"title":"Backend","start":"2026-11-25T12:00:00+01:00",)"
                       R"("duration_minutes":45,"applicant":{"name":"Ada"},)"
                       R"("recruiters":[{"name":"Grace"},{"name":"Barbara"}],)"
                       R"("observers":[{"name":"Linus"}]})");
    EXPECT_EQ(r.str("start"), "2026-11-25T11:00:00Z");
    EXPECT_EQ(r.str("end"), "2026-11-25T11:45:00Z");
    EXPECT_EQ(r.str("opens_at"), "2026-11-25T10:45:00Z");
    EXPECT_EQ(r.str("status"), "scheduled");
    EXPECT_EQ(r.str("title"), "Backend");
    EXPECT_TRUE(interview::util::is_url_safe_id(r.str("id")));
    EXPECT_EQ(r.headers["location"], "/v1/interviews/" + r.str("id"));
    const json_t* ps = r.at("participants");
    ASSERT_EQ(json_array_size(ps), 4u);
    const char* roles[] = {"applicant", "recruiter", "recruiter", "observer"};
    for (std::size_t i = 0; i < 4; ++i) {
        const json_t* p = json_array_get(ps, i);
        EXPECT_STREQ(json_string_value(json_object_get(p, "role")), roles[i]);
        EXPECT_TRUE(interview::util::is_url_safe_id(json_string_value(json_object_get(p, "id"))));
        EXPECT_GE(std::strlen(json_string_value(json_object_get(p, "token"))), 22u);
    }
    // The details never show a token again.
    Reply d = h.admin("GET", "/v1/interviews/" + r.str("id"));
    EXPECT_EQ(d.status, 200);
    EXPECT_EQ(d.body.find("token"), std::string::npos);
    for (const auto& t : tokens_of(r)) {
        EXPECT_EQ(d.body.find(t), std::string::npos);
    }
    EXPECT_EQ(json_is_false(json_object_get(json_array_get(d.at("participants"), 0), "revoked")),
              true);
    EXPECT_EQ(json_integer_value(d.at("duration_minutes")), 45);
}

TEST(ApiAdmin, ListInterviews) {
    Harness h;
    h.create();
    h.create();
    Reply r = h.admin("GET", "/v1/interviews");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(json_array_size(r.at("interviews")), 2u);
    EXPECT_EQ(r.body.find("token"), std::string::npos);
}

TEST(ApiAdmin, AdminKeyRequired) {
    Harness h;
    const std::string id = h.create().str("id");
    struct Case {
        const char* method;
        std::string path;
    };
    const Case cases[] = {{"GET", "/v1/interviews"},
                          {"POST", "/v1/interviews"},
                          {"GET", "/v1/interviews/" + id},
                          {"PATCH", "/v1/interviews/" + id},
                          {"POST", "/v1/interviews/" + id + "/cancel"},
                          {"POST", "/v1/interviews/" + id + "/participants/x/revoke"},
                          {"GET", "/v1/interviews/" + id + "/final-code"}};
    for (const auto& c : cases) {
        for (const auto& auth :
             {std::string(), "Authorization: Bearer " + kServiceKey,
              "Authorization: Bearer " + kAdminKey + "x", "Authorization: Basic " + kAdminKey}) {
            Reply r =
                http(c.method, h.url(c.path), h.default_body(),
                     auth.empty() ? std::vector<std::string>{} : std::vector<std::string>{auth});
            EXPECT_EQ(r.status, 401) << c.method << " " << c.path << " " << auth;
            EXPECT_EQ(r.error_code(), "unauthorized");
            EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
        }
        h.clock.advance(61);  // start a fresh rate-limit window: not what this test is about
    }
    // The scheme is case-insensitive.
    EXPECT_EQ(
        http("GET", h.url("/v1/interviews"), "", {"Authorization: bearer " + kAdminKey}).status,
        200);
}

TEST(ApiAdmin, ServiceKeyRequired) {
    Harness h;
    const std::string id = h.create().str("id");
    EXPECT_EQ(h.admin("POST", "/v1/verify", R"({"interview_id":"x","token":"y"})").error_code(),
              "unauthorized");
    EXPECT_EQ(h.admin("PUT", "/v1/interviews/" + id + "/final-code",
                      R"({"code":"x","language":"c","revision":1})")
                  .error_code(),
              "unauthorized");
}

TEST(ApiAdmin, UnknownRoutesAndMethods) {
    Harness h;
    for (const char* path : {"/", "/v1", "/v2/health", "/v1/healthz", "/v1/interviews/", "/v1//x",
                             "/v1/interviews/a/b", "/v1/interviews/a/participants/b"}) {
        Reply r = h.admin("GET", path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(r.error_code(), "not_found") << path;
    }
    Reply r = h.admin("DELETE", "/v1/interviews");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.error_code(), "method_not_allowed");
    EXPECT_EQ(r.headers["allow"], "GET, POST, OPTIONS");
    EXPECT_EQ(h.admin("POST", "/v1/health").status, 405);
    EXPECT_EQ(h.service("GET", "/v1/verify").status, 405);
}

TEST(ApiAdmin, UnknownIds) {
    Harness h;
    const std::string id = h.create().str("id");
    for (const std::string& bad : {std::string("doesNotExist"), std::string(65, 'a'),
                                   std::string("bad%20id"), std::string("%27%3B--")}) {
        EXPECT_EQ(h.admin("GET", "/v1/interviews/" + bad).error_code(), "unknown_interview");
        EXPECT_EQ(h.admin("POST", "/v1/interviews/" + bad + "/cancel").error_code(),
                  "unknown_interview");
        EXPECT_EQ(h.admin("PATCH", "/v1/interviews/" + bad, R"({"title":"x"})").error_code(),
                  "unknown_interview");
        EXPECT_EQ(h.admin("GET", "/v1/interviews/" + bad + "/final-code").error_code(),
                  "unknown_interview");
    }
    Reply r = h.admin("POST", "/v1/interviews/" + id + "/participants/nobody/revoke");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code(), "unknown_participant");
}

TEST(ApiAdmin, MalformedJson) {
    Harness h;
    for (const char* body : {"", "{", "{\"title\":}", "nul", "{\"a\":1}{}", "\xff\xfe{}",
                             "{\"title\":\"a\",\"title\":\"b\"}"}) {
        Reply r = h.admin("POST", "/v1/interviews", body);
        EXPECT_EQ(r.status, 400) << body;
        EXPECT_EQ(r.error_code(), "malformed_json") << body;
    }
}

TEST(ApiAdmin, InvalidFields) {
    Harness h;
    const std::string base = R"("start":"2026-11-25T12:00:00Z","duration_minutes":60,)"
                             R"("applicant":{"name":"A"},"recruiters":[{"name":"R"}])";
    struct Case {
        std::string body;
        const char* field;
    };
    const std::string long_title(201, 'x');
    const std::string long_name(101, 'n');
    const std::string ok_long_title(200, 'x');
    const Case cases[] = {
        {"[]", "(body)"},
        {"\"text\"", "(body)"},
        {"{" + base + "}", "title"},
        {R"({"title":5,)" + base + "}", "title"},
        {R"({"title":"",)" + base + "}", "title"},
        {R"({"title":"   ",)" + base + "}", "title"},
        {R"({"title":")" + long_title + "\"," + base + "}", "title"},
        {R"({"title":"a\nb",)" + base + "}", "title"},
        {R"({"title":"a\u0007b",)" + base + "}", "title"},
        {R"({"title":"a\u009bb",)" + base + "}", "title"},
        {R"({"title":"a\u007fb",)" + base + "}", "title"},
        {R"({"title":"T","duration_minutes":60,"applicant":{"name":"A"},"recruiters":[{"name":"R"}]})",
         "start"},
        {R"({"title":"T","start":1795600800,"duration_minutes":60,"applicant":{"name":"A"},"recruiters":[{"name":"R"}]})",
         "start"},
        {with_start("2026-11-25 12:00"), "start"},
        {with_start("2026-11-25T12:00:00"), "start"},
        {with_start("2026-02-30T12:00:00Z"), "start"},
        {with_start("2026-11-24T08:59:59Z"), "start"},  // more than a day ago
        {with_start("2027-11-26T09:00:01Z"), "start"},  // more than 366 days ahead
        {with_start("1970-01-01T00:00:00Z"), "start"},
        {with_start("9999-12-31T23:59:59Z"), "start"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","applicant":{"name":"A"},"recruiters":[{"name":"R"}]})",
         "duration_minutes"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":0,"applicant":{"name":"A"},"recruiters":[{"name":"R"}]})",
         "duration_minutes"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":481,"applicant":{"name":"A"},"recruiters":[{"name":"R"}]})",
         "duration_minutes"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60.5,"applicant":{"name":"A"},"recruiters":[{"name":"R"}]})",
         "duration_minutes"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":"60","applicant":{"name":"A"},"recruiters":[{"name":"R"}]})",
         "duration_minutes"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"recruiters":[{"name":"R"}]})",
         "applicant"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":"A","recruiters":[{"name":"R"}]})",
         "applicant"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{},"recruiters":[{"name":"R"}]})",
         "applicant.name"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{"name":")" +
             long_name + R"("},"recruiters":[{"name":"R"}]})",
         "applicant.name"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{"name":"A","email":"x"},"recruiters":[{"name":"R"}]})",
         "applicant.email"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{"name":"A"}})",
         "recruiters"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{"name":"A"},"recruiters":[]})",
         "recruiters"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{"name":"A"},"recruiters":{"name":"R"}})",
         "recruiters"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{"name":"A"},"recruiters":[{"name":"R"},{"name":null}]})",
         "recruiters[1].name"},
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{"name":"A"},"recruiters":[{"name":"R"}],"observers":[{"name":"1"},{"name":"2"},{"name":"3"},{"name":"4"},{"name":"5"},{"name":"6"},{"name":"7"},{"name":"8"},{"name":"9"}]})",
         "recruiters"},  // 11 participants in total
        {R"({"title":"T","start":"2026-11-25T12:00:00Z","duration_minutes":60,"applicant":{"name":"A"},"recruiters":[{"name":"R"}],"observers":"none"})",
         "observers"},
        {R"({"duration":60,)" + base + "}", "duration"},
    };
    for (const auto& c : cases) {
        Reply r = h.admin("POST", "/v1/interviews", c.body);
        EXPECT_EQ(r.status, 400) << c.body;
        EXPECT_EQ(r.error_code(), "invalid_field") << c.body << " -> " << r.body;
        EXPECT_NE(r.str("error.message").find(std::string("'") + c.field + "'"), std::string::npos)
            << c.body << " -> " << r.body;
    }
    // The limits themselves are accepted: 200-char title, 100-char name, 10 participants,
    // 480 minutes, start exactly one day ago and exactly 366 days ahead.
    h.create(R"({"title":")" + ok_long_title + "\"," + base + "}");
    h.create(
        R"({"title":"T","start":"2026-11-24T09:00:00Z","duration_minutes":480,"applicant":{"name":")" +
        std::string(100, 'n') +
        R"("},"recruiters":[{"name":"R"}],"observers":[{"name":"1"},{"name":"2"},{"name":"3"},{"name":"4"},{"name":"5"},{"name":"6"},{"name":"7"},{"name":"8"}]})");
    h.create(with_start("2027-11-26T09:00:00Z"));
    // Multi-byte characters count as one character each.
    h.create(R"({"title":")" +
             [] {
                 std::string s;
                 for (int i = 0; i < 200; ++i) {
                     s += "\xe9\x9d\xa2";  // 面
                 }
                 return s;
             }() +
             "\"," + base + "}");
}

TEST(ApiAdmin, InjectionLookingStringsAreStoredVerbatim) {
    Harness h;
    const std::string evil = R"('); DROP TABLE interviews;--)";
    const std::string evil_json = R"('); DROP TABLE interviews;--)";
    Reply c = h.create(R"({"title":")" + evil_json +
                       R"(","start":"2026-11-25T12:00:00Z","duration_minutes":60,)"
                       R"("applicant":{"name":"Robert\"); DELETE FROM participants; --"},)"
                       R"("recruiters":[{"name":"<script>alert(1)</script>"}]})");
    EXPECT_EQ(c.str("title"), evil);
    Reply d = h.admin("GET", "/v1/interviews/" + c.str("id"));
    EXPECT_EQ(d.str("title"), evil);
    const json_t* ps = d.at("participants");
    EXPECT_STREQ(json_string_value(json_object_get(json_array_get(ps, 0), "name")),
                 "Robert\"); DELETE FROM participants; --");
    EXPECT_STREQ(json_string_value(json_object_get(json_array_get(ps, 1), "name")),
                 "<script>alert(1)</script>");
    EXPECT_EQ(json_array_size(h.admin("GET", "/v1/interviews").at("interviews")), 1u);
}

TEST(ApiAdmin, RescheduleAndCancel) {
    Harness h;
    const std::string id = h.create().str("id");
    const std::string path = "/v1/interviews/" + id;
    Reply r =
        h.admin("PATCH", path,
                R"({"start":"2026-11-26T10:00:00-03:00","duration_minutes":90,"title":"New"})");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.str("start"), "2026-11-26T13:00:00Z");
    EXPECT_EQ(r.str("end"), "2026-11-26T14:30:00Z");
    EXPECT_EQ(r.str("opens_at"), "2026-11-26T12:45:00Z");
    EXPECT_EQ(r.str("title"), "New");
    r = h.admin("PATCH", path, R"({"title":"Only title"})");
    EXPECT_EQ(r.str("title"), "Only title");
    EXPECT_EQ(r.str("start"), "2026-11-26T13:00:00Z");
    EXPECT_EQ(h.admin("PATCH", path, "{}").error_code(), "invalid_field");
    EXPECT_EQ(h.admin("PATCH", path, R"({"start":"2030-01-01T00:00:00Z"})").error_code(),
              "invalid_field");
    EXPECT_EQ(h.admin("PATCH", path, R"({"duration_minutes":0})").error_code(), "invalid_field");
    EXPECT_EQ(h.admin("PATCH", path, R"({"cancelled":true})").error_code(), "invalid_field");
    EXPECT_EQ(h.admin("PATCH", path, "[").error_code(), "malformed_json");

    r = h.admin("POST", path + "/cancel");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.str("status"), "cancelled");
    r = h.admin("POST", path + "/cancel");  // idempotent
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.str("status"), "cancelled");
    r = h.admin("PATCH", path, R"({"title":"Too late"})");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.error_code(), "interview_cancelled");
    EXPECT_EQ(h.admin("GET", path).str("title"), "Only title");
}

TEST(ApiAdmin, FinalCode) {
    Harness h;
    const std::string id = h.create().str("id");
    const std::string path = "/v1/interviews/" + id + "/final-code";
    Reply r = h.admin("GET", path);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code(), "no_final_code");
    const std::string code = R"(def f():\n\treturn \"'); DROP TABLE x;--\"\n)";
    r = h.service("PUT", path, R"({"code":")" + code + R"(","language":"python","revision":123})");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json_integer_value(r.at("revision")), 123);
    r = h.admin("GET", path);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.str("code"), "def f():\n\treturn \"'); DROP TABLE x;--\"\n");
    EXPECT_EQ(r.str("language"), "python");
    EXPECT_EQ(json_integer_value(r.at("revision")), 123);

    r = h.service("PUT", path, R"({"code":"old","language":"python","revision":122})");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.error_code(), "stale_revision");
    r = h.service("PUT", path, R"({"code":"new","language":"go","revision":124})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(h.admin("GET", path).str("code"), "new");

    for (const char* bad :
         {R"({"language":"python","revision":1})", R"({"code":1,"language":"python","revision":1})",
          R"({"code":"x","revision":1})", R"({"code":"x","language":"py thon","revision":1})",
          R"({"code":"x","language":"python"})",
          R"({"code":"x","language":"python","revision":-1})",
          R"({"code":"x","language":"python","revision":"1"})",
          R"({"code":"x","language":"python","revision":1,"extra":1})"}) {
        EXPECT_EQ(h.service("PUT", path, bad).error_code(), "invalid_field") << bad;
    }
    EXPECT_EQ(h.service("PUT", "/v1/interviews/unknown/final-code",
                        R"({"code":"x","language":"c","revision":1})")
                  .error_code(),
              "unknown_interview");
}

TEST(ApiAdmin, BodyLimits) {
    Harness h;
    const std::string id = h.create().str("id");
    // 64 KiB for ordinary endpoints.
    Reply r = h.admin("POST", "/v1/interviews", std::string(64 * 1024 + 1, ' '));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.error_code(), "body_too_large");
    // Final code: a body of up to 6 * max_document_bytes + 4 KiB (test_final_code.cpp).
    const std::string big(900 * 1024, 'x');
    r = h.service("PUT", "/v1/interviews/" + id + "/final-code",
                  R"({"code":")" + big + R"(","language":"c","revision":1})");
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 200);
    EXPECT_EQ(h.admin("GET", "/v1/interviews/" + id + "/final-code").str("code").size(),
              big.size());
    r = h.service(
        "PUT", "/v1/interviews/" + id + "/final-code",
        R"({"code":"x","language":"c","revision":2})" + std::string(6 * 1024 * 1024 + 4096, ' '));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.error_code(), "body_too_large");
    // The server is still fine afterwards.
    EXPECT_EQ(h.anon("GET", "/v1/health").status, 200);
}

}  // namespace
