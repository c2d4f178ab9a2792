#include "protocol/admin_requests.hpp"

#include "contract/ids.hpp"

namespace interview::protocol {

namespace {

std::variant<std::string, ApiError> id_field(const json_t* message, const char* name) {
    const json_t* value = json_object_get(message, name);
    if (value == nullptr) {
        return ApiError{ErrorCode::missing_field, std::string("missing field '") + name + "'"};
    }
    if (!json_is_string(value) || !util::is_url_safe_id(json_string_value(value))) {
        return ApiError{
            ErrorCode::invalid_field,
            std::string("field '") + name + "' must be 1 to 64 characters of A-Z a-z 0-9 _ -"};
    }
    return std::string(json_string_value(value));
}

}  // namespace

std::variant<AdminRequest, ApiError> parse_admin_request(const json_t* message) {
    if (message == nullptr || !json_is_object(message)) {
        return ApiError{ErrorCode::malformed_request, "the request must be a JSON object"};
    }
    const json_t* request = json_object_get(message, "request");
    if (request == nullptr) {
        return ApiError{ErrorCode::missing_field, "missing field 'request'"};
    }
    if (!json_is_string(request)) {
        return ApiError{ErrorCode::invalid_field, "field 'request' must be a string"};
    }
    const std::string kind = json_string_value(request);
    if (kind == "info") {
        return AdminInfo{};
    }
    if (kind == "list_interviews") {
        return AdminListInterviews{};
    }
    if (kind == "kick" || kind == "end_interview") {
        auto interview = id_field(message, "interview_id");
        if (auto* e = std::get_if<ApiError>(&interview)) {
            return *e;
        }
        if (kind == "end_interview") {
            return AdminEndInterview{std::get<std::string>(interview)};
        }
        auto participant = id_field(message, "participant_id");
        if (auto* e = std::get_if<ApiError>(&participant)) {
            return *e;
        }
        return AdminKick{std::get<std::string>(interview), std::get<std::string>(participant)};
    }
    return ApiError{ErrorCode::unknown_request,
                    "the admin API knows: info, list_interviews, kick, end_interview"};
}

}  // namespace interview::protocol
