#include "protocol/requests.hpp"

#include <cstring>

#include "contract/ids.hpp"

namespace interview::protocol {

namespace {

/// Reads a required string field; on failure returns the error to send.
std::variant<std::string, ApiError> required_string(const json_t* message, const char* field) {
    const json_t* value = json_object_get(message, field);
    if (value == nullptr) {
        return ApiError{ErrorCode::missing_field, std::string("missing field '") + field + "'"};
    }
    if (!json_is_string(value)) {
        return ApiError{ErrorCode::invalid_field,
                        std::string("field '") + field + "' must be a string"};
    }
    return std::string(json_string_value(value), json_string_length(value));
}

}  // namespace

// The protocol's public name for the one id rule, which lives in contract/ids.hpp.
bool is_valid_interview_id(const std::string& id) {
    return util::is_url_safe_id(id);
}

bool is_plausible_token(const std::string& token) {
    if (token.size() < 16 || token.size() > 256) {
        return false;
    }
    for (char c : token) {
        if (!util::is_url_safe_char(c)) {
            return false;
        }
    }
    return true;
}

const char* request_name(const Request& request) {
    struct Visitor {
        const char* operator()(const InfoRequest&) const { return "info"; }
        const char* operator()(const JoinRequest&) const { return "join"; }
        const char* operator()(const LeaveRequest&) const { return "leave"; }
        const char* operator()(const ConnectRequest&) const { return "connect"; }
        const char* operator()(const ConfigureRequest&) const { return "configure"; }
        const char* operator()(const EndInterviewRequest&) const { return "end_interview"; }
    };
    return std::visit(Visitor{}, request);
}

const char* named_request(const json_t* message) {
    const json_t* value = message != nullptr ? json_object_get(message, "request") : nullptr;
    if (value == nullptr || !json_is_string(value)) {
        return nullptr;
    }
    for (const char* name : {"info", "join", "leave", "connect", "configure", "end_interview"}) {
        if (std::strcmp(json_string_value(value), name) == 0) {
            return name;
        }
    }
    return nullptr;
}

std::variant<Request, ApiError> parse_request(const json_t* message) {
    if (message == nullptr || !json_is_object(message)) {
        return ApiError{ErrorCode::malformed_request, "the message body must be a JSON object"};
    }
    auto name = required_string(message, "request");
    if (auto* error = std::get_if<ApiError>(&name)) {
        return *error;
    }
    const std::string& kind = std::get<std::string>(name);
    if (kind == "info") {
        return InfoRequest{};
    }
    if (kind == "leave") {
        return LeaveRequest{};
    }
    if (kind == "connect") {
        return ConnectRequest{};
    }
    if (kind == "configure") {
        ConfigureRequest configure;
        for (const char* field : {"audio", "video"}) {
            const json_t* value = json_object_get(message, field);
            if (value == nullptr) {
                continue;
            }
            if (!json_is_boolean(value)) {
                return ApiError{ErrorCode::invalid_field,
                                std::string("field '") + field + "' must be true or false"};
            }
            (std::string(field) == "audio" ? configure.audio : configure.video) =
                json_is_true(value);
        }
        if (!configure.audio && !configure.video) {
            return ApiError{ErrorCode::missing_field,
                            "'configure' needs 'audio' or 'video' (true sends, false mutes)"};
        }
        return configure;
    }
    if (kind == "end_interview") {
        return EndInterviewRequest{};
    }
    if (kind == "join") {
        JoinRequest join;
        auto id = required_string(message, "interview_id");
        if (auto* error = std::get_if<ApiError>(&id)) {
            return *error;
        }
        join.interview_id = std::move(std::get<std::string>(id));
        if (!util::is_url_safe_id(join.interview_id)) {
            return ApiError{ErrorCode::invalid_field,
                            "field 'interview_id' must be 1 to 64 characters of A-Z a-z 0-9 _ -"};
        }
        auto token = required_string(message, "token");
        if (auto* error = std::get_if<ApiError>(&token)) {
            return *error;
        }
        join.token = std::move(std::get<std::string>(token));
        if (!is_plausible_token(join.token)) {
            // The service would refuse it too; answering here saves a round trip and keeps
            // junk (and anything that looks like an injection) away from the service.
            return ApiError{ErrorCode::invalid_token, "the token is not valid"};
        }
        return join;
    }
    std::string shown = kind.substr(0, 40);
    for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            c = '?';
        }
    }
    return ApiError{ErrorCode::unknown_request, "unknown request '" + shown + "'"};
}

}  // namespace interview::protocol
