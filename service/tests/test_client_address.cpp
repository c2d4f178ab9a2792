// Which client the rate limiter counts (client_address.h): address parsing, trusted proxy
// ranges, the X-Forwarded-For walk, and the same through the real server and its flag.
#include "client_address.h"
#include "config.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace isvc;
using isvc::test::Harness;

TrustedProxies proxies(const std::vector<std::string>& ranges) {
    std::vector<AddressRange> parsed;
    for (const auto& r : ranges) {
        parsed.push_back(AddressRange::parse(r));
    }
    return TrustedProxies(std::move(parsed));
}

std::string key_of(const std::string& text) {
    const auto a = IpAddress::parse(text);
    return a ? a->rate_limit_key() : "(refused)";
}

TEST(ClientAddress, ParsesOnlyPlainNumericAddresses) {
    EXPECT_EQ(key_of("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(key_of("::ffff:192.0.2.7"), "192.0.2.7");  // IPv4-mapped is the same client
    EXPECT_EQ(key_of("2001:db8::1"), "2001:db8::/64");
    for (const char* bad :
         {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1.2.3.4:80", "[::1]", "fe80::1%eth0",
          "localhost", " 1.2.3.4", "1.2.3.4 ", "2001:db8::1::2", "unknown"}) {
        EXPECT_EQ(key_of(bad), "(refused)") << bad;
    }
}

TEST(ClientAddress, Ipv6ClientsAreCountedByTheirSlash64) {
    EXPECT_EQ(key_of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
    EXPECT_EQ(key_of("2001:db8:1:2:bbbb:cccc:dddd:2"), "2001:db8:1:2::/64");
    EXPECT_EQ(key_of("2001:db8:1:3::1"), "2001:db8:1:3::/64");
}

TEST(ClientAddress, RangesContainWhatTheirPrefixSays) {
    const auto net8 = AddressRange::parse("10.0.0.0/8");
    EXPECT_TRUE(net8.contains(*IpAddress::parse("10.255.3.4")));
    EXPECT_FALSE(net8.contains(*IpAddress::parse("11.0.0.1")));
    EXPECT_FALSE(net8.contains(*IpAddress::parse("::a00:1")));  // 10.0.0.1's bits, but IPv6
    const auto net20 = AddressRange::parse("172.16.0.0/12");
    EXPECT_TRUE(net20.contains(*IpAddress::parse("172.31.255.255")));
    EXPECT_FALSE(net20.contains(*IpAddress::parse("172.32.0.0")));
    const auto one = AddressRange::parse("192.0.2.7");
    EXPECT_TRUE(one.contains(*IpAddress::parse("192.0.2.7")));
    EXPECT_TRUE(one.contains(*IpAddress::parse("::ffff:192.0.2.7")));
    EXPECT_FALSE(one.contains(*IpAddress::parse("192.0.2.8")));
    const auto v6 = AddressRange::parse("fd00::/8");
    EXPECT_TRUE(v6.contains(*IpAddress::parse("fdab::1")));
    EXPECT_FALSE(v6.contains(*IpAddress::parse("fe00::1")));
    EXPECT_FALSE(v6.contains(*IpAddress::parse("10.0.0.1")));
    EXPECT_TRUE(AddressRange::parse("::1").contains(*IpAddress::parse("::1")));
}

TEST(ClientAddress, BadRangesAreRefusedWithTheReason) {
    const auto why = [](const char* text) -> std::string {
        try {
            AddressRange::parse(text);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "(accepted)";
    };
    EXPECT_NE(why("10.0.0.1/8").find("bits are set after the /8 prefix"), std::string::npos);
    EXPECT_NE(why("10.0.0.0/33").find("at most 32"), std::string::npos);
    EXPECT_NE(why("fd00::/129").find("at most 128"), std::string::npos);
    EXPECT_NE(why("0.0.0.0/0").find("every client"), std::string::npos);
    EXPECT_NE(why("::/0").find("every client"), std::string::npos);
    for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/8/9", "10.0.0.0/x",
                            "proxy.local", "10.0.0.0/-1", "[::1]/128", "10.0.0.0 /8"}) {
        EXPECT_NE(why(bad).find("expected an IP address or network"), std::string::npos) << bad;
    }
}

TEST(ClientAddress, ForwardedForIsReadOnlyFromTrustedPeers) {
    const TrustedProxies none;
    EXPECT_EQ(none.client_key("127.0.0.1", "203.0.113.9"), "127.0.0.1");
    const auto trusted = proxies({"127.0.0.1", "10.0.0.0/8"});
    EXPECT_EQ(trusted.client_key("198.51.100.4", "203.0.113.9"), "198.51.100.4");
    EXPECT_EQ(trusted.client_key("127.0.0.1", "203.0.113.9"), "203.0.113.9");
    EXPECT_EQ(trusted.client_key("127.0.0.1", ""), "127.0.0.1");  // the proxy's own request
    EXPECT_EQ(trusted.client_key("unknown", "203.0.113.9"), "unknown");
}

TEST(ClientAddress, TheWalkStopsAtTheFirstAddressThatIsNotAProxy) {
    const auto trusted = proxies({"10.0.0.0/8"});
    // What a client writes itself (left of what our proxy appended) is never believed.
    EXPECT_EQ(trusted.client_key("10.0.0.2", "1.1.1.1, 203.0.113.9"), "203.0.113.9");
    // Through two proxies of ours.
    EXPECT_EQ(trusted.client_key("10.0.0.2", "198.51.100.1,10.0.0.5"), "198.51.100.1");
    EXPECT_EQ(trusted.client_key("10.0.0.2", " 198.51.100.1 ,\t10.0.0.5 "), "198.51.100.1");
    // Only proxies: the farthest one.
    EXPECT_EQ(trusted.client_key("10.0.0.2", "10.0.0.9, 10.0.0.5"), "10.0.0.9");
    EXPECT_EQ(trusted.client_key("10.0.0.2", "2001:db8:7:7::99"), "2001:db8:7:7::/64");
}

TEST(ClientAddress, MalformedOrOverlongChainsKeepTheLastProxysCount) {
    const auto trusted = proxies({"10.0.0.0/8"});
    EXPECT_EQ(trusted.client_key("10.0.0.2", "garbage"), "10.0.0.2");
    EXPECT_EQ(trusted.client_key("10.0.0.2", "203.0.113.9, garbage"), "10.0.0.2");
    EXPECT_EQ(trusted.client_key("10.0.0.2", "203.0.113.9, 10.0.0.5, [::1]"), "10.0.0.2");
    EXPECT_EQ(trusted.client_key("10.0.0.2", "203.0.113.9,,10.0.0.5"), "10.0.0.5");
    EXPECT_EQ(trusted.client_key("10.0.0.2", "203.0.113.9:4431"), "10.0.0.2");
    std::string chain = "203.0.113.9";
    for (int i = 0; i <= TrustedProxies::kMaxHops; ++i) {
        chain += ", 10.0.0." + std::to_string(i + 1);
    }
    // Past kMaxHops the walk gives up on a proxy, never on the address a client wrote.
    EXPECT_EQ(trusted.client_key("10.0.0.2", chain).rfind("10.0.0.", 0), 0U) << chain;
}

TEST(ClientAddress, TrustedProxyFlagIsRepeatableAndChecked) {
    const GetEnv env = [](const char* name) -> const char* {
        const std::string n(name);
        return n == "INTERVIEW_ADMIN_KEY"     ? "admin-0123456789abcdef"
               : n == "INTERVIEW_SERVICE_KEY" ? "svc-0123456789abcdef"
                                              : nullptr;
    };
    const Config c = parse_config({"--trusted-proxy", "172.28.0.0/16", "--trusted-proxy=::1"}, env);
    ASSERT_EQ(c.trusted_proxies.size(), 2U);
    EXPECT_TRUE(c.trusted_proxies[0].contains(*IpAddress::parse("172.28.4.5")));
    EXPECT_TRUE(c.trusted_proxies[1].contains(*IpAddress::parse("::1")));
    EXPECT_TRUE(parse_config({}, env).trusted_proxies.empty());
    const auto error_of = [&](const std::vector<std::string>& args) -> std::string {
        try {
            parse_config(args, env);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "(accepted)";
    };
    EXPECT_NE(error_of({"--trusted-proxy", "10.0.0.1/8"}).find("--trusted-proxy: expected"),
              std::string::npos);
    EXPECT_NE(error_of({"--trusted-proxy", "0.0.0.0/0"}).find("every client"), std::string::npos);
    EXPECT_NE(error_of({"--trusted-proxy"}).find("missing value"), std::string::npos);
    std::vector<std::string> many;
    for (std::size_t i = 0; i <= kMaxTrustedProxies; ++i) {
        many.push_back("--trusted-proxy");
        many.push_back("10.0." + std::to_string(i) + ".0/24");
    }
    EXPECT_NE(error_of(many).find("at most 64"), std::string::npos);
}

// Ten failed admin-key attempts block their client (test_api_tokens.cpp has the limiter's
// window arithmetic); here: which client.
void fail_ten_times(Harness& h, const std::vector<std::string>& extra_headers) {
    auto headers = extra_headers;
    headers.push_back("Authorization: Bearer wrong-key-0123456789");
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(test::http("GET", h.url("/v1/interviews"), "", headers).status, 401) << i;
    }
}

// The answer to one more wrong key: 429 while that client is throttled, 401 otherwise. (The
// right key is always served, test_api_tokens.cpp.)
long admin_status(Harness& h, const std::vector<std::string>& extra_headers) {
    auto headers = extra_headers;
    headers.push_back("Authorization: Bearer wrong-key-0123456789");
    return test::http("GET", h.url("/v1/interviews"), "", headers).status;
}

TEST(ClientAddress, BehindATrustedProxyOneGuesserDoesNotLockOutEveryone) {
    Harness h(":memory:", test::test_now(), "", 15, "", proxies({"127.0.0.1"}));
    fail_ten_times(h, {"X-Forwarded-For: 203.0.113.5"});
    EXPECT_EQ(admin_status(h, {"X-Forwarded-For: 203.0.113.5"}), 429);
    // Another browser behind the same proxy is not blocked.
    EXPECT_EQ(admin_status(h, {"X-Forwarded-For: 203.0.113.6"}), 401);
    // The guesser cannot get a fresh count by writing another address left of the proxy's.
    EXPECT_EQ(admin_status(h, {"X-Forwarded-For: 198.51.100.1, 203.0.113.5"}), 429);
    // Nor by sending a second header first: all of them form one list, read from the end.
    EXPECT_EQ(admin_status(h, {"X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 203.0.113.5"}),
              429);
    // The proxy's own requests (no header) are a client of their own.
    EXPECT_EQ(admin_status(h, {}), 401);
}

TEST(ClientAddress, WithoutTrustedProxiesForwardedForIsIgnored) {
    Harness h;
    fail_ten_times(h, {"X-Forwarded-For: 203.0.113.5"});
    EXPECT_EQ(admin_status(h, {"X-Forwarded-For: 203.0.113.6"}), 429);
    EXPECT_EQ(admin_status(h, {}), 429);
}

}  // namespace
