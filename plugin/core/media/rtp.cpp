#include "media/rtp.hpp"

namespace interview::media {

namespace {

constexpr std::size_t kRtpHeaderBytes = 12;

std::uint16_t read16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t read32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

void write16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

void write32(std::uint8_t* p, std::uint32_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

/// a is after b in 16-bit sequence space (RFC 3550 wrap-around).
bool seq_after(std::uint16_t a, std::uint16_t b) {
    return a != b && static_cast<std::uint16_t>(a - b) < 0x8000;
}

}  // namespace

std::optional<RtpHeader> RtpHeader::parse(const std::uint8_t* data, std::size_t length) {
    if (data == nullptr || length < kRtpHeaderBytes || (data[0] >> 6) != 2) {
        return std::nullopt;
    }
    const std::uint8_t payload_type = data[1] & 0x7f;
    if (payload_type >= 64 && payload_type <= 95) {
        return std::nullopt;  // RTCP multiplexed on the same port (RFC 5761), not RTP
    }
    RtpHeader header;
    header.payload_type = payload_type;
    header.sequence = read16(data + 2);
    header.timestamp = read32(data + 4);
    header.ssrc = read32(data + 8);
    return header;
}

void RtpHeader::write_to(std::uint8_t* data) const {
    data[1] = static_cast<std::uint8_t>((data[1] & 0x80) | (payload_type & 0x7f));
    write16(data + 2, sequence);
    write32(data + 4, timestamp);
    write32(data + 8, ssrc);
}

void RtpRewriter::rewrite(RtpHeader& header, std::int64_t now_us) {
    if (!have_source_ || header.ssrc != source_ssrc_) {
        if (sent_any_) {
            // Continue right after what the receiver last got, as if the new source had been
            // sending all along: the timestamp moves on by the time that passed (at least 1).
            const std::int64_t elapsed_us = now_us > last_sent_us_ ? now_us - last_sent_us_ : 0;
            const auto elapsed_ticks = static_cast<std::uint32_t>(
                elapsed_us * static_cast<std::int64_t>(clock_rate_) / 1000000);
            seq_offset_ = static_cast<std::uint16_t>(highest_seq_ + 1 - header.sequence);
            ts_offset_ = last_ts_ + (elapsed_ticks > 0 ? elapsed_ticks : 1) - header.timestamp;
        } else {
            seq_offset_ = 0;
            ts_offset_ = 0;
        }
        have_source_ = true;
        source_ssrc_ = header.ssrc;
        highest_seq_ = static_cast<std::uint16_t>(header.sequence + seq_offset_ - 1);
    }
    header.sequence = static_cast<std::uint16_t>(header.sequence + seq_offset_);
    header.timestamp = header.timestamp + ts_offset_;
    // Reordered packets keep their place; only a newer one moves the continuation point.
    if (!sent_any_ || seq_after(header.sequence, highest_seq_)) {
        highest_seq_ = header.sequence;
        last_ts_ = header.timestamp;
        last_sent_us_ = now_us;
    }
    sent_any_ = true;
}

std::array<std::uint8_t, 24> make_remb(std::uint32_t bitrate_bps) {
    std::array<std::uint8_t, 24> p{};
    p[0] = 0x80 | 15;          // version 2, FMT 15: application layer feedback
    p[1] = 206;                // payload-specific feedback
    write16(p.data() + 2, 5);  // length: 6 words - 1
    // sender SSRC (4..7) and media SSRC (8..11, always 0 for REMB) stay 0
    p[12] = 'R';
    p[13] = 'E';
    p[14] = 'M';
    p[15] = 'B';
    std::uint32_t mantissa = bitrate_bps;
    std::uint8_t exponent = 0;
    while (mantissa > 0x3ffff) {  // 18 bits
        mantissa >>= 1;
        ++exponent;
    }
    p[16] = 1;  // one SSRC follows
    p[17] = static_cast<std::uint8_t>((exponent << 2) | (mantissa >> 16));
    p[18] = static_cast<std::uint8_t>(mantissa >> 8);
    p[19] = static_cast<std::uint8_t>(mantissa);
    // the SSRC it is about (20..23) stays 0
    return p;
}

bool rtcp_requests_keyframe(const std::uint8_t* data, std::size_t length) {
    std::size_t at = 0;
    while (data != nullptr && at + 4 <= length) {
        const std::uint8_t* block = data + at;
        if ((block[0] >> 6) != 2) {
            return false;
        }
        const std::size_t block_bytes = (std::size_t{read16(block + 2)} + 1) * 4;
        if (at + block_bytes > length) {
            return false;
        }
        const std::uint8_t format = block[0] & 0x1f;
        if (block[1] == 206 && (format == 1 || format == 4)) {  // payload-specific: PLI, FIR
            return true;
        }
        at += block_bytes;
    }
    return false;
}

}  // namespace interview::media
