#include "protocol/events.hpp"

namespace interview::protocol {

JsonPtr info_event(const config::Settings& settings) {
    JsonPtr event(json_object());
    json_object_set_new(event.get(), "interview", json_string("info"));
    json_object_set_new(event.get(), "version", json_string(INTERVIEW_VERSION_STRING));
    json_object_set_new(event.get(), "version_number", json_integer(INTERVIEW_VERSION_NUMBER));
    json_object_set_new(event.get(), "settings", settings.to_json().release());
    return event;
}

JsonPtr admin_info(const config::Settings& settings, const RuntimeStats& stats) {
    JsonPtr info = info_event(settings);
    json_object_set_new(info.get(), "sessions",
                        json_integer(static_cast<json_int_t>(stats.sessions)));
    json_object_set_new(info.get(), "rooms", json_integer(static_cast<json_int_t>(stats.rooms)));
    json_object_set_new(info.get(), "media_rooms",
                        json_integer(static_cast<json_int_t>(stats.media_rooms)));
    json_object_set_new(info.get(), "queued_requests",
                        json_integer(static_cast<json_int_t>(stats.queued_requests)));
    json_object_set_new(info.get(), "uptime_seconds", json_integer(stats.uptime_seconds));
    return info;
}

}  // namespace interview::protocol
