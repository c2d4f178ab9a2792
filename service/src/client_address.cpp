#include "client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

namespace isvc {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    // inet_pton wants a NUL-terminated string; the longest numeric IPv6 form is 45 characters.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
        return std::nullopt;
    }
    const std::string s(text);
    IpAddress a;
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        std::copy(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), a.bytes.begin());
        const auto* b = reinterpret_cast<const std::uint8_t*>(&v4.s_addr);  // network order
        std::copy(b, b + 4, a.bytes.begin() + 12);
        return a;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::copy(v6.s6_addr, v6.s6_addr + 16, a.bytes.begin());
        return a;
    }
    return std::nullopt;
}

bool IpAddress::is_v4() const {
    return std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes.begin());
}

std::string IpAddress::rate_limit_key() const {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (is_v4()) {
        inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
        return buf;
    }
    in6_addr prefix{};
    std::copy(bytes.begin(), bytes.begin() + 8, prefix.s6_addr);
    inet_ntop(AF_INET6, &prefix, buf, sizeof buf);
    return std::string(buf) + "/64";
}

AddressRange AddressRange::parse(std::string_view text) {
    const auto fail = [&](const std::string& why) {
        return std::invalid_argument(
            "expected an IP address or network such as 10.0.0.0/8 or "
            "fd00::/8, got '" +
            std::string(text) + "'" + (why.empty() ? "" : ": " + why));
    };
    const auto slash = text.find('/');
    const auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) {
        throw fail("");
    }
    const unsigned family_bits = address->is_v4() ? 32 : 128;
    unsigned bits = family_bits;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 ||
            digits.find_first_not_of("0123456789") != std::string_view::npos ||
            (digits.size() > 1 && digits[0] == '0')) {
            throw fail("the prefix length must be a number");
        }
        bits = static_cast<unsigned>(std::stoul(std::string(digits)));
        if (bits > family_bits) {
            throw fail("the prefix length is at most " + std::to_string(family_bits));
        }
    }
    if (bits == 0) {
        throw fail("a /0 trusts every client to name its own address");
    }
    AddressRange r;
    r.network_ = *address;
    r.prefix_bits_ = address->is_v4() ? bits + 96 : bits;
    // Host bits set after the prefix are most likely a typo for another network: refuse rather
    // than guess which one was meant.
    for (unsigned i = r.prefix_bits_; i < 128; ++i) {
        if ((r.network_.bytes[i / 8] >> (7 - i % 8)) & 1U) {
            throw fail("bits are set after the /" + std::to_string(bits) + " prefix");
        }
    }
    return r;
}

bool AddressRange::contains(const IpAddress& address) const {
    const unsigned whole = prefix_bits_ / 8;
    for (unsigned i = 0; i < whole; ++i) {
        if (address.bytes[i] != network_.bytes[i]) {
            return false;
        }
    }
    if (const unsigned rest = prefix_bits_ % 8; rest != 0) {
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
        return (address.bytes[whole] & mask) == (network_.bytes[whole] & mask);
    }
    return true;
}

bool TrustedProxies::trusted(const IpAddress& address) const {
    for (const auto& r : ranges_) {
        if (r.contains(address)) {
            return true;
        }
    }
    return false;
}

std::string TrustedProxies::connection_key(std::string_view peer) const {
    const auto address = IpAddress::parse(peer);
    if (!address) {
        return std::string(peer);
    }
    return trusted(*address) ? std::string() : address->rate_limit_key();
}

std::string TrustedProxies::client_key(std::string_view peer,
                                       std::string_view forwarded_for) const {
    const auto peer_address = IpAddress::parse(peer);
    if (!peer_address) {
        return std::string(peer);  // not an IP socket; nothing better to count by
    }
    IpAddress client = *peer_address;
    int hops = 0;
    // Each proxy appends the address it was connected from, so the list is read from its end
    // for as long as the address read is one of our proxies.
    while (trusted(client) && !forwarded_for.empty() && hops < kMaxHops) {
        const auto comma = forwarded_for.rfind(',');
        const auto entry =
            trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
        forwarded_for =
            comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
        const auto next = IpAddress::parse(entry);
        if (!next) {
            break;
        }
        client = *next;
        ++hops;
    }
    return client.rate_limit_key();
}

}  // namespace isvc
