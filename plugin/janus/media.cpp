// The handle's PeerConnection: the SDP answer to a client's offer. For now the plugin accepts
// the data channel and declines audio and video (the video room adds them).
#include <memory>

#include "runtime.hpp"

namespace interview::janus {

namespace {

struct SdpDeleter {
    void operator()(janus_sdp* sdp) const { janus_sdp_destroy(sdp); }
};
using SdpPtr = std::unique_ptr<janus_sdp, SdpDeleter>;

}  // namespace

void Runtime::refuse_offer(const Session& session, const std::string& transaction,
                           const protocol::ApiError& error) {
    push_error(session, transaction, error);
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
                   {ErrorCode::missing_field, "'connect' needs a JSEP offer"});
        return;
    }
    if (std::string(type) != "offer") {
        push_error(*session, transaction,
                   {ErrorCode::invalid_field,
                    "the JSEP must be an offer, got '" + std::string(type).substr(0, 16) + "'"});
        return;
    }
    char error[512] = {0};
    SdpPtr offer(janus_sdp_parse(sdp, error, sizeof(error)));
    if (!offer) {
        refuse_offer(*session, transaction,
                     {ErrorCode::invalid_field, std::string("the SDP offer is invalid: ") + error});
        return;
    }
    const auto member = session->membership();
    if (member && !access::may_publish(member->participant.role)) {
        for (GList* it = offer->m_lines; it != nullptr; it = it->next) {
            auto* mline = static_cast<janus_sdp_mline*>(it->data);
            const bool media = mline->type == JANUS_SDP_AUDIO || mline->type == JANUS_SDP_VIDEO;
            const bool sends = mline->direction == JANUS_SDP_DEFAULT ||
                               mline->direction == JANUS_SDP_SENDRECV ||
                               mline->direction == JANUS_SDP_SENDONLY;
            if (media && mline->port > 0 && sends) {
                refuse_offer(*session, transaction,
                             {ErrorCode::forbidden_for_role,
                              "observers receive audio and video but do not send them: offer "
                              "recvonly media"});
                return;
            }
        }
    }
    SdpPtr answer(janus_sdp_generate_answer(offer.get()));
    bool has_data = false;
    for (GList* it = offer->m_lines; it != nullptr; it = it->next) {
        auto* mline = static_cast<janus_sdp_mline*>(it->data);
        if (mline->type == JANUS_SDP_APPLICATION && !has_data) {
            has_data = true;
            janus_sdp_generate_answer_mline(offer.get(), answer.get(), mline, JANUS_SDP_OA_MLINE,
                                            JANUS_SDP_APPLICATION, JANUS_SDP_OA_DONE);
        } else {
            janus_sdp_generate_answer_mline(offer.get(), answer.get(), mline, JANUS_SDP_OA_MLINE,
                                            mline->type, JANUS_SDP_OA_ENABLED, FALSE,
                                            JANUS_SDP_OA_DONE);
        }
    }
    if (!has_data) {
        refuse_offer(*session, transaction,
                     {ErrorCode::invalid_field, "the offer must include a data channel"});
        return;
    }
    std::unique_ptr<char, decltype(&g_free)> text(janus_sdp_write(answer.get()), &g_free);
    JsonPtr answer_jsep(json_pack("{ssss}", "type", "answer", "sdp", text.get()));
    JsonPtr event(json_pack("{ss}", "interview", "connected"));
    // May block while Janus gathers candidates: this runs on the worker, never a media thread.
    push_event(*session, transaction, event.get(), answer_jsep.get());
}

}  // namespace interview::janus
