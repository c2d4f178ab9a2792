#include "access/policy.hpp"

#include <jansson.h>

#include "json_ptr.hpp"

namespace interview::access {

using protocol::ApiError;
using protocol::ErrorCode;

namespace {

ApiError unavailable(const std::string& why) {
    return ApiError{ErrorCode::service_unavailable,
                    "the interview service could not confirm this join (" + why + ")"};
}

const char* string_field(const json_t* object, const char* name) {
    return json_string_value(json_object_get(object, name));
}

}  // namespace

std::optional<ErrorCode> recheck_verdict(const std::variant<Verification, ApiError>& answer,
                                         const std::string& participant_id) {
    if (const auto* v = std::get_if<Verification>(&answer)) {
        return v->participant.id == participant_id ? std::nullopt
                                                   : std::optional(ErrorCode::invalid_token);
    }
    switch (const ErrorCode code = std::get<ApiError>(answer).code) {
        case ErrorCode::invalid_token:
        case ErrorCode::token_revoked:
        case ErrorCode::token_other_interview:
            return code;
        default:
            return std::nullopt;
    }
}

std::variant<Verification, ApiError> parse_verify_response(long http_status,
                                                           const std::string& body,
                                                           const std::string& asked_id) {
    json_error_t error;
    JsonPtr root(json_loadb(body.data(), body.size(), 0, &error));
    if (http_status != 200) {
        const char* code =
            root ? string_field(json_object_get(root.get(), "error"), "code") : nullptr;
        const std::string service_code = code != nullptr ? code : "";
        if (http_status == 404 && service_code == "unknown_interview") {
            return ApiError{ErrorCode::unknown_interview, "no interview with this id"};
        }
        if (http_status == 401 && service_code == "invalid_token") {
            return ApiError{ErrorCode::invalid_token, "the token is not valid"};
        }
        if (http_status == 403 && service_code == "token_other_interview") {
            return ApiError{ErrorCode::token_other_interview,
                            "this token belongs to another interview"};
        }
        if (http_status == 403 && service_code == "token_revoked") {
            return ApiError{ErrorCode::token_revoked, "this participant's access was revoked"};
        }
        if (http_status == 429) {
            return ApiError{ErrorCode::service_unavailable,
                            "too many failed attempts; try again later"};
        }
        return unavailable("HTTP " + std::to_string(http_status) +
                           (service_code.empty() ? "" : " " + service_code));
    }
    if (!root || !json_is_object(root.get())) {
        return unavailable("unreadable answer");
    }
    const json_t* participant = json_object_get(root.get(), "participant");
    const json_t* interview = json_object_get(root.get(), "interview");
    Verification v;
    const char* pid = string_field(participant, "id");
    const char* name = string_field(participant, "name");
    const char* role = string_field(participant, "role");
    const char* iid = string_field(interview, "id");
    const char* title = string_field(interview, "title");
    const char* start = string_field(interview, "start");
    const char* end = string_field(interview, "end");
    const char* status = string_field(interview, "status");
    if (pid == nullptr || name == nullptr || role == nullptr || iid == nullptr ||
        title == nullptr || start == nullptr || end == nullptr || status == nullptr) {
        return unavailable("answer lacks a field");
    }
    const auto parsed_role = parse_role(role);
    const auto parsed_start = parse_rfc3339(start);
    const auto parsed_end = parse_rfc3339(end);
    if (!parsed_role || !parsed_start || !parsed_end || *parsed_end <= *parsed_start) {
        return unavailable("answer has an invalid role or time");
    }
    if (asked_id != iid) {
        // The service must answer about the interview we asked for; anything else is a bug
        // somewhere, and admitting on it would be unsafe.
        return unavailable("answer is about another interview");
    }
    v.participant = Participant{pid, name, *parsed_role};
    v.interview_id = iid;
    v.title = title;
    v.start = *parsed_start;
    v.end = *parsed_end;
    v.status = status;
    return v;
}

Window join_window(UnixSeconds start, UnixSeconds end, int early_join_minutes, int grace_minutes) {
    return Window{start - static_cast<UnixSeconds>(early_join_minutes) * 60,
                  end + static_cast<UnixSeconds>(grace_minutes) * 60};
}

std::optional<ApiError> admission_error(const Verification& v, UnixSeconds now,
                                        int early_join_minutes, int grace_minutes) {
    if (v.status == "cancelled") {
        return ApiError{ErrorCode::interview_cancelled, "this interview was cancelled"};
    }
    const Window window = join_window(v.start, v.end, early_join_minutes, grace_minutes);
    if (now < window.opens_at) {
        const std::string opens_at = format_rfc3339(window.opens_at);
        return ApiError{
            ErrorCode::too_early, "the room opens at " + opens_at, {{"opens_at", opens_at}}};
    }
    if (now >= window.closes_at) {
        return ApiError{ErrorCode::interview_ended, "this interview is over"};
    }
    return std::nullopt;
}

}  // namespace interview::access
