// The transport itself: ephemeral ports, listen-address parsing, bodies cut off at the limit,
// concurrent clients.
#include "sqlite.h"
#include "test_support.h"

#include <atomic>
#include <thread>

namespace {

using namespace isvc;
using namespace isvc::test;

TEST(HttpLayer, BindsAnEphemeralPort) {
    Harness a;
    Harness b;
    EXPECT_NE(a.server->port(), 0);
    EXPECT_NE(a.server->port(), b.server->port());
}

TEST(HttpLayer, ParseListen) {
    std::string host;
    std::uint16_t port = 0;
    EXPECT_TRUE(parse_listen("127.0.0.1:8090", host, port));
    EXPECT_EQ(host, "127.0.0.1");
    EXPECT_EQ(port, 8090);
    EXPECT_TRUE(parse_listen("[::1]:0", host, port));
    EXPECT_EQ(host, "::1");
    EXPECT_EQ(port, 0);
    for (const char* bad : {"", ":8090", "127.0.0.1:", "127.0.0.1:abc", "127.0.0.1:99999",
                            "[::1]8090", "::1:8090", "example.com:80", "127.0.0.1:80:80"}) {
        EXPECT_FALSE(parse_listen(bad, host, port)) << bad;
    }
}

TEST(HttpLayer, ServesIpv6Loopback) {
    Store store(":memory:");
    ManualClock clock(test_now());
    RateLimiter limiter;
    InterviewService svc(store, clock, 15);
    Api api(svc, limiter, ApiConfig{kAdminKey, kServiceKey, "", 1048576, {}});
    ServerOptions opts;
    opts.listen_host = "::1";
    opts.port = 0;
    try {
        HttpServer server(api, opts, [](std::string_view) {});
        Reply r = http("GET", "http://[::1]:" + std::to_string(server.port()) + "/v1/health");
        EXPECT_EQ(r.status, 200);
    } catch (const std::runtime_error& e) {
        GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
    }
}

TEST(HttpLayer, RefusesAPortInUse) {
    Harness h;
    Store store(":memory:");
    ManualClock clock(test_now());
    RateLimiter limiter;
    InterviewService svc(store, clock, 15);
    Api api(svc, limiter, ApiConfig{kAdminKey, kServiceKey, "", 1048576, {}});
    ServerOptions opts;
    opts.port = h.server->port();
    EXPECT_THROW(HttpServer(api, opts, [](std::string_view) {}), std::runtime_error);
}

TEST(HttpLayer, ChunkedBodyOverLimitIsCutOff) {
    Harness h;
    // Without Content-Length the limit is enforced while the body streams in.
    Reply r = http("POST", h.url("/v1/interviews"), std::string(70 * 1024, ' '),
                   {"Authorization: Bearer " + kAdminKey, "Transfer-Encoding: chunked"});
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.error_code(), "body_too_large");
    EXPECT_EQ(h.anon("GET", "/v1/health").status, 200);
}

TEST(HttpLayer, TransportErrorsCarryTheUsualHeaders) {
    Harness h(":memory:", test_now(), "http://localhost:5173");
    Reply r = http("POST", h.url("/v1/interviews"), std::string(65 * 1024, ' '),
                   {"Authorization: Bearer " + kAdminKey, "Origin: http://localhost:5173"});
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_EQ(r.headers["cache-control"], "no-store");
    EXPECT_EQ(r.headers["access-control-allow-origin"], "http://localhost:5173");
}

TEST(HttpLayer, StorageFailureIsA500WithoutDetails) {
    TempDir dir;
    Harness h(dir.file("broken.db"));
    Reply c = h.create();
    {
        // Another process damages the schema under the running service.
        Database raw(dir.file("broken.db"));
        raw.exec("DROP TABLE final_code");
    }
    Reply r = h.admin("GET", "/v1/interviews/" + c.str("id") + "/final-code");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.error_code(), "internal_error");
    EXPECT_EQ(r.body.find("final_code"), std::string::npos);  // no SQLite message leaks out
    EXPECT_EQ(h.anon("GET", "/v1/health").status, 200);
}

TEST(HttpLayer, ConcurrentClients) {
    Harness h;
    Reply c = h.create();
    const std::string path = "/v1/interviews/" + c.str("id") + "/me";
    const std::string token = tokens_of(c)[0];
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 20; ++i) {
                if (http("GET", h.url(path), "", {"Authorization: Bearer " + token}).status ==
                    200) {
                    ++ok;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(ok.load(), 160);
}

}  // namespace
