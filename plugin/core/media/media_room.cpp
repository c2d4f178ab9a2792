#include "media/media_room.hpp"

#include <algorithm>

namespace interview::media {

namespace {

constexpr std::uint32_t kAudioClock = 48000;  // Opus
constexpr std::uint32_t kVideoClock = 90000;  // every video codec over RTP

void add_unique(std::vector<SessionKey>& keys, SessionKey key) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        keys.push_back(key);
    }
}

}  // namespace

MediaRoom::Peer* MediaRoom::find(SessionKey key) {
    for (auto& peer : peers_) {
        if (peer.media.key == key) {
            return &peer;
        }
    }
    return nullptr;
}

const MediaRoom::Peer* MediaRoom::find(SessionKey key) const {
    return const_cast<MediaRoom*>(this)->find(key);
}

std::vector<SessionKey> MediaRoom::keys() const {
    std::vector<SessionKey> keys;
    for (const auto& peer : peers_) {
        keys.push_back(peer.media.key);
    }
    return keys;
}

MediaChanges MediaRoom::add(PeerMedia media) {
    MediaChanges changes;
    if (find(media.key) != nullptr) {
        changes = remove(media.key, 0);
    }
    Peer peer;
    peer.media = std::move(media);
    peer.cap_bps = settings_.bitrate_cap_bps;
    for (const auto& spec : peer.media.slots) {
        peer.slots.push_back(
            Slot{spec, std::nullopt,
                 RtpRewriter(spec.kind == MediaKind::audio ? kAudioClock : kVideoClock)});
    }
    peers_.push_back(std::move(peer));
    return changes;
}

MediaChanges MediaRoom::set_up(SessionKey key, std::int64_t now_us) {
    MediaChanges changes;
    Peer* peer = find(key);
    if (peer == nullptr || peer->up) {
        return changes;
    }
    peer->up = true;
    peer->up_order = next_up_order_++;
    peer->next_remb_us = now_us;
    peer->last_cap_change_us = now_us;
    // Everyone's list of publishers may have changed, and the newcomer needs its first view.
    notify_all(changes);
    assign(changes, now_us);
    return changes;
}

MediaChanges MediaRoom::remove(SessionKey key, std::int64_t now_us) {
    MediaChanges changes;
    auto it = std::find_if(peers_.begin(), peers_.end(),
                           [key](const Peer& p) { return p.media.key == key; });
    if (it == peers_.end()) {
        return changes;
    }
    const bool was_up = it->up;
    peers_.erase(it);
    if (was_up) {
        notify_all(changes);
        assign(changes, now_us);
    }
    return changes;
}

MediaChanges MediaRoom::set_muted(SessionKey key, std::optional<bool> audio_muted,
                                  std::optional<bool> video_muted, std::int64_t now_us) {
    MediaChanges changes;
    Peer* peer = find(key);
    if (peer == nullptr) {
        return changes;
    }
    const bool audio_changed = audio_muted && *audio_muted != peer->audio_muted;
    const bool video_changed = video_muted && *video_muted != peer->video_muted;
    if (!audio_changed && !video_changed) {
        return changes;
    }
    if (audio_changed) {
        peer->audio_muted = *audio_muted;
    }
    if (video_changed) {
        peer->video_muted = *video_muted;
    }
    // Packets stop while muted: the slots continue their numbering from where they stopped
    // instead of leaving a gap receivers would ask retransmissions for.
    for (auto& receiver : peers_) {
        for (auto& slot : receiver.slots) {
            const bool affected =
                slot.source == key && ((audio_changed && slot.spec.kind == MediaKind::audio) ||
                                       (video_changed && slot.spec.kind == MediaKind::video));
            if (affected) {
                slot.rewriter.reset_source();
            }
        }
    }
    if (video_changed && !peer->video_muted && peer->up) {
        ask_keyframe(*peer, now_us, changes);  // receivers need a keyframe to show it again
    }
    if (peer->up) {
        notify_all(changes);
    }
    return changes;
}

void MediaRoom::notify_all(MediaChanges& changes) const {
    for (const auto& peer : peers_) {
        if (peer.up) {
            add_unique(changes.notify, peer.media.key);
        }
    }
}

