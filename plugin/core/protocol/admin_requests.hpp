// Requests of the Janus admin API to this plugin ({"janus":"message_plugin", "request": {...}},
// behind Janus's admin_secret): what operators may ask and do.
#pragma once

#include <string>
#include <variant>

#include <jansson.h>

#include "api/errors.hpp"

namespace interview::protocol {

/// {"request":"info"}: version, settings and counters.
struct AdminInfo {};
/// {"request":"list_interviews"}: the interviews live on this Janus, who is in them, and their
/// document's revision.
struct AdminListInterviews {};
/// {"request":"kick","interview_id":"...","participant_id":"..."}: removes a participant from
/// the room (its connection is closed). It may join again unless its token is revoked in the
/// interview service.
struct AdminKick {
    std::string interview_id;
    std::string participant_id;
};
/// {"request":"end_interview","interview_id":"..."}: ends it for everyone, as a recruiter can.
struct AdminEndInterview {
    std::string interview_id;
};

using AdminRequest = std::variant<AdminInfo, AdminListInterviews, AdminKick, AdminEndInterview>;

std::variant<AdminRequest, ApiError> parse_admin_request(const json_t* message);

}  // namespace interview::protocol
