// The media part of the plugin API's events (docs/PROTOCOL.md: `connect`, `configure`, the
// `media` event, `slow_link`).
#pragma once

#include <cstdint>
#include <string>

#include "json_ptr.hpp"
#include "media/media_room.hpp"
#include "media/negotiation.hpp"

namespace interview::protocol {

/// {"interview":"connected","published":{"audio","video"},"slots":[{"mid","type"}, ...]}
JsonPtr connected_event(const media::MediaPlan& plan);

/// {"interview":"event","event":"media","interview_id","publishers":[...],"streams":[...]}
JsonPtr media_event(const std::string& interview_id, const media::MediaView& view);

/// {"interview":"event","event":"configured","audio":bool,"video":bool} (true: sending)
JsonPtr configured_event(bool audio, bool video);

/// {"interview":"event","event":"slow_link","direction","type","bitrate_cap"?,
/// "participant_id"?}: `bitrate_cap` when a cap was lowered (0: none); `participant_id`
/// (`sender_id`, empty: none) for a downlink, the publisher whose cap it was.
JsonPtr slow_link_event(bool uplink, bool video, std::uint32_t bitrate_cap,
                        const std::string& sender_id = {});

}  // namespace interview::protocol
