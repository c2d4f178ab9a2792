#include "protocol/media_events.hpp"

#include "protocol/room_events.hpp"

namespace interview::protocol {

JsonPtr connected_event(const media::MediaPlan& plan) {
    JsonPtr event(json_object());
    json_object_set_new(event.get(), "interview", json_string("connected"));
    json_t* published = json_object();
    json_object_set_new(published, "audio", json_boolean(plan.publishes(media::MediaKind::audio)));
    json_object_set_new(published, "video", json_boolean(plan.publishes(media::MediaKind::video)));
    json_object_set_new(event.get(), "published", published);
    json_t* slots = json_array();
    for (const auto& line : plan.lines) {
        if (line.use == media::LineUse::slot) {
            json_array_append_new(slots, json_pack("{ssss}", "mid", line.offered.mid.c_str(),
                                                   "type", media::kind_name(line.offered.kind)));
        }
    }
    json_object_set_new(event.get(), "slots", slots);
    return event;
}

JsonPtr media_event(const std::string& interview_id, const media::MediaView& view) {
    JsonPtr event(json_object());
    json_object_set_new(event.get(), "interview", json_string("event"));
    json_object_set_new(event.get(), "event", json_string("media"));
    json_object_set_new(event.get(), "interview_id", json_string(interview_id.c_str()));
    json_t* publishers = json_array();
    for (const auto& p : view.publishers) {
        json_t* entry = json_object();
        json_object_set_new(entry, "participant", participant_json(p.participant).release());
        json_object_set_new(entry, "audio", json_boolean(p.audio));
        json_object_set_new(entry, "video", json_boolean(p.video));
        json_object_set_new(entry, "audio_muted", json_boolean(p.audio_muted));
        json_object_set_new(entry, "video_muted", json_boolean(p.video_muted));
        json_array_append_new(publishers, entry);
    }
    json_object_set_new(event.get(), "publishers", publishers);
    json_t* streams = json_array();
    for (const auto& s : view.streams) {
        json_array_append_new(
            streams, json_pack("{ssssss}", "mid", s.mid.c_str(), "type", media::kind_name(s.kind),
                               "participant_id", s.participant_id.c_str()));
    }
    json_object_set_new(event.get(), "streams", streams);
    return event;
}

JsonPtr configured_event(bool audio, bool video) {
    return JsonPtr(json_pack("{sssssbsb}", "interview", "event", "event", "configured", "audio",
                             audio, "video", video));
}

JsonPtr slow_link_event(bool uplink, bool video, std::uint32_t bitrate_cap,
                        const std::string& sender_id) {
    JsonPtr event(json_pack("{ssssssss}", "interview", "event", "event", "slow_link", "direction",
                            uplink ? "uplink" : "downlink", "type", video ? "video" : "audio"));
    if (bitrate_cap > 0) {
        json_object_set_new(event.get(), "bitrate_cap", json_integer(bitrate_cap));
    }
    if (!sender_id.empty()) {
        json_object_set_new(event.get(), "participant_id", json_string(sender_id.c_str()));
    }
    return event;
}

}  // namespace interview::protocol
