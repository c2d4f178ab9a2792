// Parsing and validation of the plugin's requests: a bad request gets a precise error.
#include <gtest/gtest.h>

#include "json_ptr.hpp"
#include "api/errors.hpp"
#include "protocol/requests.hpp"

using namespace interview::protocol;
using interview::JsonPtr;

namespace {

JsonPtr json(const char* text) {
    json_error_t error;
    JsonPtr value(json_loads(text, JSON_DECODE_ANY, &error));
    EXPECT_TRUE(value) << text << ": " << error.text;
    return value;
}

ApiError must_fail(const char* text) {
    auto value = json(text);
    auto r = parse_request(value.get());
    EXPECT_TRUE(std::holds_alternative<ApiError>(r)) << text;
    return std::holds_alternative<ApiError>(r) ? std::get<ApiError>(r)
                                               : ApiError{ErrorCode::internal_error, ""};
}

}  // namespace

TEST(Requests, InfoAndLeaveParse) {
    auto info = json(R"({"request":"info"})");
    auto r = parse_request(info.get());
    ASSERT_TRUE(std::holds_alternative<Request>(r));
    EXPECT_TRUE(std::holds_alternative<InfoRequest>(std::get<Request>(r)));
    EXPECT_STREQ(request_name(std::get<Request>(r)), "info");
    auto leave = json(R"({"request":"leave","extra":1})");
    auto l = parse_request(leave.get());
    ASSERT_TRUE(std::holds_alternative<Request>(l));
    EXPECT_TRUE(std::holds_alternative<LeaveRequest>(std::get<Request>(l)));
}

TEST(Requests, JoinCarriesIdAndToken) {
    auto msg =
        json(R"({"request":"join","interview_id":"iv_AbC-123","token":"abcdefghijklmnopqrstuv"})");
    auto r = parse_request(msg.get());
    ASSERT_TRUE(std::holds_alternative<Request>(r));
    const auto& join = std::get<JoinRequest>(std::get<Request>(r));
    EXPECT_EQ(join.interview_id, "iv_AbC-123");
    EXPECT_EQ(join.token, "abcdefghijklmnopqrstuv");
}

TEST(Requests, MalformedMessagesGetPreciseErrors) {
    auto r = parse_request(nullptr);
    ASSERT_TRUE(std::holds_alternative<ApiError>(r));
    EXPECT_EQ(std::get<ApiError>(r).code, ErrorCode::malformed_request);

    EXPECT_EQ(must_fail("[1,2]").code, ErrorCode::malformed_request);
    EXPECT_EQ(must_fail("\"info\"").code, ErrorCode::malformed_request);
    EXPECT_EQ(must_fail("{}").code, ErrorCode::missing_field);
    EXPECT_EQ(must_fail(R"({"request":7})").code, ErrorCode::invalid_field);
    EXPECT_EQ(must_fail(R"({"request":"dance"})").code, ErrorCode::unknown_request);
    EXPECT_EQ(must_fail(R"({"request":"join","token":"abcdefghijklmnopqrstuv"})").code,
              ErrorCode::missing_field);
    EXPECT_EQ(
        must_fail(R"({"request":"join","interview_id":"a b","token":"abcdefghijklmnopqrstuv"})")
            .code,
        ErrorCode::invalid_field);
    EXPECT_EQ(must_fail(R"({"request":"join","interview_id":"x"})").code, ErrorCode::missing_field);
    EXPECT_EQ(must_fail(R"({"request":"join","interview_id":"x","token":"short"})").code,
              ErrorCode::invalid_token);
    EXPECT_EQ(
        must_fail(R"({"request":"join","interview_id":"x","token":"abcdefghijklmnop' OR 1=1"})")
            .code,
        ErrorCode::invalid_token);
}

TEST(Requests, UnknownRequestNameIsShownSanitisedAndShort) {
    const ApiError e =
        must_fail(R"({"request":"a\u0001bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"})");
    EXPECT_EQ(e.code, ErrorCode::unknown_request);
    EXPECT_EQ(e.message.find('\x01'), std::string::npos);
    EXPECT_LT(e.message.size(), 80u);
}

TEST(Requests, InterviewIdAndTokenShapes) {
    EXPECT_TRUE(is_valid_interview_id("a"));
    EXPECT_TRUE(is_valid_interview_id(std::string(64, 'z')));
    EXPECT_FALSE(is_valid_interview_id(""));
    EXPECT_FALSE(is_valid_interview_id(std::string(65, 'z')));
    EXPECT_FALSE(is_valid_interview_id("{iv:1}"));
    EXPECT_TRUE(is_plausible_token(std::string(16, 'A')));
    EXPECT_FALSE(is_plausible_token(std::string(15, 'A')));
    EXPECT_FALSE(is_plausible_token(std::string(257, 'A')));
    EXPECT_FALSE(is_plausible_token(std::string(20, '+')));
}

TEST(Requests, ConfigureTakesBooleansAndNeedsOne) {
    auto value = json(R"({"request":"configure","audio":false})");
    auto r = parse_request(value.get());
    ASSERT_TRUE(std::holds_alternative<Request>(r));
    const auto& c = std::get<ConfigureRequest>(std::get<Request>(r));
    EXPECT_EQ(c.audio, std::optional<bool>(false));
    EXPECT_FALSE(c.video);
    EXPECT_EQ(request_name(std::get<Request>(r)), std::string("configure"));
    EXPECT_EQ(must_fail(R"({"request":"configure"})").code, ErrorCode::missing_field);
    EXPECT_EQ(must_fail(R"({"request":"configure","video":1})").code, ErrorCode::invalid_field);
    EXPECT_EQ(must_fail(R"({"request":"configure","audio":"off"})").code, ErrorCode::invalid_field);
}

TEST(Errors, EventCarriesCodeNameAndMessage) {
    auto event = error_event({ErrorCode::too_early, "opens at 10:45"});
    EXPECT_STREQ(json_string_value(json_object_get(event.get(), "interview")), "error");
    EXPECT_EQ(json_integer_value(json_object_get(event.get(), "error_code")), 473);
    EXPECT_STREQ(json_string_value(json_object_get(event.get(), "error")), "too_early");
    EXPECT_STREQ(json_string_value(json_object_get(event.get(), "message")), "opens at 10:45");
}

TEST(Errors, InternalErrorHasItsCodeAndName) {
    // No plugin path sends 499 today (exceptions are logged where they are caught); its
    // encoding is checked here so that the error table's every row is tested somewhere
    // (tests/integration/test_zz_error_table.py).
    auto event = error_event({ErrorCode::internal_error, "a bug"});
    EXPECT_EQ(json_integer_value(json_object_get(event.get(), "error_code")), 499);
    EXPECT_STREQ(json_string_value(json_object_get(event.get(), "error")), "internal_error");
}
