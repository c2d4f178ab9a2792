// The plugin API's error codes: one table, shared by requests (push_event answers) and the data
// channel. docs/PROTOCOL.md lists the same table; keep the two in step.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "json_ptr.hpp"

namespace interview::protocol {

enum class ErrorCode : int {
    malformed_request = 460,      ///< the message is missing or not a JSON object
    missing_field = 461,          ///< a required field is absent
    invalid_field = 462,          ///< a field has the wrong type or an unacceptable value
    unknown_request = 463,        ///< "request" names nothing this plugin knows
    not_joined = 464,             ///< this request needs a successful join first
    already_joined = 465,         ///< this handle has joined already
    already_connected = 466,      ///< connect on a handle with a PeerConnection (or one pending)
    not_connected = 467,          ///< configure before connect
    unknown_interview = 470,      ///< no interview with that id
    invalid_token = 471,          ///< the token is not valid
    token_other_interview = 472,  ///< a valid token, but of another interview
    too_early = 473,              ///< the room is not open yet (see opens_at)
    interview_ended = 474,        ///< the interview is over (end plus grace has passed)
    interview_cancelled = 475,    ///< the interview was cancelled
    token_revoked = 476,          ///< this participant's token was revoked
    room_full = 477,              ///< max_participants handles have joined already
    service_unavailable = 478,    ///< the interview service could not be asked: fail closed
    forbidden_for_role = 479,     ///< the participant's role may not do this
    invalid_operation = 480,      ///< an edit that cannot apply (reason: the OT engine's code)
    message_too_large = 481,      ///< a data-channel message over max_message_bytes
    rate_limited = 482,           ///< over a per-member rate limit: resend later, same seq
    storage_unavailable = 483,    ///< Redis is unreachable: edits are paused; resend later
    read_only = 484,              ///< the interview has ended: the document is read-only
    revision_too_old = 485,       ///< the op's revision is older than the kept log: resync
    hello_required = 486,         ///< a document message before this channel's hello
    internal_error = 499,         ///< a bug: reported, logged, nothing changed
};

/// Stable snake_case name of a code, as sent in the "error" field.
const char* error_name(ErrorCode code);

struct ApiError {
    ErrorCode code;
    std::string message;  ///< for humans: says what was wrong and what is expected
    /// Machine-readable extras sent as string fields next to the code (e.g. opens_at).
    std::vector<std::pair<std::string, std::string>> details = {};
};

/// {"interview":"error","error_code":462,"error":"invalid_field","message":"...", details...}
JsonPtr error_event(const ApiError& error);

}  // namespace interview::protocol
