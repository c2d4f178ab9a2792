// The media path: handles enter and leave their interview's media room, RTP from a publisher is
// relayed into the receive slots that show it, keyframe requests and bitrate caps go back to the
// publisher, and every change reaches the clients as a `media` event. The decisions are the
// core's (media::MediaRoom); this file carries them out through Janus's callbacks. Everything here
// but configure runs on Janus's per-connection loop threads: nothing may block.
#include <chrono>

#include "live_media_room.hpp"
#include "protocol/media_events.hpp"
#include "runtime.hpp"

namespace interview::janus {

namespace {

std::int64_t monotonic_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

/// What a media change asks for, gathered under the room's lock and carried out after it.
struct Runtime::MediaEffects {
    std::vector<std::pair<SessionPtr, JsonPtr>> events;
    std::vector<std::pair<SessionPtr, int>> keyframes;  // publisher, its video m-line
};

Runtime::MediaEffects Runtime::collect(LiveMediaRoom& room, const media::MediaChanges& changes) {
    MediaEffects effects;
    for (room::SessionKey key : changes.notify) {
        auto it = room.members.find(key);
        if (auto session = it != room.members.end() ? it->second.lock() : nullptr) {
            effects.events.emplace_back(
                session, protocol::media_event(room.interview_id, room.room.view(key)));
        }
    }
    for (room::SessionKey key : changes.keyframes) {
        auto it = room.members.find(key);
        const int mindex = room.room.video_mindex(key);
        if (auto session = it != room.members.end() ? it->second.lock() : nullptr;
            session && mindex >= 0) {
            effects.keyframes.emplace_back(session, mindex);
        }
    }
    return effects;
}

void Runtime::deliver(const MediaEffects& effects) {
    for (const auto& [session, mindex] : effects.keyframes) {
        gateway_->send_pli_stream(session->handle(), mindex);
    }
    for (const auto& [session, event] : effects.events) {
        if (!session->destroyed()) {
            push_event(*session, "", event.get());  // no JSEP: never blocks
        }
    }
}

void Runtime::register_media(const SessionPtr& session, const std::string& interview_id,
                             media::PeerMedia peer) {
    drop_media(*session);
    std::shared_ptr<LiveMediaRoom> room;
    {
        std::lock_guard lock(media_rooms_mutex_);
        auto& slot = media_rooms_[interview_id];
        if (!slot) {
            media::MediaSettings settings;
            settings.bitrate_cap_bps = static_cast<std::uint32_t>(settings_.video_bitrate_cap);
            settings.keyframe_min_interval_us =
                std::int64_t{settings_.keyframe_min_interval_ms} * 1000;
            slot = std::make_shared<LiveMediaRoom>(interview_id, settings);
        }
        room = slot;
        std::lock_guard room_lock(room->mutex);
        room->members[session->key()] = session;
        room->room.add(std::move(peer));
    }
    session->set_media_room(room);
    if (session->destroyed() || !session->membership()) {
        // A leave or destroy_session ran while this connect was being answered: their
        // drop_media came before the registration above, so undo it here (no ghost publisher).
        drop_media(*session);
        return;
    }
    if (session->media_up()) {
        // The PeerConnection came up before the answer was registered (Janus may do that).
        start_media(*session);
    }
}

void Runtime::start_media(Session& session) {
    auto room = session.media_room();
    if (!room) {
        return;
    }
    MediaEffects effects;
    {
        std::lock_guard lock(room->mutex);
        effects = collect(*room, room->room.set_up(session.key(), monotonic_us()));
    }
    deliver(effects);
}

void Runtime::drop_media(Session& session) {
    auto room = session.media_room();
    if (!room) {
        return;
    }
    session.set_media_room(nullptr);
    MediaEffects effects;
    bool empty = false;
    {
        std::lock_guard lock(room->mutex);
        effects = collect(*room, room->room.remove(session.key(), monotonic_us()));
        room->members.erase(session.key());
        empty = room->room.empty();
    }
    if (empty) {
        std::lock_guard lock(media_rooms_mutex_);
        auto it = media_rooms_.find(room->interview_id);
        if (it != media_rooms_.end() && it->second == room) {
            std::lock_guard room_lock(room->mutex);
            if (room->room.empty()) {
                media_rooms_.erase(it);
            }
        }
    }
    deliver(effects);
}

void Runtime::configure(const SessionPtr& session, const std::string& transaction,
                        const protocol::ConfigureRequest& request) {
    auto room = session->media_room();
    if (!room) {
        push_error(*session, transaction,
                   {protocol::ErrorCode::not_connected, "'configure' needs 'connect' first"},
                   "configure");
        return;
    }
    MediaEffects effects;
    bool audio = true;
    bool video = true;
    {
        std::lock_guard lock(room->mutex);
        const auto changes = room->room.set_muted(
            session->key(), request.audio ? std::optional(!*request.audio) : std::nullopt,
            request.video ? std::optional(!*request.video) : std::nullopt, monotonic_us());
        effects = collect(*room, changes);
        const auto state = room->room.muted(session->key());
        audio = !state.first;
        video = !state.second;
    }
    push_event(*session, transaction, protocol::configured_event(audio, video).get());
    deliver(effects);
}

void Runtime::send_remb(janus_plugin_session* handle, int mindex, std::uint32_t bitrate) {
    if (mindex < 0) {
        return;
    }
    auto remb = media::make_remb(bitrate);
    janus_plugin_rtcp packet{};
    packet.mindex = mindex;
    packet.video = TRUE;
    packet.buffer = reinterpret_cast<char*>(remb.data());
    packet.length = static_cast<uint16_t>(remb.size());
    gateway_->relay_rtcp(handle, &packet);  // Janus sets the SSRCs of that m-line
}

void Runtime::setup_media(janus_plugin_session* handle) {
    if (auto session = find(handle)) {
        session->set_media_up(true);
        // A new PeerConnection has an empty queue: whatever the last one held back is gone, and
        // the document must stop treating this member as behind (its hello brings it up to date).
        session->queued_bytes().store(0);
        session->over_budget_since_ms().store(0);
        if (session->held_back().exchange(false) && session->membership()) {
            hub_->drained(session->key());
        }
        start_media(*session);
    }
}

void Runtime::hangup_media(janus_plugin_session* handle) {
    if (auto session = find(handle)) {
        session->set_media_up(false);
        drop_media(*session);
        session->end_connect();
        // A member whose PeerConnection closed (disconnected as a slow consumer, ICE failed)
        // stays in the room and may connect again on this handle: nothing may be sent on the
        // next PeerConnection before its hello (Janus would open its own "interview" channel,
        // colliding with the client's).
        if (session->membership()) {
            hub_->channel_closed(session->key());
        }
    }
}

void Runtime::incoming_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet) {
    if (packet == nullptr || packet->buffer == nullptr) {
        return;
    }
    auto session = find(handle);
    auto room = session ? session->media_room() : nullptr;
    if (!room) {
        return;
    }
    auto* data = reinterpret_cast<std::uint8_t*>(packet->buffer);
    const auto original = media::RtpHeader::parse(data, packet->length);
    if (!original) {
        return;
    }
    const std::int64_t now = monotonic_us();
    bool keyframe = false;
    std::optional<std::uint32_t> remb;
    int video_mindex = -1;
    {
        std::lock_guard lock(room->mutex);
        const auto track = room->room.forwarded_track(session->key(), packet->mindex);
        if (!track || track->second.payload_type != original->payload_type) {
            return;  // muted, not a publish m-line, or a payload type it did not negotiate
        }
        const media::MediaKind kind = track->first;
        if (kind == media::MediaKind::video) {
            room->room.video_arrived(session->key(), original->sequence, now);
            keyframe = room->room.keyframe_due(session->key(), now);
            remb = room->room.remb_due(session->key(), now);
            video_mindex = packet->mindex;
        }
        room->room.for_each_destination(session->key(), kind, [&](const media::Destination& to) {
            auto it = room->members.find(to.receiver);
            auto receiver = it != room->members.end() ? it->second.lock() : nullptr;
            if (!receiver || receiver->destroyed()) {
                return;
            }
            media::RtpHeader header = *original;
            to.rewriter->rewrite(header, now);
            header.payload_type = to.track.payload_type;
            header.write_to(data);
            janus_plugin_rtp out = *packet;
            out.mindex = to.track.mindex;
            gateway_->relay_rtp(receiver->handle(), &out);  // copies the packet
        });
        original->write_to(data);  // the buffer is Janus's: leave it as it came
    }
    if (keyframe) {
        gateway_->send_pli_stream(handle, video_mindex);
    }
    if (remb) {
        send_remb(handle, video_mindex, *remb);
    }
}

void Runtime::incoming_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet) {
    if (packet == nullptr || packet->buffer == nullptr || !packet->video ||
        !media::rtcp_requests_keyframe(reinterpret_cast<const std::uint8_t*>(packet->buffer),
                                       packet->length)) {
        return;
    }
    auto session = find(handle);
    auto room = session ? session->media_room() : nullptr;
    if (!room) {
        return;
    }
    SessionPtr publisher;
    int mindex = -1;
    {
        std::lock_guard lock(room->mutex);
        room::SessionKey key = 0;
        if (room->room.keyframe_requested(session->key(), packet->mindex, monotonic_us(), key)) {
            auto it = room->members.find(key);
            publisher = it != room->members.end() ? it->second.lock() : nullptr;
            mindex = room->room.video_mindex(key);
        }
    }
    if (publisher && mindex >= 0) {
        gateway_->send_pli_stream(publisher->handle(), mindex);
    }
}

