#include "api/errors.hpp"

namespace interview::protocol {

const char* error_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::malformed_request:
            return "malformed_request";
        case ErrorCode::missing_field:
            return "missing_field";
        case ErrorCode::invalid_field:
            return "invalid_field";
        case ErrorCode::unknown_request:
            return "unknown_request";
        case ErrorCode::not_joined:
            return "not_joined";
        case ErrorCode::already_joined:
            return "already_joined";
        case ErrorCode::already_connected:
            return "already_connected";
        case ErrorCode::not_connected:
            return "not_connected";
        case ErrorCode::unknown_interview:
            return "unknown_interview";
        case ErrorCode::invalid_token:
            return "invalid_token";
        case ErrorCode::token_other_interview:
            return "token_other_interview";
        case ErrorCode::too_early:
            return "too_early";
        case ErrorCode::interview_ended:
            return "interview_ended";
        case ErrorCode::interview_cancelled:
            return "interview_cancelled";
        case ErrorCode::token_revoked:
            return "token_revoked";
        case ErrorCode::room_full:
            return "room_full";
        case ErrorCode::service_unavailable:
            return "service_unavailable";
        case ErrorCode::forbidden_for_role:
            return "forbidden_for_role";
        case ErrorCode::invalid_operation:
            return "invalid_operation";
        case ErrorCode::message_too_large:
            return "message_too_large";
        case ErrorCode::rate_limited:
            return "rate_limited";
        case ErrorCode::storage_unavailable:
            return "storage_unavailable";
        case ErrorCode::read_only:
            return "read_only";
        case ErrorCode::revision_too_old:
            return "revision_too_old";
        case ErrorCode::hello_required:
            return "hello_required";
        case ErrorCode::internal_error:
            return "internal_error";
    }
    return "internal_error";
}

JsonPtr error_event(const ApiError& error) {
    JsonPtr event(json_object());
    json_object_set_new(event.get(), "interview", json_string("error"));
    json_object_set_new(event.get(), "error_code", json_integer(static_cast<int>(error.code)));
    json_object_set_new(event.get(), "error", json_string(error_name(error.code)));
    json_object_set_new(event.get(), "message", json_string(error.message.c_str()));
    for (const auto& [key, value] : error.details) {
        json_object_set_new(event.get(), key.c_str(), json_string(value.c_str()));
    }
    return event;
}

}  // namespace interview::protocol
