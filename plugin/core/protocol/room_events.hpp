// Events about the room: the answer to a successful join, and what the others are told when
// someone joins, leaves or is replaced, or when the interview's time is over.
#pragma once

#include <string>
#include <vector>

#include "access/policy.hpp"
#include "json_ptr.hpp"
#include "room/registry.hpp"

namespace interview::protocol {

/// {"id","name","role"}
JsonPtr participant_json(const access::Participant& participant);

/// {"interview":"joined","interview_id","title","start","end","opens_at","closes_at",
///  "server_time","you":{...},"participants":[{...}, ...],"max_participants"} (participants:
///  the others; max_participants tells a client how many receive slots to offer).
JsonPtr joined_event(const access::Verification& verification, const access::Window& window,
                     const std::vector<room::Member>& others, access::UnixSeconds now,
                     int max_participants);

/// {"interview":"event","event":<name>,"interview_id":...,"participant":{...}?,"reason":...?}
/// Names: participant_joined, participant_left, replaced, left, interview_over.
JsonPtr room_event(const char* name, const std::string& interview_id,
                   const access::Participant* participant, const char* reason = nullptr);

}  // namespace interview::protocol