void Runtime::slow_link(janus_plugin_session* handle, int mindex, bool video, bool janus_uplink) {
    auto session = find(handle);
    auto room = session ? session->media_room() : nullptr;
    if (!room) {
        return;
    }
    // Janus names the direction from its own side: its uplink (Janus to peer) is the
    // participant's downlink. Events and decisions here speak from the participant's side.
    const bool uplink = !janus_uplink;
    std::uint32_t cap = 0;
    std::string sender_id;  // a downlink's: whose video was slow to arrive
    if (video) {
        std::lock_guard lock(room->mutex);
        if (!uplink) {
            // The publisher's next packet brings it the lowered REMB (remb_due).
            if (auto lowered = room->room.slow_downlink(session->key(), mindex, monotonic_us())) {
                cap = lowered->cap_bps;
                sender_id = lowered->participant_id;
            }
        } else if (room->room.video_mindex(session->key()) == mindex) {
            cap = room->room.slow_uplink(session->key(), monotonic_us());
        }
    }
    IV_LOG(LOG_VERB, "slow %s %s link on handle %llu", uplink ? "up" : "down",
           video ? "video" : "audio", static_cast<unsigned long long>(session->key()));
    if (cap > 0 && uplink) {
        send_remb(handle, mindex, cap);
    }
    push_event(*session, "", protocol::slow_link_event(uplink, video, cap, sender_id).get());
}

}  // namespace interview::janus
