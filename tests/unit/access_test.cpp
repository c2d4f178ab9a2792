// The access policy: RFC 3339 instants, the join window at its exact boundaries (injected "now"),
// the service's verify answers, roles, and the cache of positive answers.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "access/policy.hpp"
#include "contract/time.hpp"
#include "access/verify_cache.hpp"

using namespace interview::access;
using interview::protocol::ErrorCode;

namespace {

UnixSeconds at(const char* text) {
    auto t = parse_rfc3339(text);
    EXPECT_TRUE(t.has_value()) << text;
    return t.value_or(0);
}

Verification verification(UnixSeconds start, UnixSeconds end, const char* status = "scheduled") {
    Verification v;
    v.participant = Participant{"p1", "Ada", Role::applicant};
    v.interview_id = "iv1";
    v.title = "Backend";
    v.start = start;
    v.end = end;
    v.status = status;
    return v;
}

std::string verify_body(const char* role = "recruiter", const char* id = "iv1",
                        const char* start = "2026-11-25T10:00:00Z",
                        const char* end = "2026-11-25T11:00:00Z") {
    return std::string(R"({"participant":{"id":"p9","name":"Grace","role":")") + role +
           R"("},"interview":{"id":")" + id + R"(","title":"T","start":")" + start +
           R"(","end":")" + end + R"(","opens_at":"x","status":"open"},"server_time":"x"})";
}

}  // namespace