void MediaRoom::assign(MediaChanges& changes, std::int64_t now_us) {
    std::vector<Peer*> publishers;
    for (auto& peer : peers_) {
        if (peer.up && (peer.media.audio || peer.media.video)) {
            publishers.push_back(&peer);
        }
    }
    std::sort(publishers.begin(), publishers.end(),
              [](const Peer* a, const Peer* b) { return a->up_order < b->up_order; });
    for (auto& receiver : peers_) {
        if (!receiver.up) {
            continue;
        }
        for (MediaKind kind : {MediaKind::audio, MediaKind::video}) {
            // Keep what still holds; free the slots whose publisher is gone.
            std::vector<SessionKey> shown;
            for (auto& slot : receiver.slots) {
                if (slot.spec.kind != kind || !slot.source) {
                    continue;
                }
                const Peer* source = find(*slot.source);
                if (source == nullptr || !source->publishes(kind) ||
                    *slot.source == receiver.media.key) {
                    slot.source.reset();
                    add_unique(changes.notify, receiver.media.key);
                } else {
                    shown.push_back(*slot.source);
                }
            }
            for (Peer* publisher : publishers) {
                const SessionKey key = publisher->media.key;
                if (key == receiver.media.key || !publisher->publishes(kind) ||
                    std::find(shown.begin(), shown.end(), key) != shown.end()) {
                    continue;
                }
                auto free = std::find_if(
                    receiver.slots.begin(), receiver.slots.end(),
                    [kind](const Slot& s) { return s.spec.kind == kind && !s.source; });
                if (free == receiver.slots.end()) {
                    break;  // no slot left of this kind: the rest wait for one to free up
                }
                free->source = key;
                free->rewriter.reset_source();
                shown.push_back(key);
                add_unique(changes.notify, receiver.media.key);
                if (kind == MediaKind::video) {
                    ask_keyframe(*publisher, now_us, changes);
                }
            }
        }
    }
}

void MediaRoom::ask_keyframe(Peer& publisher, std::int64_t now_us, MediaChanges& changes) {
    if (now_us - publisher.last_keyframe_us >= settings_.keyframe_min_interval_us) {
        publisher.last_keyframe_us = now_us;
        publisher.keyframe_pending = false;
        add_unique(changes.keyframes, publisher.media.key);
    } else {
        publisher.keyframe_pending = true;
    }
}

std::optional<std::pair<MediaKind, Track>> MediaRoom::forwarded_track(SessionKey publisher,
                                                                      int mindex) const {
    const Peer* peer = find(publisher);
    if (peer == nullptr || !peer->up) {
        return std::nullopt;
    }
    if (peer->media.audio && peer->media.audio->mindex == mindex && !peer->audio_muted) {
        return std::make_pair(MediaKind::audio, *peer->media.audio);
    }
    if (peer->media.video && peer->media.video->mindex == mindex && !peer->video_muted) {
        return std::make_pair(MediaKind::video, *peer->media.video);
    }
    return std::nullopt;
}

std::vector<Destination> MediaRoom::destinations(SessionKey publisher, MediaKind kind) {
    std::vector<Destination> out;
    for_each_destination(publisher, kind, [&out](const Destination& d) { out.push_back(d); });
    return out;
}

bool MediaRoom::keyframe_requested(SessionKey receiver, int mindex, std::int64_t now_us,
                                   SessionKey& publisher) {
    Peer* peer = find(receiver);
    if (peer == nullptr) {
        return false;
    }
    for (const auto& slot : peer->slots) {
        if (slot.spec.track.mindex == mindex && slot.spec.kind == MediaKind::video && slot.source) {
            Peer* source = find(*slot.source);
            if (source == nullptr) {
                return false;
            }
            MediaChanges changes;
            ask_keyframe(*source, now_us, changes);
            publisher = source->media.key;
            return !changes.keyframes.empty();
        }
    }
    return false;
}

bool MediaRoom::keyframe_due(SessionKey publisher, std::int64_t now_us) {
    Peer* peer = find(publisher);
    if (peer == nullptr || !peer->keyframe_pending ||
        now_us - peer->last_keyframe_us < settings_.keyframe_min_interval_us) {
        return false;
    }
    peer->keyframe_pending = false;
    peer->last_keyframe_us = now_us;
    return true;
}

