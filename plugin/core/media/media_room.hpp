// The media side of one interview's room: who publishes what, which receive slot of which handle
// shows whom, mute state, keyframe-request pacing and each publisher's bitrate cap. Pure state and
// decisions, no Janus and no clock: the Janus layer holds it under a lock, feeds it events with a
// monotonic time in microseconds and carries out what it answers (forward a packet, send a PLI
// or a REMB, push `media` events).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.hpp"
#include "media/negotiation.hpp"
#include "media/rtp.hpp"
#include "room/registry.hpp"

namespace interview::media {

using room::SessionKey;

struct MediaSettings {
    std::int64_t keyframe_min_interval_us = 500'000;
    std::uint32_t bitrate_cap_bps = 1'000'000;
    std::uint32_t bitrate_floor_bps = 128'000;
    std::int64_t remb_every_us = 1'000'000;
    std::int64_t bitrate_recovery_us = 5'000'000;  ///< no slow link for this long: cap +25%
    /// A receiver's slow downlink is put down to its publisher's own uplink (and left to that
    /// one's report) when the publisher's video reached Janus with gaps this recently.
    std::int64_t upstream_loss_window_us = 2'000'000;
};

/// One negotiated m-line the plugin sends or receives media on, with its payload type.
struct Track {
    int mindex = -1;
    std::uint8_t payload_type = 0;
};

/// What a handle's `connect` negotiated.
struct PeerMedia {
    SessionKey key = 0;
    access::Participant participant;
    std::optional<Track> audio;  ///< the microphone it publishes
    std::optional<Track> video;  ///< the camera
    struct SlotSpec {
        Track track;
        std::string mid;
        MediaKind kind = MediaKind::audio;
    };
    std::vector<SlotSpec> slots;
};

/// What a change asks the caller to do.
struct MediaChanges {
    std::vector<SessionKey> notify;     ///< handles whose `media` event changed
    std::vector<SessionKey> keyframes;  ///< publishers to send a PLI to now
};

/// A receive slot that a packet is to be sent on.
struct Destination {
    SessionKey receiver;
    Track track;
    RtpRewriter* rewriter;  ///< valid while the caller holds the room's lock
};

/// A `media` event's content for one receiver.
struct MediaView {
    struct Publisher {
        access::Participant participant;
        bool audio = false;
        bool video = false;
        bool audio_muted = false;
        bool video_muted = false;
    };
    struct Stream {
        std::string mid;
        MediaKind kind = MediaKind::audio;
        std::string participant_id;
    };
    std::vector<Publisher> publishers;
    std::vector<Stream> streams;
};

class MediaRoom {
  public:
    explicit MediaRoom(MediaSettings settings) : settings_(settings) {}

    /// A handle negotiated media (its PeerConnection is not up yet). Replaces an earlier entry
    /// with the same key.
    MediaChanges add(PeerMedia peer);
    /// Its PeerConnection is up: it starts publishing and its slots get filled.
    MediaChanges set_up(SessionKey key, std::int64_t now_us);
    /// Hung up, left, replaced or gone: its slots in others are freed and handed on.
    MediaChanges remove(SessionKey key, std::int64_t now_us);
    /// Mutes or unmutes what it publishes; nullopt leaves a kind as it is.
    MediaChanges set_muted(SessionKey key, std::optional<bool> audio_muted,
                           std::optional<bool> video_muted, std::int64_t now_us);

    bool contains(SessionKey key) const { return find(key) != nullptr; }
    bool empty() const { return peers_.empty(); }
    std::vector<SessionKey> keys() const;

