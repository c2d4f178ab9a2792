// `connect`: the handle's PeerConnection. The offer's m-lines are read into the core's terms,
// media::plan_answer decides what each becomes (docs/PROTOCOL.md, `connect`), the answer is
// written with Janus's SDP helpers, and the handle is registered in its interview's media room.
#include <memory>

#include "live_media_room.hpp"
#include "protocol/media_events.hpp"
#include "runtime.hpp"

namespace interview::janus {

namespace {

struct SdpDeleter {
    void operator()(janus_sdp* sdp) const { janus_sdp_destroy(sdp); }
};
using SdpPtr = std::unique_ptr<janus_sdp, SdpDeleter>;

media::MediaKind kind_of(janus_sdp_mtype type) {
    switch (type) {
        case JANUS_SDP_AUDIO:
            return media::MediaKind::audio;
        case JANUS_SDP_VIDEO:
            return media::MediaKind::video;
        case JANUS_SDP_APPLICATION:
            return media::MediaKind::data;
        default:
            return media::MediaKind::other;
    }
}

media::Direction direction_of(janus_sdp_mdirection direction) {
    switch (direction) {
        case JANUS_SDP_SENDONLY:
            return media::Direction::sendonly;
        case JANUS_SDP_RECVONLY:
            return media::Direction::recvonly;
        case JANUS_SDP_INACTIVE:
            return media::Direction::inactive;
        default:
            return media::Direction::sendrecv;  // JANUS_SDP_DEFAULT means sendrecv (RFC 3264)
    }
}

// RFC 8841's a=max-message-size on the answer's data channel: Janus delivers at most 65,535
// bytes (a 16-bit length, longer messages arrive cut), so a compliant browser must learn not to
// send more than the plugin accepts (its send() then throws instead).
void advertise_max_message_size(janus_sdp* answer, int index, int bytes) {
    janus_sdp_mline* line = janus_sdp_mline_find_by_index(answer, index);
    if (line == nullptr) {
        return;
    }
    janus_sdp_attribute_add_to_mline(line,
                                     janus_sdp_attribute_create("max-message-size", "%d", bytes));
}

std::string mid_of(const janus_sdp_mline* mline) {
    for (GList* it = mline->attributes; it != nullptr; it = it->next) {
        const auto* attribute = static_cast<const janus_sdp_attribute*>(it->data);
        if (attribute->name != nullptr && std::string_view(attribute->name) == "mid" &&
            attribute->value != nullptr) {
            return attribute->value;
        }
    }
    return {};
}

}  // namespace

void Runtime::refuse_offer(const Session& session, const std::string& transaction,
                           const protocol::ApiError& error) {
    push_error(session, transaction, error, "connect");
    // Janus has already taken the offer in; without an answer its half-made PeerConnection would
    // be left behind and spoil the next offer. Closing it lets the client start afresh.
    gateway_->close_pc(session.handle());
}

void Runtime::connect(const SessionPtr& session, const std::string& transaction,
                      const json_t* jsep) {
    using protocol::ErrorCode;
    const char* type = json_string_value(json_object_get(jsep, "type"));
    const char* sdp = json_string_value(json_object_get(jsep, "sdp"));
    if (jsep == nullptr || type == nullptr || sdp == nullptr) {
        push_error(*session, transaction,
                   {ErrorCode::missing_field, "'connect' needs a JSEP offer"}, "connect");
        return;
    }
    if (std::string(type) != "offer") {
        push_error(*session, transaction,
                   {ErrorCode::invalid_field,
                    "the JSEP must be an offer, got '" + std::string(type).substr(0, 16) + "'"},
                   "connect");
        return;
    }
    if (!session->begin_connect()) {
        // No renegotiation: the PeerConnection in place stays as it is.
        push_error(*session, transaction,
                   {ErrorCode::already_connected,
                    "this handle has a PeerConnection already (or its offer is being answered); "
                    "hang up, or attach a new handle, to connect again"});
        return;
    }
    const auto refuse = [&](const protocol::ApiError& error) {
        session->end_connect();
        refuse_offer(*session, transaction, error);
    };
    char error[512] = {0};
    SdpPtr offer(janus_sdp_parse(sdp, error, sizeof(error)));
    if (!offer) {
        refuse({ErrorCode::invalid_field, std::string("the SDP offer is invalid: ") + error});
        return;
    }
    const char* video_codec = settings_.video_codec.c_str();
    std::vector<media::OfferedLine> lines;
    for (GList* it = offer->m_lines; it != nullptr; it = it->next) {
        const auto* mline = static_cast<janus_sdp_mline*>(it->data);
        media::OfferedLine line;
        line.index = mline->index;
        line.mid = mid_of(mline);
        line.kind = kind_of(mline->type);
        line.direction = direction_of(mline->direction);
        line.port_zero = mline->port == 0;
        const char* codec = line.kind == media::MediaKind::audio ? "opus" : video_codec;
        line.has_room_codec = janus_sdp_get_codec_pt(offer.get(), mline->index, codec) >= 0;
        lines.push_back(std::move(line));
    }
    const auto member = session->membership();
    if (!member) {
        refuse({ErrorCode::not_joined, "'connect' needs a successful join first"});
        return;
    }
    auto planned = media::plan_answer(lines, access::may_publish(member->participant.role),
                                      settings_.max_participants - 1);
    if (auto* refused = std::get_if<protocol::ApiError>(&planned)) {
        refuse(*refused);
        return;
    }
    const auto& plan = std::get<media::MediaPlan>(planned);

    SdpPtr answer(janus_sdp_generate_answer(offer.get()));
    GList* it = offer->m_lines;
    for (const auto& line : plan.lines) {
        auto* mline = static_cast<janus_sdp_mline*>(it->data);
        it = it->next;
        const bool audio = line.offered.kind == media::MediaKind::audio;
        const char* codec = audio ? "opus" : video_codec;
        switch (line.use) {
            case media::LineUse::data:
                janus_sdp_generate_answer_mline(offer.get(), answer.get(), mline,
                                                JANUS_SDP_OA_MLINE, JANUS_SDP_APPLICATION,
                                                JANUS_SDP_OA_DONE);
                advertise_max_message_size(answer.get(), mline->index, settings_.max_message_bytes);
                break;
            case media::LineUse::publish:
                // Transport-wide CC lets the browser estimate its uplink; audio level and video
                // orientation are passed on to the receivers with each packet.
                janus_sdp_generate_answer_mline(
                    offer.get(), answer.get(), mline, JANUS_SDP_OA_MLINE, mline->type,
                    JANUS_SDP_OA_CODEC, codec, JANUS_SDP_OA_DIRECTION, JANUS_SDP_RECVONLY,
                    JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_MID, JANUS_SDP_OA_ACCEPT_EXTMAP,
                    audio ? JANUS_RTP_EXTMAP_AUDIO_LEVEL : JANUS_RTP_EXTMAP_VIDEO_ORIENTATION,
                    JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_TRANSPORT_WIDE_CC,
                    JANUS_SDP_OA_DONE);
                break;
            case media::LineUse::slot:
                // No abs-send-time: Janus numbers extensions per PeerConnection, and offers that
                // reuse one id for different extensions in different m-lines (aiortc's do) would
                // then get packets they cannot parse.
                janus_sdp_generate_answer_mline(
                    offer.get(), answer.get(), mline, JANUS_SDP_OA_MLINE, mline->type,
                    JANUS_SDP_OA_CODEC, codec, JANUS_SDP_OA_DIRECTION, JANUS_SDP_SENDONLY,
                    JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_MID, JANUS_SDP_OA_ACCEPT_EXTMAP,
                    audio ? JANUS_RTP_EXTMAP_AUDIO_LEVEL : JANUS_RTP_EXTMAP_VIDEO_ORIENTATION,
                    JANUS_SDP_OA_DONE);
                break;
            case media::LineUse::reject:
                janus_sdp_generate_answer_mline(offer.get(), answer.get(), mline,
                                                JANUS_SDP_OA_MLINE, mline->type,
                                                JANUS_SDP_OA_ENABLED, FALSE, JANUS_SDP_OA_DONE);
                break;
        }
    }

    // The payload types the answer settled on: what publishers send, what each slot must carry.
    media::PeerMedia peer;
    peer.key = session->key();
    peer.participant = member->participant;
    for (const auto& line : plan.lines) {
        const bool audio = line.offered.kind == media::MediaKind::audio;
        const int pt =
            janus_sdp_get_codec_pt(answer.get(), line.offered.index, audio ? "opus" : video_codec);
        if (pt < 0 || pt > 127 ||
            (line.use != media::LineUse::publish && line.use != media::LineUse::slot)) {
            continue;
        }
        const media::Track track{line.offered.index, static_cast<std::uint8_t>(pt)};
        if (line.use == media::LineUse::publish) {
            (audio ? peer.audio : peer.video) = track;
        } else {
            peer.slots.push_back({track, line.offered.mid, line.offered.kind});
        }
    }
    register_media(session, member->interview_id, std::move(peer));

    std::unique_ptr<char, decltype(&g_free)> text(janus_sdp_write(answer.get()), &g_free);
    JsonPtr answer_jsep(json_pack("{ssss}", "type", "answer", "sdp", text.get()));
    // May block while Janus gathers candidates: this runs on the worker, never a media thread.
    push_event(*session, transaction, protocol::connected_event(plan).get(), answer_jsep.get());
}

}  // namespace interview::janus
