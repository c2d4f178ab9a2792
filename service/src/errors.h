// The one error shape of the API: an HTTP status, a stable snake_case code for programs and a
// message for people. Thrown by the logic and turned into
// {"error":{"code":...,"message":...}} by the HTTP layer, never across a C callback.
#pragma once

#include <cstdint>
#include <exception>
#include <string>

namespace isvc {

struct ApiError : std::exception {
    ApiError(int s, std::string c, std::string m)
        : status(s), code(std::move(c)), message(std::move(m)) {}
    const char* what() const noexcept override { return code.c_str(); }

    int status;
    std::string code;
    std::string message;
    std::int64_t retry_after = 0;  // seconds; sent as Retry-After when > 0
};

inline ApiError invalid_field(const std::string& field, const std::string& why) {
    return ApiError(400, "invalid_field", "field '" + field + "': " + why);
}

inline ApiError unknown_interview() {
    return ApiError(404, "unknown_interview", "no interview with this id");
}

inline ApiError unknown_participant() {
    return ApiError(404, "unknown_participant", "no participant with this id in the interview");
}

}  // namespace isvc
