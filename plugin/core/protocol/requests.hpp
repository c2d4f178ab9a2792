// Requests a client sends to the plugin through Janus's "message" API, parsed and validated
// before anything acts on them. Parsing never changes state, so a bad request changes nothing.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include <jansson.h>

#include "api/errors.hpp"

namespace interview::protocol {

/// {"request":"info"}: plugin version and effective settings.
struct InfoRequest {};

/// {"request":"join","interview_id":"...","token":"..."}: enter an interview's room.
struct JoinRequest {
    std::string interview_id;
    std::string token;  ///< secret: never logged, never echoed
};

/// {"request":"leave"}: leave the room (the handle stays attached and may join again).
struct LeaveRequest {};

/// {"request":"connect"} + a JSEP offer: set up the PeerConnection (data channel, media).
struct ConnectRequest {};

/// {"request":"configure","audio":bool?,"video":bool?}: mute (false) or unmute (true) what the
/// handle publishes; at least one of the two.
struct ConfigureRequest {
    std::optional<bool> audio;
    std::optional<bool> video;
};

/// {"request":"end_interview"}: a recruiter ends the interview for everyone.
struct EndInterviewRequest {};

using Request = std::variant<InfoRequest, JoinRequest, LeaveRequest, ConnectRequest,
                             ConfigureRequest, EndInterviewRequest>;

/// Name of the request kind, for logs.
const char* request_name(const Request& request);

/// The known request a (possibly invalid) message names, for the error's "request" field;
/// nullptr when it names none.
const char* named_request(const json_t* message);

std::variant<Request, ApiError> parse_request(const json_t* message);

/// Interview ids are URL-safe: [A-Za-z0-9_-]{1,64}.
bool is_valid_interview_id(const std::string& id);

/// Join tokens are base64url text of 16 to 256 characters.
bool is_plausible_token(const std::string& token);

}  // namespace interview::protocol