std::optional<std::uint32_t> MediaRoom::remb_due(SessionKey publisher, std::int64_t now_us) {
    Peer* peer = find(publisher);
    if (peer == nullptr || !peer->up || !peer->media.video || now_us < peer->next_remb_us) {
        return std::nullopt;
    }
    if (peer->cap_bps < settings_.bitrate_cap_bps &&
        now_us - peer->last_cap_change_us >= settings_.bitrate_recovery_us) {
        const std::uint64_t grown = std::uint64_t{peer->cap_bps} * 5 / 4;
        peer->cap_bps =
            static_cast<std::uint32_t>(std::min<std::uint64_t>(grown, settings_.bitrate_cap_bps));
        peer->last_cap_change_us = now_us;
    }
    peer->next_remb_us = now_us + settings_.remb_every_us;
    return peer->cap_bps;
}

std::uint32_t MediaRoom::slow_uplink(SessionKey publisher, std::int64_t now_us) {
    Peer* peer = find(publisher);
    if (peer == nullptr) {
        return 0;
    }
    peer->cap_bps = std::max(settings_.bitrate_floor_bps, peer->cap_bps / 2);
    peer->last_cap_change_us = now_us;
    peer->next_remb_us = now_us;  // tell it at once
    return peer->cap_bps;
}

void MediaRoom::video_arrived(SessionKey publisher, std::uint16_t sequence, std::int64_t now_us) {
    Peer* peer = find(publisher);
    if (peer == nullptr) {
        return;
    }
    if (peer->last_video_sequence) {
        const auto ahead = static_cast<std::uint16_t>(sequence - *peer->last_video_sequence);
        if (ahead == 0 || ahead >= 0x8000) {
            return;  // a duplicate, or late (reordered): not news
        }
        if (ahead > 1) {
            peer->last_uplink_loss_us = now_us;
        }
    }
    peer->last_video_sequence = sequence;
}

std::optional<MediaRoom::LoweredCap> MediaRoom::slow_downlink(SessionKey receiver, int mindex,
                                                              std::int64_t now_us) {
    Peer* peer = find(receiver);
    if (peer == nullptr) {
        return std::nullopt;
    }
    for (const Slot& slot : peer->slots) {
        if (slot.spec.track.mindex != mindex || slot.spec.kind != MediaKind::video ||
            !slot.source) {
            continue;
        }
        const Peer* publisher = find(*slot.source);
        if (publisher == nullptr ||
            now_us - publisher->last_uplink_loss_us < settings_.upstream_loss_window_us) {
            return std::nullopt;
        }
        return LoweredCap{*slot.source, publisher->media.participant.id,
                          slow_uplink(*slot.source, now_us)};
    }
    return std::nullopt;
}

int MediaRoom::video_mindex(SessionKey publisher) const {
    const Peer* peer = find(publisher);
    return peer != nullptr && peer->media.video ? peer->media.video->mindex : -1;
}

std::pair<bool, bool> MediaRoom::muted(SessionKey key) const {
    const Peer* peer = find(key);
    return peer != nullptr ? std::make_pair(peer->audio_muted, peer->video_muted)
                           : std::make_pair(false, false);
}

MediaView MediaRoom::view(SessionKey receiver) const {
    MediaView view;
    std::vector<const Peer*> publishers;
    for (const auto& peer : peers_) {
        if (peer.media.key != receiver && peer.up && (peer.media.audio || peer.media.video)) {
            publishers.push_back(&peer);
        }
    }
    std::sort(publishers.begin(), publishers.end(),
              [](const Peer* a, const Peer* b) { return a->up_order < b->up_order; });
    for (const Peer* peer : publishers) {
        view.publishers.push_back({peer->media.participant, peer->media.audio.has_value(),
                                   peer->media.video.has_value(), peer->audio_muted,
                                   peer->video_muted});
    }
    if (const Peer* self = find(receiver)) {
        for (const auto& slot : self->slots) {
            if (!slot.source) {
                continue;
            }
            if (const Peer* source = find(*slot.source)) {
                view.streams.push_back(
                    {slot.spec.mid, slot.spec.kind, source->media.participant.id});
            }
        }
    }
    return view;
}

}  // namespace interview::media
