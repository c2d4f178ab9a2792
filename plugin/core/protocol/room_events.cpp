#include "protocol/room_events.hpp"

namespace interview::protocol {

JsonPtr participant_json(const access::Participant& p) {
    JsonPtr obj(json_object());
    json_object_set_new(obj.get(), "id", json_string(p.id.c_str()));
    json_object_set_new(obj.get(), "name", json_string(p.name.c_str()));
    json_object_set_new(obj.get(), "role", json_string(access::role_name(p.role)));
    return obj;
}

JsonPtr joined_event(const access::Verification& v, const access::Window& window,
                     const std::vector<room::Member>& others, access::UnixSeconds now,
                     int max_participants) {
    JsonPtr event(json_object());
    json_t* e = event.get();
    json_object_set_new(e, "interview", json_string("joined"));
    json_object_set_new(e, "interview_id", json_string(v.interview_id.c_str()));
    json_object_set_new(e, "title", json_string(v.title.c_str()));
    json_object_set_new(e, "start", json_string(access::format_rfc3339(v.start).c_str()));
    json_object_set_new(e, "end", json_string(access::format_rfc3339(v.end).c_str()));
    json_object_set_new(e, "opens_at",
                        json_string(access::format_rfc3339(window.opens_at).c_str()));
    json_object_set_new(e, "closes_at",
                        json_string(access::format_rfc3339(window.closes_at).c_str()));
    json_object_set_new(e, "server_time", json_string(access::format_rfc3339(now).c_str()));
    json_object_set_new(e, "you", participant_json(v.participant).release());
    json_t* list = json_array();
    for (const room::Member& m : others) {
        json_array_append_new(list, participant_json(m.participant).release());
    }
    json_object_set_new(e, "participants", list);
    json_object_set_new(e, "max_participants", json_integer(max_participants));
    return event;
}

JsonPtr room_event(const char* name, const std::string& interview_id,
                   const access::Participant* participant, const char* reason) {
    JsonPtr event(json_object());
    json_object_set_new(event.get(), "interview", json_string("event"));
    json_object_set_new(event.get(), "event", json_string(name));
    json_object_set_new(event.get(), "interview_id", json_string(interview_id.c_str()));
    if (participant != nullptr) {
        json_object_set_new(event.get(), "participant", participant_json(*participant).release());
    }
    if (reason != nullptr) {
        json_object_set_new(event.get(), "reason", json_string(reason));
    }
    return event;
}

}  // namespace interview::protocol