    /// Which kind the publisher's m-line `mindex` carries, with its payload type; nullopt when it
    /// is not one of its publish m-lines (or it is muted): such packets are not forwarded.
    std::optional<std::pair<MediaKind, Track>> forwarded_track(SessionKey publisher,
                                                               int mindex) const;
    /// Calls `visit(const Destination&)` for every slot showing `publisher`'s `kind` (the packet
    /// path: no allocation). The rewriters are the room's: use them only under the caller's lock.
    template <typename Visit>
    void for_each_destination(SessionKey publisher, MediaKind kind, Visit&& visit) {
        for (auto& receiver : peers_) {
            if (!receiver.up) {
                continue;
            }
            for (auto& slot : receiver.slots) {
                if (slot.source == publisher && slot.spec.kind == kind) {
                    visit(Destination{receiver.media.key, slot.spec.track, &slot.rewriter});
                }
            }
        }
    }
    /// The same, collected (for tests and rare paths).
    std::vector<Destination> destinations(SessionKey publisher, MediaKind kind);

    /// A receiver asked for a keyframe on its slot `mindex` (PLI/FIR): true when the publisher
    /// behind it is to get a PLI now, with its key in `publisher`; otherwise it is deferred.
    bool keyframe_requested(SessionKey receiver, int mindex, std::int64_t now_us,
                            SessionKey& publisher);
    /// A deferred request whose interval is over: true once, when a PLI is to go out now.
    bool keyframe_due(SessionKey publisher, std::int64_t now_us);

    /// The REMB to send `publisher` now, if one is due (every remb_every_us).
    std::optional<std::uint32_t> remb_due(SessionKey publisher, std::int64_t now_us);
    /// Janus saw a slow uplink from `publisher`: its cap halves; answers the new cap.
    std::uint32_t slow_uplink(SessionKey publisher, std::int64_t now_us);
    /// A video packet of `publisher` reached Janus with sequence number `sequence`: a gap since
    /// the previous one is loss on its uplink.
    void video_arrived(SessionKey publisher, std::uint16_t sequence, std::int64_t now_us);
    /// The publisher whose video a slow downlink carried, with its new cap.
    struct LoweredCap {
        SessionKey publisher = 0;
        std::string participant_id;
        std::uint32_t cap_bps = 0;
    };
    /// Janus saw a slow downlink to `receiver` on its slot `mindex`: the cap of the publisher
    /// shown there halves as for a slow uplink (one stream serves every receiver, so in a room
    /// of two to four a receiver that cannot keep up sets the pace, rather than stalling);
    /// nothing when that slot shows no video, or when the publisher's own uplink lost packets
    /// lately (a receiver sees the gaps Janus forwards as loss too: the publisher's uplink
    /// report lowers its cap, and once is enough).
    std::optional<LoweredCap> slow_downlink(SessionKey receiver, int mindex, std::int64_t now_us);

    MediaView view(SessionKey receiver) const;
    /// The publisher's camera m-line, or -1.
    int video_mindex(SessionKey publisher) const;
    /// {audio muted, video muted}
    std::pair<bool, bool> muted(SessionKey key) const;

  private:
    struct Slot {
        PeerMedia::SlotSpec spec;
        std::optional<SessionKey> source;
        RtpRewriter rewriter;
    };
    struct Peer {
        PeerMedia media;
        std::vector<Slot> slots;
        bool up = false;
        std::uint64_t up_order = 0;
        bool audio_muted = false;
        bool video_muted = false;
        std::int64_t last_keyframe_us = INT64_MIN / 2;
        bool keyframe_pending = false;
        std::uint32_t cap_bps = 0;
        std::int64_t next_remb_us = 0;
        std::int64_t last_cap_change_us = 0;
        std::optional<std::uint16_t> last_video_sequence;
        std::int64_t last_uplink_loss_us = INT64_MIN / 2;

        bool publishes(MediaKind kind) const {
            return up && (kind == MediaKind::audio ? media.audio : media.video).has_value();
        }
    };

    Peer* find(SessionKey key);
    const Peer* find(SessionKey key) const;
    /// Keeps valid assignments, frees the others and fills free slots in publishing order.
    void assign(MediaChanges& changes, std::int64_t now_us);
    void ask_keyframe(Peer& publisher, std::int64_t now_us, MediaChanges& changes);
    void notify_all(MediaChanges& changes) const;

    MediaSettings settings_;
    std::vector<Peer> peers_;
    std::uint64_t next_up_order_ = 1;
};

}  // namespace interview::media
