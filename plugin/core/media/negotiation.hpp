// What each m-line of a client's offer becomes in the plugin's answer. The plugin's media design
// (docs/PROTOCOL.md, `connect`): one PeerConnection per participant, the first sending audio and
// video m-lines are its microphone and camera, every recvonly audio or video m-line is a receive
// slot that other participants' media is forwarded into. Nothing is renegotiated later.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "api/errors.hpp"

namespace interview::media {

enum class MediaKind { audio, video, data, other };
enum class Direction { sendrecv, sendonly, recvonly, inactive };

const char* kind_name(MediaKind kind);  ///< "audio", "video", "data", "other"

/// One m-line of the offer, as the Janus layer read it from the SDP.
struct OfferedLine {
    int index = 0;
    std::string mid;
    MediaKind kind = MediaKind::other;
    Direction direction = Direction::sendrecv;
    bool port_zero = false;       ///< the offerer itself disabled it
    bool has_room_codec = false;  ///< offers Opus (audio) or the room's video codec (video)
};

enum class LineUse {
    data,     ///< the data channel
    publish,  ///< the participant's microphone or camera: answered recvonly
    slot,     ///< a receive slot: answered sendonly, carries another participant's media
    reject,   ///< answered with port 0
};

struct PlannedLine {
    OfferedLine offered;
    LineUse use = LineUse::reject;
};

struct MediaPlan {
    std::vector<PlannedLine> lines;  ///< one per offered m-line, in order

    bool publishes(MediaKind kind) const;
    /// Two plans take the same media the same way (a repeated offer of the same layout).
    bool same_layout(const MediaPlan& other) const;
};

/// Decides the answer. `may_publish` is false for observers: an observer's offer that would send
/// audio or video is refused (forbidden_for_role) rather than silently trimmed, so that a client
/// bug shows. `max_slots` caps receive slots per kind (max_participants - 1). An offer without a
/// data channel is refused (invalid_field): the data channel is what the room is for.
std::variant<MediaPlan, protocol::ApiError> plan_answer(const std::vector<OfferedLine>& offer,
                                                        bool may_publish, int max_slots);

}  // namespace interview::media
