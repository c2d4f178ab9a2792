// The video room's core: RTP header rewriting, RTCP keyframe requests, offer planning and the
// media room's slot assignment, keyframe pacing, mute and bitrate caps.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "media/media_room.hpp"
#include "media/negotiation.hpp"
#include "media/rtp.hpp"

namespace interview::media {
namespace {

std::vector<std::uint8_t> rtp_packet(std::uint8_t pt, std::uint16_t seq, std::uint32_t ts,
                                     std::uint32_t ssrc) {
    std::vector<std::uint8_t> p(20, 0xab);
    p[0] = 0x80;
    p[1] = static_cast<std::uint8_t>(0x80 | pt);  // marker bit set: it must survive rewriting
    p[2] = static_cast<std::uint8_t>(seq >> 8);
    p[3] = static_cast<std::uint8_t>(seq);
    for (int i = 0; i < 4; ++i) {
        p[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
        p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    }
    return p;
}

TEST(RtpHeader, ParsesAndWritesBackKeepingTheMarkerAndPayload) {
    auto p = rtp_packet(96, 65535, 4000000000u, 0x01020304);
    auto h = RtpHeader::parse(p.data(), p.size());
    ASSERT_TRUE(h);
    EXPECT_EQ(h->payload_type, 96);
    EXPECT_EQ(h->sequence, 65535);
    EXPECT_EQ(h->timestamp, 4000000000u);
    EXPECT_EQ(h->ssrc, 0x01020304u);
    h->payload_type = 111;
    h->sequence = 7;
    h->write_to(p.data());
    auto again = RtpHeader::parse(p.data(), p.size());
    EXPECT_EQ(again->payload_type, 111);
    EXPECT_EQ(again->sequence, 7);
    EXPECT_EQ(p[1] & 0x80, 0x80);
    EXPECT_EQ(p[12], 0xab);
}

TEST(RtpHeader, RefusesShortWrongVersionAndRtcp) {
    auto p = rtp_packet(96, 1, 1, 1);
    EXPECT_FALSE(RtpHeader::parse(p.data(), 11));
    EXPECT_FALSE(RtpHeader::parse(nullptr, 20));
    p[0] = 0x40;
    EXPECT_FALSE(RtpHeader::parse(p.data(), p.size()));
    auto rtcp = rtp_packet(72, 1, 1, 1);  // 0x80|72 = 200: a sender report on the same port
    rtcp[1] = 200;
    EXPECT_FALSE(RtpHeader::parse(rtcp.data(), rtcp.size()));
}

RtpHeader header(std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc) {
    return RtpHeader{96, seq, ts, ssrc};
}

TEST(RtpRewriter, PassesTheFirstSourceThroughUnchanged) {
    RtpRewriter r(90000);
    for (std::uint16_t i = 0; i < 5; ++i) {
        auto h = header(static_cast<std::uint16_t>(65533 + i), 1000 + i * 3000u, 42);
        r.rewrite(h, i * 33000);
        EXPECT_EQ(h.sequence, static_cast<std::uint16_t>(65533 + i));  // wraps like the source
        EXPECT_EQ(h.timestamp, 1000 + i * 3000u);
    }
}

TEST(RtpRewriter, ContinuesAfterASourceSwitchWithElapsedTime) {
    RtpRewriter r(90000);
    auto a = header(100, 5000, 1);
    r.rewrite(a, 1'000'000);
    auto a2 = header(101, 8000, 1);
    r.rewrite(a2, 1'033'000);
    // another source, far away in numbering, 100 ms later
    auto b = header(40000, 999999, 2);
    r.rewrite(b, 1'133'000);
    EXPECT_EQ(b.sequence, 102);
    EXPECT_EQ(b.timestamp, 8000u + 9000u);  // 100 ms at 90 kHz
    auto b2 = header(40001, 999999 + 3000, 2);
    r.rewrite(b2, 1'166'000);
    EXPECT_EQ(b2.sequence, 103);
    EXPECT_EQ(b2.timestamp, 8000u + 9000u + 3000u);
}

TEST(RtpRewriter, KeepsReorderedPacketsInPlaceAndContinuesAfterTheNewest) {
    RtpRewriter r(48000);
    auto p1 = header(10, 960, 7);
    r.rewrite(p1, 0);
    auto p3 = header(12, 2880, 7);
    r.rewrite(p3, 40000);
    auto p2 = header(11, 1920, 7);  // late
    r.rewrite(p2, 41000);
    EXPECT_EQ(p2.sequence, 11);
    auto other = header(500, 0, 8);
    r.rewrite(other, 60000);
    EXPECT_EQ(other.sequence, 13);  // after 12, not after the late 11
}

TEST(RtpRewriter, ResetSourceRebasesEvenForTheSameSsrc) {
    RtpRewriter r(90000);
    auto a = header(100, 0, 1);
    r.rewrite(a, 0);
    r.reset_source();
    auto later = header(900, 90000, 1);  // packets 101..899 were not forwarded (muted)
    r.rewrite(later, 1'000'000);
    EXPECT_EQ(later.sequence, 101);
    EXPECT_EQ(later.timestamp, 90000u);  // one second at 90 kHz
}

std::vector<std::uint8_t> rtcp_block(std::uint8_t type, std::uint8_t format, int words) {
    std::vector<std::uint8_t> b(static_cast<std::size_t>(words + 1) * 4, 0);
    b[0] = static_cast<std::uint8_t>(0x80 | format);
    b[1] = type;
    b[3] = static_cast<std::uint8_t>(words);
    return b;
}

TEST(Rtcp, FindsPliAndFirInCompoundPackets) {
    auto rr = rtcp_block(201, 0, 1);
    auto pli = rtcp_block(206, 1, 2);
    auto fir = rtcp_block(206, 4, 4);
    auto remb = rtcp_block(206, 15, 4);
    auto nack = rtcp_block(205, 1, 3);
    auto join = [](std::initializer_list<std::vector<std::uint8_t>> parts) {
        std::vector<std::uint8_t> all;
        for (const auto& p : parts) {
            all.insert(all.end(), p.begin(), p.end());
        }
        return all;
    };
    auto with_pli = join({rr, pli});
    auto with_fir = join({rr, fir});
    auto without = join({rr, remb, nack});
    EXPECT_TRUE(rtcp_requests_keyframe(with_pli.data(), with_pli.size()));
    EXPECT_TRUE(rtcp_requests_keyframe(with_fir.data(), with_fir.size()));
    EXPECT_FALSE(rtcp_requests_keyframe(without.data(), without.size()));
    // a block claiming more than there is ends the walk: the PLI after it is not trusted
    auto bad = join({rr, pli});
    bad[3] = 40;
    EXPECT_FALSE(rtcp_requests_keyframe(bad.data(), bad.size()));
    EXPECT_FALSE(rtcp_requests_keyframe(pli.data(), 3));
    EXPECT_FALSE(rtcp_requests_keyframe(nullptr, 0));
}

TEST(Rtcp, RembCarriesTheBitrateAsExponentAndMantissa) {
    const auto small = make_remb(200000);  // fits 18 bits: exponent 0
    EXPECT_EQ(small[0], 0x8f);
    EXPECT_EQ(small[1], 206);
    EXPECT_EQ(small[3], 5);
    EXPECT_EQ(std::string(small.begin() + 12, small.begin() + 16), "REMB");
    EXPECT_EQ(small[16], 1);
    EXPECT_EQ(small[17], 200000 >> 16);
    EXPECT_EQ(small[18], (200000 >> 8) & 0xff);
    EXPECT_EQ(small[19], 200000 & 0xff);
    for (std::uint32_t bitrate : {400000u, 1000000u, 20000000u, 0xffffffffu}) {
        const auto p = make_remb(bitrate);
        const unsigned exponent = p[17] >> 2;
        const std::uint64_t mantissa = (std::uint64_t{p[17] & 3u} << 16) | (p[18] << 8) | p[19];
        const std::uint64_t decoded = mantissa << exponent;
        EXPECT_LE(decoded, bitrate);
        EXPECT_GT(decoded, bitrate - (bitrate >> 17));  // within 18 bits of precision
    }
    EXPECT_FALSE(rtcp_requests_keyframe(small.data(), small.size()));
}

OfferedLine line(int index, MediaKind kind, Direction direction, bool codec = true) {
    OfferedLine l;
    l.index = index;
    l.mid = std::to_string(index);
    l.kind = kind;
    l.direction = direction;
    l.has_room_codec = codec;
    return l;
}

std::vector<LineUse> uses(const MediaPlan& plan) {
    std::vector<LineUse> out;
    for (const auto& l : plan.lines) {
        out.push_back(l.use);
    }
    return out;
}

TEST(Negotiation, FirstSendingLinesPublishRecvonlyLinesAreSlots) {
    using enum MediaKind;
    using enum Direction;
    std::vector<OfferedLine> offer = {
        line(0, audio, sendrecv), line(1, video, sendonly), line(2, audio, recvonly),
        line(3, video, recvonly), line(4, video, sendrecv),  // a second camera: rejected
        line(5, audio, inactive), line(6, data, sendrecv),  line(7, data, sendrecv),
    };
    auto planned = plan_answer(offer, true, 3);
    ASSERT_TRUE(std::holds_alternative<MediaPlan>(planned));
    const auto& plan = std::get<MediaPlan>(planned);
    EXPECT_EQ(uses(plan), (std::vector<LineUse>{LineUse::publish, LineUse::publish, LineUse::slot,
                                                LineUse::slot, LineUse::reject, LineUse::reject,
                                                LineUse::data, LineUse::reject}));
    EXPECT_TRUE(plan.publishes(audio));
    EXPECT_TRUE(plan.publishes(video));
}

TEST(Negotiation, SlotsBeyondTheRoomSizeAndLinesWithoutTheCodecAreRejected) {
    using enum MediaKind;
    using enum Direction;
    std::vector<OfferedLine> offer = {line(0, data, sendrecv),  line(1, video, sendrecv, false),
                                      line(2, audio, recvonly), line(3, audio, recvonly),
                                      line(4, audio, recvonly), line(5, video, recvonly, false)};
    const auto plan = std::get<MediaPlan>(plan_answer(offer, true, 2));
    EXPECT_EQ(uses(plan), (std::vector<LineUse>{LineUse::data, LineUse::reject, LineUse::slot,
                                                LineUse::slot, LineUse::reject, LineUse::reject}));
    EXPECT_FALSE(plan.publishes(video));
}

TEST(Negotiation, ObserversMayNotSendAndEveryOfferNeedsADataChannel) {
    using enum MediaKind;
    using enum Direction;
    auto refused = plan_answer({line(0, data, sendrecv), line(1, video, sendonly)}, false, 3);
    ASSERT_TRUE(std::holds_alternative<protocol::ApiError>(refused));
    EXPECT_EQ(std::get<protocol::ApiError>(refused).code, protocol::ErrorCode::forbidden_for_role);
    auto observer = plan_answer({line(0, data, sendrecv), line(1, video, recvonly)}, false, 3);
    EXPECT_TRUE(std::holds_alternative<MediaPlan>(observer));
    auto no_data = plan_answer({line(0, audio, sendrecv)}, true, 3);
    ASSERT_TRUE(std::holds_alternative<protocol::ApiError>(no_data));
    EXPECT_EQ(std::get<protocol::ApiError>(no_data).code, protocol::ErrorCode::invalid_field);
    OfferedLine disabled = line(0, data, sendrecv);
    disabled.port_zero = true;
    EXPECT_TRUE(std::holds_alternative<protocol::ApiError>(plan_answer({disabled}, true, 3)));
}

// --- the media room ---

PeerMedia peer(SessionKey key, bool publishes, int slots_per_kind) {
    PeerMedia p;
    p.key = key;
    p.participant = {"p" + std::to_string(key), "Name " + std::to_string(key),
                     publishes ? access::Role::applicant : access::Role::observer};
    int index = 0;
    if (publishes) {
        p.audio = Track{index++, 111};
        p.video = Track{index++, 96};
    }
    for (int i = 0; i < slots_per_kind; ++i) {
        p.slots.push_back({Track{index, 109}, std::to_string(index), MediaKind::audio});
        ++index;
        p.slots.push_back({Track{index, 120}, std::to_string(index), MediaKind::video});
        ++index;
    }
    return p;
}

std::vector<SessionKey> receivers(MediaRoom& room, SessionKey publisher, MediaKind kind) {
    std::vector<SessionKey> out;
    for (const auto& d : room.destinations(publisher, kind)) {
        out.push_back(d.receiver);
    }
    return out;
}

MediaSettings settings() {
    MediaSettings s;
    s.keyframe_min_interval_us = 500'000;
    s.bitrate_cap_bps = 1'000'000;
    return s;
}

/// Publishers 1 and 2, both up at t=0: each shown in one slot of the other.
MediaRoom two_publishers_up() {
    MediaRoom room(settings());
    room.add(peer(1, true, 3));
    room.add(peer(2, true, 3));
    room.set_up(1, 0);
    room.set_up(2, 0);
    return room;
}

TEST(MediaRoom, TwoPublishersSeeEachOtherOnceBothAreUp) {
    MediaRoom room(settings());
    room.add(peer(1, true, 3));
    room.add(peer(2, true, 3));
    auto first = room.set_up(1, 0);
    EXPECT_TRUE(receivers(room, 1, MediaKind::video).empty());  // nobody up to receive yet
    EXPECT_EQ(first.notify, std::vector<SessionKey>{1});
    auto second = room.set_up(2, 1000);
    EXPECT_EQ(receivers(room, 1, MediaKind::video), std::vector<SessionKey>{2});
    EXPECT_EQ(receivers(room, 2, MediaKind::audio), std::vector<SessionKey>{1});
    EXPECT_EQ(receivers(room, 2, MediaKind::video), std::vector<SessionKey>{1});
    // both views changed, and both publishers are asked for a keyframe for their new receiver
    EXPECT_EQ(second.notify.size(), 2u);
    EXPECT_EQ(second.keyframes.size(), 2u);
    // slots carry the receiver's payload type and m-line
    auto to = room.destinations(1, MediaKind::video);
    ASSERT_EQ(to.size(), 1u);
    EXPECT_EQ(to[0].track.payload_type, 120);
    EXPECT_EQ(to[0].track.mindex, 3);
    const auto view = room.view(2);
    ASSERT_EQ(view.publishers.size(), 1u);
    EXPECT_EQ(view.publishers[0].participant.id, "p1");
    ASSERT_EQ(view.streams.size(), 2u);
    EXPECT_EQ(view.streams[0].mid, "2");
    EXPECT_EQ(view.streams[0].participant_id, "p1");
    EXPECT_EQ(room.forwarded_track(1, 1)->first, MediaKind::video);
    EXPECT_FALSE(room.forwarded_track(1, 2));  // a slot, not a publish m-line
}

TEST(MediaRoom, ObserversReceiveEveryoneAndAreNoPublisher) {
    MediaRoom room(settings());
    room.add(peer(1, true, 3));
    room.add(peer(2, true, 3));
    room.add(peer(3, false, 3));
    for (SessionKey k : {1, 2, 3}) {
        room.set_up(k, 0);
    }
    EXPECT_EQ(receivers(room, 1, MediaKind::video), (std::vector<SessionKey>{2, 3}));
    EXPECT_EQ(receivers(room, 2, MediaKind::video), (std::vector<SessionKey>{1, 3}));
    EXPECT_EQ(room.view(3).streams.size(), 4u);
    for (SessionKey k : {1, 2}) {
        for (const auto& p : room.view(k).publishers) {
            EXPECT_NE(p.participant.id, "p3");
        }
    }
}

TEST(MediaRoom, ALeaverFreesItsSlotsForAWaitingPublisher) {
    MediaRoom room(settings());
    room.add(peer(1, false, 1));  // one slot of each kind
    room.add(peer(2, true, 0));
    room.add(peer(3, true, 0));
    room.set_up(1, 0);
    room.set_up(2, 0);
    room.set_up(3, 1'000'000);
    EXPECT_EQ(receivers(room, 2, MediaKind::video), std::vector<SessionKey>{1});
    EXPECT_TRUE(receivers(room, 3, MediaKind::video).empty());  // no slot left
    EXPECT_EQ(room.view(1).publishers.size(), 2u);              // but it is listed
    auto changes = room.remove(2, 2'000'000);
    EXPECT_EQ(receivers(room, 3, MediaKind::video), std::vector<SessionKey>{1});
    EXPECT_EQ(changes.keyframes, std::vector<SessionKey>{3});
    EXPECT_FALSE(room.contains(2));
    const auto view = room.view(1);
    ASSERT_EQ(view.streams.size(), 2u);
    EXPECT_EQ(view.streams[1].participant_id, "p3");
}

TEST(MediaRoom, KeyframeRequestsArePacedAndDeferredNotDropped) {
    MediaRoom room(settings());
    room.add(peer(1, true, 3));
    room.add(peer(2, true, 3));
    room.set_up(1, 0);
    room.set_up(2, 0);  // asks 1 for a keyframe at t=0
    SessionKey publisher = 0;
    const int slot = room.destinations(1, MediaKind::video)[0].track.mindex;
    EXPECT_FALSE(room.keyframe_requested(2, slot, 100'000, publisher));  // too soon: deferred
    EXPECT_EQ(publisher, 1u);
    EXPECT_FALSE(room.keyframe_due(1, 400'000));
    EXPECT_TRUE(room.keyframe_due(1, 500'000));
    EXPECT_FALSE(room.keyframe_due(1, 600'000));  // once
    EXPECT_TRUE(room.keyframe_requested(2, slot, 1'100'000, publisher));
    EXPECT_FALSE(room.keyframe_requested(2, 0, 5'000'000, publisher));  // its own mic: no slot
}

TEST(MediaRoom, MutedMediaIsNotForwardedAndEveryoneIsTold) {
    MediaRoom room = two_publishers_up();
    auto changes = room.set_muted(1, true, std::nullopt, 1000);
    EXPECT_EQ(changes.notify.size(), 2u);
    EXPECT_FALSE(room.forwarded_track(1, 0));  // audio muted
    EXPECT_TRUE(room.forwarded_track(1, 1));   // video still on
    EXPECT_TRUE(room.view(2).publishers[0].audio_muted);
    EXPECT_TRUE(room.set_muted(1, true, std::nullopt, 2000).notify.empty());  // no change
    auto unmuted = room.set_muted(1, false, false, 3'000'000);
    EXPECT_TRUE(room.forwarded_track(1, 0));
    EXPECT_TRUE(unmuted.keyframes.empty());  // video was never muted
    room.set_muted(1, std::nullopt, true, 4'000'000);
    auto video_back = room.set_muted(1, std::nullopt, false, 5'000'000);
    EXPECT_EQ(video_back.keyframes, std::vector<SessionKey>{1});
}

TEST(MediaRoom, BitrateCapHalvesOnSlowUplinkAndRecovers) {
    MediaRoom room(settings());
    room.add(peer(1, true, 3));
    room.set_up(1, 0);
    EXPECT_EQ(room.remb_due(1, 0), 1'000'000u);
    EXPECT_FALSE(room.remb_due(1, 500'000));
    EXPECT_EQ(room.slow_uplink(1, 600'000), 500'000u);
    EXPECT_EQ(room.remb_due(1, 600'000), 500'000u);  // at once
    for (int i = 0; i < 5; ++i) {
        room.slow_uplink(1, 700'000);
    }
    EXPECT_EQ(room.remb_due(1, 1'700'000), 128'000u);  // the floor
    EXPECT_EQ(room.remb_due(1, 5'800'000), 160'000u);  // 5 s later: +25%
    std::uint32_t cap = 0;
    for (std::int64_t t = 6'800'000; t < 200'000'000; t += 1'000'000) {
        if (auto r = room.remb_due(1, t)) {
            cap = *r;
        }
    }
    EXPECT_EQ(cap, 1'000'000u);  // never above the configured cap
}

TEST(MediaRoom, SlowDownlinkLowersTheCapOfThePublisherOnThatSlotOnly) {
    MediaRoom room(settings());
    room.add(peer(1, true, 3));
    room.add(peer(2, true, 3));
    room.add(peer(3, false, 3));  // an observer receives both
    for (SessionKey key : {1, 2, 3}) {
        room.set_up(key, 0);
    }
    const auto to_observer = [&](SessionKey publisher, MediaKind kind) {
        for (const auto& d : room.destinations(publisher, kind)) {
            if (d.receiver == 3) {
                return d.track.mindex;
            }
        }
        return -1;
    };
    const auto lowered = room.slow_downlink(3, to_observer(2, MediaKind::video), 1'000'000);
    ASSERT_TRUE(lowered);
    EXPECT_EQ(lowered->publisher, 2u);
    EXPECT_EQ(lowered->participant_id, "p2");
    EXPECT_EQ(lowered->cap_bps, 500'000u);
    EXPECT_EQ(room.remb_due(2, 1'000'000), 500'000u);    // told at once
    EXPECT_EQ(room.remb_due(1, 1'000'000), 1'000'000u);  // the other publisher keeps its cap
    // an audio slot, a slot showing nobody, an unknown mindex or receiver: nothing changes
    EXPECT_FALSE(room.slow_downlink(3, to_observer(2, MediaKind::audio), 1'100'000));
    EXPECT_FALSE(room.slow_downlink(3, 99, 1'100'000));
    EXPECT_FALSE(room.slow_downlink(42, 0, 1'100'000));
    const int empty_slot = peer(3, false, 3).slots.back().track.mindex;
    EXPECT_FALSE(room.slow_downlink(3, empty_slot, 1'100'000));
    EXPECT_EQ(room.remb_due(2, 2'000'000), 500'000u);
}

TEST(MediaRoom, SlowDownlinkIsLeftToThePublishersUplinkWhileItsVideoArrivesWithGaps) {
    MediaRoom room = two_publishers_up();
    const int slot = room.destinations(1, MediaKind::video)[0].track.mindex;  // 2's slot for 1
    room.video_arrived(1, 65534, 1'000'000);
    room.video_arrived(1, 65535, 1'010'000);
    room.video_arrived(1, 0, 1'020'000);                   // wraps: no gap
    room.video_arrived(1, 0, 1'025'000);                   // a duplicate
    room.video_arrived(1, 65000, 1'030'000);               // late: ignored
    ASSERT_TRUE(room.slow_downlink(2, slot, 1'100'000));   // no loss upstream: 1 is lowered
    room.video_arrived(1, 3, 1'200'000);                   // 1 and 2 never reached Janus
    EXPECT_FALSE(room.slow_downlink(2, slot, 1'300'000));  // the receiver saw those gaps too
    EXPECT_FALSE(room.slow_downlink(2, slot, 3'199'999));
    const auto later = room.slow_downlink(2, slot, 3'200'000);  // 2 s without a gap
    ASSERT_TRUE(later);
    EXPECT_EQ(later->cap_bps, 250'000u);  // halved twice in all, not four times
}

TEST(MediaRoom, AddingTheSameKeyAgainReplacesIt) {
    MediaRoom room = two_publishers_up();
    room.add(peer(1, false, 3));  // renegotiated as a receiver only
    EXPECT_TRUE(receivers(room, 1, MediaKind::video).empty());
    EXPECT_TRUE(room.view(2).publishers.empty());
    EXPECT_EQ(room.keys().size(), 2u);
}

}  // namespace
}  // namespace interview::media
