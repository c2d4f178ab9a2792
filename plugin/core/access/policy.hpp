// Who may enter an interview's room, when, and what each role may do there. The interview
// service says who a token belongs to and when the interview is; this policy decides, with the
// plugin's own clock and settings, whether that participant may enter now.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "contract/roles.hpp"
#include "contract/time.hpp"
#include "api/errors.hpp"

namespace interview::access {

/// An observer sees and hears everyone, is seen by nobody and never edits.
inline bool may_publish(Role role) {
    return role != Role::observer;
}
inline bool may_edit(Role role) {
    return role != Role::observer;
}
/// Ending the interview for everyone is the recruiter's call.
inline bool may_end_interview(Role role) {
    return role == Role::recruiter;
}

struct Participant {
    std::string id;
    std::string name;
    Role role = Role::observer;
};

/// The service's answer to "may this token enter this interview?" (POST /v1/verify).
struct Verification {
    Participant participant;
    std::string interview_id;
    std::string title;
    UnixSeconds start = 0;
    UnixSeconds end = 0;
    std::string status;  ///< scheduled | open | ended | cancelled, as the service sees it
};

/// Reads the service's HTTP answer. A 200 must carry a well-formed body for the interview that
/// was asked about; the service's error codes map onto the plugin's; anything else (5xx, bad
/// JSON, a missing field) is `service_unavailable`: the plugin fails closed.
std::variant<Verification, protocol::ApiError> parse_verify_response(
    long http_status, const std::string& body, const std::string& asked_interview_id);

/// A fresh answer of the service about a token whose holder is in the room as `participant_id`:
/// why that holder must leave now, or nullopt to stay. Only the service's definitive word about
/// the token ends a membership: revoked, no longer valid (replaced by a new one, or deleted),
/// another interview's, or now naming someone else (`invalid_token`). An unreachable or failing
/// service does not: failing closed is for entering, and a blip must not empty every room.
std::optional<protocol::ErrorCode> recheck_verdict(
    const std::variant<Verification, protocol::ApiError>& answer,
    const std::string& participant_id);

/// The join window: open from `start - early_join_minutes` until `end + grace_minutes`.
struct Window {
    UnixSeconds opens_at = 0;
    UnixSeconds closes_at = 0;  ///< first second at which nobody is admitted any more
};

Window join_window(UnixSeconds start, UnixSeconds end, int early_join_minutes, int grace_minutes);

/// Admits or refuses a verified participant at `now`: `too_early` (its message names opens_at),
/// `interview_ended`, `interview_cancelled`; nullopt means admitted.
std::optional<protocol::ApiError> admission_error(const Verification& verification, UnixSeconds now,
                                                  int early_join_minutes, int grace_minutes);

}  // namespace interview::access
