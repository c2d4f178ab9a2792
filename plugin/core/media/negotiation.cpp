#include "media/negotiation.hpp"

namespace interview::media {

const char* kind_name(MediaKind kind) {
    switch (kind) {
        case MediaKind::audio:
            return "audio";
        case MediaKind::video:
            return "video";
        case MediaKind::data:
            return "data";
        case MediaKind::other:
            break;
    }
    return "other";
}

bool MediaPlan::publishes(MediaKind kind) const {
    for (const auto& line : lines) {
        if (line.use == LineUse::publish && line.offered.kind == kind) {
            return true;
        }
    }
    return false;
}

bool MediaPlan::same_layout(const MediaPlan& other) const {
    if (lines.size() != other.lines.size()) {
        return false;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].use != other.lines[i].use ||
            lines[i].offered.kind != other.lines[i].offered.kind ||
            lines[i].offered.mid != other.lines[i].offered.mid) {
            return false;
        }
    }
    return true;
}

std::variant<MediaPlan, protocol::ApiError> plan_answer(const std::vector<OfferedLine>& offer,
                                                        bool may_publish, int max_slots) {
    MediaPlan plan;
    bool has_data = false;
    bool published_audio = false;
    bool published_video = false;
    int audio_slots = 0;
    int video_slots = 0;
    for (const auto& line : offer) {
        PlannedLine planned{line, LineUse::reject};
        const bool media = line.kind == MediaKind::audio || line.kind == MediaKind::video;
        const bool sends =
            line.direction == Direction::sendrecv || line.direction == Direction::sendonly;
        if (line.port_zero) {
            // stays rejected
        } else if (line.kind == MediaKind::data) {
            if (!has_data) {
                has_data = true;
                planned.use = LineUse::data;
            }
        } else if (media && sends) {
            if (!may_publish) {
                return protocol::ApiError{
                    protocol::ErrorCode::forbidden_for_role,
                    "observers receive audio and video but do not send them: offer recvonly media"};
            }
            bool& taken = line.kind == MediaKind::audio ? published_audio : published_video;
            if (!taken && line.has_room_codec) {
                taken = true;
                planned.use = LineUse::publish;
            }
        } else if (media && line.direction == Direction::recvonly && line.has_room_codec) {
            int& count = line.kind == MediaKind::audio ? audio_slots : video_slots;
            if (count < max_slots) {
                ++count;
                planned.use = LineUse::slot;
            }
        }
        plan.lines.push_back(std::move(planned));
    }
    if (!has_data) {
        return protocol::ApiError{protocol::ErrorCode::invalid_field,
                                  "the offer must include a data channel"};
    }
    return plan;
}

}  // namespace interview::media