// One parser and formatter serves the plugin and the interview service; these are the cases of
// both former copies, each once. Where the two disagreed, the service's rule won (it is the
// public API, and the plugin only reads what the service writes): leap seconds, a space for
// the T and the 10th fraction digit changed meaning here.
TEST(Rfc3339, ParsesUtcAndEpoch) {
    EXPECT_EQ(at("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(at("1969-12-31T23:59:59Z"), -1);
    EXPECT_EQ(at("2026-11-25T10:00:00Z"), 1795600800);
    EXPECT_EQ(at("2026-11-25t10:00:00z"), 1795600800);  // lowercase t and z are allowed
    // A view need not end where the text does: nothing past its size is read.
    const std::string_view prefix = std::string_view("2026-11-25T10:00:00Zjunk").substr(0, 20);
    EXPECT_EQ(parse_rfc3339(prefix), 1795600800);
}

TEST(Rfc3339, OffsetsConvertToUtc) {
    const auto utc = at("2026-11-25T09:00:00Z");
    EXPECT_EQ(at("2026-11-25T10:00:00+01:00"), utc);
    EXPECT_EQ(at("2026-11-25T04:00:00-05:00"), utc);
    EXPECT_EQ(at("2026-11-25T14:30:00+05:30"), utc);
    EXPECT_EQ(at("2026-11-25T09:00:00+00:00"), utc);
    EXPECT_EQ(at("2026-11-25T09:00:00-00:00"), utc);
    EXPECT_EQ(at("2026-11-26T08:00:00+23:00"), utc);
    // Offsets that cross a day or year boundary.
    EXPECT_EQ(at("2027-01-01T00:30:00+01:00"), at("2026-12-31T23:30:00Z"));
    EXPECT_EQ(at("2026-12-31T20:00:00-10:00"), at("2027-01-01T06:00:00Z"));
}

TEST(Rfc3339, DstLookingOffsetsAreTakenLiterally) {
    // 02:30 on 2026-03-29 does not exist in Europe/Berlin (clocks jump 02:00 -> 03:00), but the
    // explicit offset makes it a well-defined instant; we never consult a time zone database.
    EXPECT_EQ(at("2026-03-29T02:30:00+01:00"), at("2026-03-29T01:30:00Z"));
    EXPECT_EQ(at("2026-03-29T03:30:00+02:00"), at("2026-03-29T01:30:00Z"));
    // 02:30 on 2026-10-25 happens twice in Berlin; the offset picks which one.
    EXPECT_EQ(at("2026-10-25T02:30:00+01:00") - at("2026-10-25T02:30:00+02:00"), 3600);
    // US DST change day.
    EXPECT_EQ(at("2026-03-08T03:30:00-04:00"), at("2026-03-08T07:30:00Z"));
}

TEST(Rfc3339, FractionalSecondsAreTruncated) {
    const auto base = at("2026-11-25T09:00:00Z");
    EXPECT_EQ(at("2026-11-25T09:00:00.5Z"), base);
    EXPECT_EQ(at("2026-11-25T09:00:00.999999999Z"), base);
    EXPECT_EQ(at("2026-11-25T09:00:00.1234567891Z"), base);  // no cap at nanoseconds
    EXPECT_EQ(at("2026-11-25T10:00:00.123+01:00"), base);
    EXPECT_EQ(at("2026-11-25t09:00:00.999z"), base);
    // The whole text is capped at 64 characters, which bounds the fraction: 43 digits fit.
    EXPECT_EQ(at(("2026-11-25T09:00:00." + std::string(43, '9') + "Z").c_str()), base);
    EXPECT_FALSE(parse_rfc3339("2026-11-25T09:00:00." + std::string(44, '9') + "Z").has_value());
}

TEST(Rfc3339, LeapYears) {
    EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z"));
    EXPECT_TRUE(parse_rfc3339("2000-02-29T00:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("2026-02-29T00:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));
    EXPECT_EQ(at("2024-03-01T00:00:00Z") - at("2024-02-28T00:00:00Z"), 2 * 86400);
}

TEST(Rfc3339, LeapSecondsAreRefused) {
    // Epoch seconds have no value for :60, and the service never writes one; the plugin used to
    // read it as the next second, now both refuse it, whatever the offset.
    EXPECT_FALSE(parse_rfc3339("2016-12-31T23:59:60Z").has_value());  // a real leap second
    EXPECT_FALSE(parse_rfc3339("2017-01-01T00:59:60+01:00").has_value());
    EXPECT_FALSE(parse_rfc3339("2026-11-25T10:00:60Z").has_value());
    EXPECT_EQ(at("2017-01-01T00:00:00Z") - at("2016-12-31T23:59:59Z"), 1);
}

TEST(Rfc3339, RejectsInvalid) {
    for (const char* bad : {"",
                            "2026-11-25",
                            "2026-11-25T10:00:00",
                            "2026-11-25 10:00:00Z",  // RFC 3339 allows it; the API never did
                            "2026-11-25T10:00Z",
                            "2026-13-01T00:00:00Z",
                            "2026-00-10T00:00:00Z",
                            "2026-11-31T00:00:00Z",
                            "2026-02-30T00:00:00Z",
                            "2026-11-25T24:00:00Z",
                            "2026-11-25T10:60:00Z",
                            "2026-11-25T10:00:00+1:00",
                            "2026-11-25T10:00:00+0100",
                            "2026-11-25T10:00:00+24:00",
                            "2026-11-25T10:00:00+01:60",
                            "2026-11-25T10:00:00.Z",
                            "2026-11-25T10:00:00ZZ",
                            "2026-11-25T10:00:00Zjunk",
                            "2026-11-25T10:00:00 Z",
                            "2026-11-25T10:00:00Z ",
                            " 2026-11-25T10:00:00Z",
                            "26-11-25T10:00:00Z",
                            "2026/11/25T10:00:00Z",
                            "２026-11-25T10:00:00Z",
                            "2026-11-25T10:00:00+01:00:00",
                            "now",
                            "1e9",
                            "'); DROP TABLE interviews;--"}) {
        EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
    }
}

TEST(Rfc3339, Formats) {
    EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_rfc3339(1795600800), "2026-11-25T10:00:00Z");
    EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59Z");
    EXPECT_EQ(format_rfc3339(951782400), "2000-02-29T00:00:00Z");
}

TEST(Rfc3339, RoundTrips) {
    // Every hour (off by a second, to move through minutes and seconds too) of a leap year...
    for (UnixSeconds t = at("2028-01-01T00:00:00Z"); t < at("2029-01-01T00:00:00Z"); t += 3599) {
        ASSERT_EQ(parse_rfc3339(format_rfc3339(t)), t);
    }
    // ...and a sparse sweep from 2000 through 2100.
    for (UnixSeconds t = 946684800; t < 4133980800; t += 7919 * 3607) {
        ASSERT_EQ(parse_rfc3339(format_rfc3339(t)), t);
    }
}

TEST(Window, OpensExactlyFifteenMinutesBeforeTheStart) {
    const UnixSeconds start = at("2026-11-25T10:00:00Z");
    const auto v = verification(start, start + 3600);
    // T-15:00 minus one second: refused, with the opening time
    auto early = admission_error(v, start - 15 * 60 - 1, 15, 10);
    ASSERT_TRUE(early.has_value());
    EXPECT_EQ(early->code, ErrorCode::too_early);
    ASSERT_EQ(early->details.size(), 1u);
    EXPECT_EQ(early->details[0].first, "opens_at");
    EXPECT_EQ(early->details[0].second, "2026-11-25T09:45:00Z");
    // T-15:00: admitted
    EXPECT_FALSE(admission_error(v, start - 15 * 60, 15, 10).has_value());
    EXPECT_FALSE(admission_error(v, start, 15, 10).has_value());
}

TEST(Window, ClosesAtTheEndPlusGrace) {
    const UnixSeconds start = at("2026-11-25T10:00:00Z");
    const auto v = verification(start, start + 3600);
    EXPECT_FALSE(admission_error(v, start + 3600 + 10 * 60 - 1, 15, 10).has_value());
    auto ended = admission_error(v, start + 3600 + 10 * 60, 15, 10);
    ASSERT_TRUE(ended.has_value());
    EXPECT_EQ(ended->code, ErrorCode::interview_ended);
    // without grace, the end itself closes it
    EXPECT_EQ(admission_error(v, start + 3600, 15, 0)->code, ErrorCode::interview_ended);
    // the setting changes the early opening
    EXPECT_FALSE(admission_error(v, start - 30 * 60, 30, 0).has_value());
    EXPECT_EQ(admission_error(v, start - 30 * 60 - 1, 30, 0)->code, ErrorCode::too_early);
}

TEST(Window, CancelledIsRefusedEvenInsideTheWindow) {
    const UnixSeconds start = at("2026-11-25T10:00:00Z");
    EXPECT_EQ(admission_error(verification(start, start + 60, "cancelled"), start, 15, 10)->code,
              ErrorCode::interview_cancelled);
}

TEST(Window, TimeZonesAndDaylightSavingChangeNothingButTheText) {
    // Europe/Berlin moves from +01:00 to +02:00 at 2026-03-29T01:00:00Z. An interview at
    // 03:05 local time (+02:00) opens at 02:50 local, which is 01:50+01:00 in the old offset,
    // i.e. 00:50Z: one instant, however it is written.
    const UnixSeconds start = at("2026-03-29T03:05:00+02:00");
    EXPECT_EQ(start, at("2026-03-29T01:05:00Z"));
    const auto v = verification(start, start + 1800);
    const Window w = join_window(v.start, v.end, 15, 10);
    EXPECT_EQ(w.opens_at, at("2026-03-29T01:50:00+01:00"));
    EXPECT_EQ(w.opens_at, at("2026-03-29T00:50:00Z"));
    EXPECT_EQ(admission_error(v, at("2026-03-29T01:49:59+01:00"), 15, 10)->code,
              ErrorCode::too_early);
    EXPECT_FALSE(admission_error(v, at("2026-03-29T01:50:00+01:00"), 15, 10).has_value());
    // America/New_York leaves DST at 2026-11-01T06:00:00Z: 01:30 happens twice locally; the
    // offsets tell them apart and the window follows the instant.
    const UnixSeconds first = at("2026-11-01T01:30:00-04:00");
    const UnixSeconds second = at("2026-11-01T01:30:00-05:00");
    EXPECT_EQ(second - first, 3600);
    EXPECT_EQ(join_window(second, second + 60, 15, 0).opens_at, at("2026-11-01T06:15:00Z"));
}

TEST(VerifyResponse, ReadsAGoodAnswer) {
    auto r = parse_verify_response(200, verify_body(), "iv1");
    ASSERT_TRUE(std::holds_alternative<Verification>(r));
    const auto& v = std::get<Verification>(r);
    EXPECT_EQ(v.participant.id, "p9");
    EXPECT_EQ(v.participant.name, "Grace");
    EXPECT_EQ(v.participant.role, Role::recruiter);
    EXPECT_EQ(v.start, at("2026-11-25T10:00:00Z"));
    EXPECT_EQ(v.end, at("2026-11-25T11:00:00Z"));
    EXPECT_EQ(v.status, "open");
}

TEST(VerifyResponse, MapsServiceErrorsAndFailsClosed) {
    const auto code = [](long status, const std::string& body, const char* asked = "iv1") {
        auto r = parse_verify_response(status, body, asked);
        EXPECT_TRUE(std::holds_alternative<interview::protocol::ApiError>(r)) << body;
        return std::holds_alternative<interview::protocol::ApiError>(r)
                   ? std::get<interview::protocol::ApiError>(r).code
                   : ErrorCode::internal_error;
    };
    const auto err = [](const char* c) {
        return std::string(R"({"error":{"code":")") + c + R"(","message":"m"}})";
    };
    EXPECT_EQ(code(404, err("unknown_interview")), ErrorCode::unknown_interview);
    EXPECT_EQ(code(401, err("invalid_token")), ErrorCode::invalid_token);
    EXPECT_EQ(code(403, err("token_other_interview")), ErrorCode::token_other_interview);
    EXPECT_EQ(code(403, err("token_revoked")), ErrorCode::token_revoked);
    EXPECT_EQ(code(401, err("unauthorized")), ErrorCode::service_unavailable);  // our key is bad
    EXPECT_EQ(code(429, err("rate_limited")), ErrorCode::service_unavailable);
    EXPECT_EQ(code(500, "oops"), ErrorCode::service_unavailable);
    EXPECT_EQ(code(404, "<html>"), ErrorCode::service_unavailable);
    EXPECT_EQ(code(200, "not json"), ErrorCode::service_unavailable);
    EXPECT_EQ(code(200, "{}"), ErrorCode::service_unavailable);
    EXPECT_EQ(code(200, verify_body("janitor")), ErrorCode::service_unavailable);
    EXPECT_EQ(code(200, verify_body("recruiter", "iv2")), ErrorCode::service_unavailable);
    EXPECT_EQ(code(200, verify_body("recruiter", "iv1", "yesterday")),
              ErrorCode::service_unavailable);
    EXPECT_EQ(
        code(200, verify_body("recruiter", "iv1", "2026-11-25T11:00:00Z", "2026-11-25T10:00:00Z")),
        ErrorCode::service_unavailable);  // ends before it starts
}

TEST(Roles, ObserversNeitherPublishNorEdit) {
    EXPECT_TRUE(may_publish(Role::applicant));
    EXPECT_TRUE(may_edit(Role::recruiter));
    EXPECT_FALSE(may_publish(Role::observer));
    EXPECT_FALSE(may_edit(Role::observer));
    EXPECT_TRUE(may_end_interview(Role::recruiter));
    EXPECT_FALSE(may_end_interview(Role::applicant));
    EXPECT_EQ(parse_role("observer"), Role::observer);
    EXPECT_FALSE(parse_role("Observer").has_value());
    EXPECT_FALSE(parse_role("").has_value());
    // The service stores and emits role_name; the plugin parses it back.
    for (Role r : {Role::applicant, Role::recruiter, Role::observer}) {
        EXPECT_EQ(parse_role(role_name(r)), r);
    }
}

TEST(VerifyCache, ReusesFreshAnswersForTheSameTokenOnly) {
    VerifyCache cache(30);
    const auto v = verification(100, 200);
    cache.put("iv1", "token-aaaaaaaaaaaaaaaa", v, 1000);
    ASSERT_NE(cache.find("iv1", "token-aaaaaaaaaaaaaaaa", 1029), nullptr);
    EXPECT_EQ(cache.find("iv1", "token-bbbbbbbbbbbbbbbb", 1000), nullptr);
    EXPECT_EQ(cache.find("iv2", "token-aaaaaaaaaaaaaaaa", 1000), nullptr);
    EXPECT_EQ(cache.find("iv1", "token-aaaaaaaaaaaaaaaa", 1030), nullptr);  // expired
    cache.put("iv1", "token-aaaaaaaaaaaaaaaa", v, 1000);
    cache.forget_interview("iv1");
    EXPECT_EQ(cache.find("iv1", "token-aaaaaaaaaaaaaaaa", 1000), nullptr);
}

TEST(VerifyCache, ZeroLifetimeCachesNothingAndSizeIsBounded) {
    VerifyCache off(0);
    off.put("iv1", "token-aaaaaaaaaaaaaaaa", verification(1, 2), 0);
    EXPECT_EQ(off.find("iv1", "token-aaaaaaaaaaaaaaaa", 0), nullptr);
    VerifyCache small(30, 8);
    for (int i = 0; i < 100; ++i) {
        small.put("iv1", "token-" + std::to_string(i) + "-aaaaaaaaaaaa", verification(1, 2), 0);
        EXPECT_LE(small.size(), 8u);
    }
}

TEST(VerifyCache, ForgetsOneTokenOnly) {
    VerifyCache cache(30);
    cache.put("iv1", "token-aaaaaaaaaaaaaaaa", verification(100, 200), 1000);
    cache.put("iv1", "token-bbbbbbbbbbbbbbbb", verification(100, 200), 1000);
    cache.forget("iv1", "token-aaaaaaaaaaaaaaaa");
    EXPECT_EQ(cache.find("iv1", "token-aaaaaaaaaaaaaaaa", 1000), nullptr);
    EXPECT_NE(cache.find("iv1", "token-bbbbbbbbbbbbbbbb", 1000), nullptr);
    cache.forget("iv2", "token-bbbbbbbbbbbbbbbb");  // another interview's: nothing to forget
    EXPECT_NE(cache.find("iv1", "token-bbbbbbbbbbbbbbbb", 1000), nullptr);
}

TEST(Recheck, OnlyTheServicesWordOnTheTokenEndsAMembership) {
    using interview::protocol::ApiError;
    const auto verdict = [](const std::variant<Verification, ApiError>& answer) {
        return recheck_verdict(answer, "p1");
    };
    EXPECT_EQ(verdict(verification(100, 200)), std::nullopt);  // still p1: stays
    auto other = verification(100, 200);
    other.participant.id = "p2";
    EXPECT_EQ(verdict(other), ErrorCode::invalid_token);  // the token names someone else now
    // The interview's state is the join window's business, not the recheck's.
    EXPECT_EQ(verdict(verification(100, 200, "cancelled")), std::nullopt);
    for (ErrorCode gone :
         {ErrorCode::invalid_token, ErrorCode::token_revoked, ErrorCode::token_other_interview}) {
        EXPECT_EQ(verdict(ApiError{gone, "m"}), gone);
    }
    // An unreachable, failing or rate-limiting service keeps everyone where they are.
    for (ErrorCode unsure : {ErrorCode::service_unavailable, ErrorCode::unknown_interview,
                             ErrorCode::internal_error}) {
        EXPECT_EQ(verdict(ApiError{unsure, "m"}), std::nullopt);
    }
}
