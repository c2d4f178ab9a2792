// Which client a request comes from, as the rate limiter counts them. By default that is the
// TCP peer. Behind a reverse proxy every request has the proxy as its peer, so one guesser
// would lock every user out; when the operator names the proxy (--trusted-proxy), the client is
// read from the X-Forwarded-For list the proxies wrote, right to left, up to the first address
// that is not a trusted proxy. Entries left of that one were written by the client itself and
// are never believed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace isvc {

// A numeric IPv4 or IPv6 address. IPv4 (also written as IPv4-mapped IPv6, ::ffff:a.b.c.d) is
// kept as IPv4-mapped IPv6, so one comparison serves both families.
struct IpAddress {
    std::array<std::uint8_t, 16> bytes{};

    // Only plain numeric forms ("192.0.2.7", "2001:db8::1"); names, ports, brackets and zone
    // ids are refused.
    static std::optional<IpAddress> parse(std::string_view text);
    bool is_v4() const;

    // What the rate limiter counts: an IPv4 address on its own, an IPv6 address by its /64
    // ("2001:db8:1:2::/64"), because one IPv6 host usually holds a whole /64 and could
    // otherwise take a fresh address for every ten guesses.
    std::string rate_limit_key() const;
};

// An address with a prefix length: "10.0.0.0/8", "fd00::/8", or one address ("192.0.2.7").
class AddressRange {
  public:
    // Throws std::invalid_argument with a message for the operator when `text` is not such a
    // range, has bits set after the prefix ("10.0.0.1/8"), or is /0 (everyone: any client could
    // then name its own address).
    static AddressRange parse(std::string_view text);
    bool contains(const IpAddress& address) const;

  private:
    IpAddress network_;
    unsigned prefix_bits_ = 128;  // of the IPv6 (or IPv4-mapped) form
};

class TrustedProxies {
  public:
    TrustedProxies() = default;
    explicit TrustedProxies(std::vector<AddressRange> ranges) : ranges_(std::move(ranges)) {}

    bool empty() const { return ranges_.empty(); }

    // The rate limiter's key for a request whose TCP peer is `peer` (numeric, as the socket
    // reports it) and whose X-Forwarded-For headers, joined with commas, are `forwarded_for`
    // ("" when absent). The header is read only when the peer is a trusted proxy. A malformed
    // entry, or more than kMaxHops of them, ends the walk at the last proxy believed, so such
    // requests share that proxy's count (the safe side: never a fresh count for free).
    std::string client_key(std::string_view peer, std::string_view forwarded_for) const;

    // The per-client connection cap's key for a TCP peer (no headers are read yet): its
    // rate_limit_key(), or "" for a trusted proxy, whose connections carry many clients and
    // count only towards the global cap.
    std::string connection_key(std::string_view peer) const;

    static constexpr int kMaxHops = 16;

  private:
    bool trusted(const IpAddress& address) const;

    std::vector<AddressRange> ranges_;
};

}  // namespace isvc
