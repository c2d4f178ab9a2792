// RTP and RTCP, as much as a forwarding unit needs and no more: reading and rewriting the fixed
// RTP header in place, keeping a forwarded stream's sequence numbers and timestamps continuous
// when its source changes, and finding keyframe requests in RTCP.
// Janus has helpers for these, but they live in the janus executable: ours are here so that the
// logic is unit-tested without Janus.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace interview::media {

/// The fixed RTP header fields a forwarder reads or rewrites. `parse` refuses anything that is
/// not RTP version 2 with a complete header.
struct RtpHeader {
    std::uint8_t payload_type = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;

    static std::optional<RtpHeader> parse(const std::uint8_t* data, std::size_t length);
    /// Writes payload type, sequence and timestamp back into a packet `parse` accepted.
    void write_to(std::uint8_t* data) const;
};

/// One outgoing stream (a receiver's slot). Packets of whichever source currently feeds it are
/// renumbered so that the receiver sees one continuous stream: when the source (its SSRC) changes,
/// the next packet continues right after the last one sent, and its timestamp advances by the
/// wall-clock time that passed, so jitter buffers and decoders carry on instead of stalling.
class RtpRewriter {
  public:
    explicit RtpRewriter(std::uint32_t clock_rate) : clock_rate_(clock_rate) {}

    /// Rewrites `header` (in place) for sending; `now_us` is a monotonic clock in microseconds.
    void rewrite(RtpHeader& header, std::int64_t now_us);

    /// The next packet starts a new run even if its SSRC is the one seen last (the slot was
    /// given to someone else and back, or the source was muted for a while).
    void reset_source() { have_source_ = false; }

  private:
    std::uint32_t clock_rate_;
    bool have_source_ = false;
    bool sent_any_ = false;
    std::uint32_t source_ssrc_ = 0;
    std::uint16_t seq_offset_ = 0;
    std::uint32_t ts_offset_ = 0;
    std::uint16_t highest_seq_ = 0;  // highest sequence number sent (wrap-aware)
    std::uint32_t last_ts_ = 0;      // timestamp of that packet
    std::int64_t last_sent_us_ = 0;
};

/// An RTCP REMB (draft-alvestrand-rmcat-remb) announcing `bitrate_bps` for one media source.
/// The SSRCs are left 0: Janus fills in its own and the peer's for the m-line it is sent on.
/// (Janus's send_remb picks "the first video m-line" itself, which in a PeerConnection with
/// receive slots is not the camera's.)
std::array<std::uint8_t, 24> make_remb(std::uint32_t bitrate_bps);

/// Whether a compound RTCP packet holds a keyframe request (PLI or FIR). Walks the blocks and
/// stops at the first malformed one (what came before it counts).
bool rtcp_requests_keyframe(const std::uint8_t* data, std::size_t length);

}  // namespace interview::media
