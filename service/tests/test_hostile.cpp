// Hostile and broken clients at the HTTP layer: credentials judged from the headers before a
// body is read; slow clients closed at the header, body and idle timeouts; the per-client and
// global connection caps.
#include "test_support.h"

#include <chrono>
#include <memory>

namespace {

using namespace isvc;
using namespace isvc::test;

// A request's head with `extra` header lines, announcing `length` bytes of body that never come.
std::string head(const std::string& method, const std::string& path, const std::string& extra,
                 std::size_t length) {
    return method + " " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n" +
           extra + "Content-Length: " + std::to_string(length) + "\r\n\r\n";
}

// What the server answers within 5 s (generous: the answer is due at once) and whether it then
// closed the connection.
struct Answer {
    std::string text;
    bool closed = false;
};

Answer answer_to(std::uint16_t port, const std::string& request) {
    RawClient c(port);
    EXPECT_TRUE(c.connected());
    EXPECT_TRUE(c.send(request));
    Answer a;
    a.text = c.read_until_closed(5000, a.closed);
    return a;
}

TEST(Hostile, AWrongKeyIsRefusedBeforeTheBodyIsRead) {
    Harness h;
    Reply c = h.create();
    const std::string final_code = "/v1/interviews/" + c.str("id") + "/final-code";
    // A megabyte announced, not a byte sent: the 401 comes from the headers alone, and the
    // connection is closed since the body will not be read.
    for (const std::string& auth :
         {std::string("Authorization: Bearer wrong-key\r\n"),
          std::string("Authorization: Bearer " + kAdminKey + "\r\n"), std::string()}) {
        Answer a = answer_to(h.server->port(), head("PUT", final_code, auth, 1000000));
        EXPECT_EQ(a.text.rfind("HTTP/1.1 401", 0), 0u) << auth << a.text;
        EXPECT_NE(a.text.find("\"unauthorized\""), std::string::npos) << a.text;
        EXPECT_NE(a.text.find("Connection: close\r\n"), std::string::npos) << a.text;
        EXPECT_TRUE(a.closed) << auth;
    }
    // The same on the admin routes, with a body under their 64 KiB.
    Answer a = answer_to(h.server->port(),
                         head("POST", "/v1/interviews", "Authorization: Bearer wrong\r\n", 60000));
    EXPECT_EQ(a.text.rfind("HTTP/1.1 401", 0), 0u) << a.text;
    EXPECT_TRUE(a.closed);
    // And on /verify, whose body holds the token but whose key is in the headers.
    a = answer_to(h.server->port(), head("POST", "/v1/verify", "", 60000));
    EXPECT_EQ(a.text.rfind("HTTP/1.1 401", 0), 0u) << a.text;
    EXPECT_TRUE(a.closed);
    // A wrong join token on /me, which takes no body.
    a = answer_to(h.server->port(), head("GET", "/v1/interviews/" + c.str("id") + "/me",
                                         "Authorization: Bearer not-a-token\r\n", 60000));
    EXPECT_EQ(a.text.rfind("HTTP/1.1 401", 0), 0u) << a.text;
    EXPECT_NE(a.text.find("\"invalid_token\""), std::string::npos) << a.text;
    EXPECT_TRUE(a.closed);
}

TEST(Hostile, AnUnauthenticatedOversizedBodyGetsA401NotA413) {
    Harness h;
    // Only a caller with the key learns the size limit.
    Answer a = answer_to(h.server->port(), head("POST", "/v1/interviews", "", 100 * 1024 * 1024));
    EXPECT_EQ(a.text.rfind("HTTP/1.1 401", 0), 0u) << a.text;
    a = answer_to(h.server->port(),
                  head("POST", "/v1/interviews", "Authorization: Bearer " + kAdminKey + "\r\n",
                       100 * 1024 * 1024));
    EXPECT_EQ(a.text.rfind("HTTP/1.1 413", 0), 0u) << a.text;
}

TEST(Hostile, ThrottledGuessesAreRefusedBeforeTheBodyToo) {
    Harness h;
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(
            http("POST", h.url("/v1/interviews"), "{}", {"Authorization: Bearer wrong"}).status,
            401);
    }
    Answer a = answer_to(h.server->port(),
                         head("POST", "/v1/interviews", "Authorization: Bearer wrong\r\n", 60000));
    EXPECT_EQ(a.text.rfind("HTTP/1.1 429", 0), 0u) << a.text;
    EXPECT_NE(a.text.find("Retry-After: 60"), std::string::npos) << a.text;
    EXPECT_TRUE(a.closed);
}

TEST(Hostile, TheRightKeyStillGetsItsBodyRead) {
    Harness h;
    RawClient c(h.server->port());
    const std::string body = h.default_body();
    ASSERT_TRUE(c.send(head("POST", "/v1/interviews", "Authorization: Bearer " + kAdminKey + "\r\n",
                            body.size())));
    ASSERT_TRUE(c.send(body));
    std::string got;
    EXPECT_TRUE(c.read_until("\r\n\r\n", 5000, got)) << got;
    EXPECT_EQ(got.rfind("HTTP/1.1 201", 0), 0u) << got;
}

TEST(Hostile, UnknownPathsAndMethodsAreAnsweredBeforeTheBody) {
    Harness h;
    Answer a = answer_to(h.server->port(), head("POST", "/v1/nothing-here", "", 60000));
    EXPECT_EQ(a.text.rfind("HTTP/1.1 404", 0), 0u) << a.text;
    EXPECT_TRUE(a.closed);
    a = answer_to(h.server->port(), head("DELETE", "/v1/interviews", "", 60000));
    EXPECT_EQ(a.text.rfind("HTTP/1.1 405", 0), 0u) << a.text;
    EXPECT_TRUE(a.closed);
}

ConnectionLimits short_limits() {
    ConnectionLimits l;
    l.header_timeout_seconds = 1;
    l.body_timeout_seconds = 1;
    l.idle_timeout_seconds = 1;
    return l;
}

Harness with_limits(ConnectionLimits l) {
    return Harness(":memory:", test_now(), "", 15, "", {}, {}, l);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Waits (5 s at most) for the server to close `c`; returns how long it took, or -1.
double closed_after(RawClient& c, std::chrono::steady_clock::time_point since) {
    bool closed = false;
    c.read_until_closed(5000, closed);
    return closed ? seconds_since(since) : -1;
}

TEST(Hostile, TricklingHeadersAreCutOffAtTheHeaderTimeout) {
    Harness h = with_limits(short_limits());
    RawClient c(h.server->port());
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(c.send("GET /v1/health HTTP/1.1\r\nHost: test\r\n"));
    // A header byte every 100 ms resets any inactivity timer, but the headers never end.
    bool closed = false;
    while (!closed && seconds_since(start) < 5) {
        c.send("X");
        c.read_until_closed(100, closed);
    }
    EXPECT_TRUE(closed);
    EXPECT_GE(seconds_since(start), 0.9);  // the timeout, not something earlier
    EXPECT_LT(seconds_since(start), 4.0);  // and not libmicrohttpd's own 30 s
}

TEST(Hostile, ABodyThatNeverCompletesIsCutOffAtTheBodyTimeout) {
    Harness h = with_limits(short_limits());
    RawClient c(h.server->port());
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(c.send(
        head("POST", "/v1/interviews", "Authorization: Bearer " + kAdminKey + "\r\n", 1000)));
    ASSERT_TRUE(c.send("{\"title\":"));
    const double took = closed_after(c, start);
    EXPECT_GE(took, 0.9);
    EXPECT_LT(took, 4.0);
}

TEST(Hostile, AnIdleKeptAliveConnectionIsClosedAtTheIdleTimeout) {
    Harness h = with_limits(short_limits());
    RawClient c(h.server->port());
    ASSERT_TRUE(c.send("GET /v1/health HTTP/1.1\r\nHost: test\r\n\r\n"));
    std::string got;
    ASSERT_TRUE(c.read_until("\"status\":\"ok\"", 5000, got)) << got;
    const auto answered = std::chrono::steady_clock::now();
    // Kept alive: a second request on it is served too.
    got.clear();
    ASSERT_TRUE(c.send("GET /v1/health HTTP/1.1\r\nHost: test\r\n\r\n"));
    ASSERT_TRUE(c.read_until("\"status\":\"ok\"", 5000, got)) << got;
    const double took = closed_after(c, answered);
    EXPECT_GE(took, 0.9);
    EXPECT_LT(took, 4.0);
}

TEST(Hostile, OneClientCannotHoldMoreThanItsShareOfConnections) {
    ConnectionLimits l;
    l.max_per_client = 4;
    Harness h = with_limits(l);
    std::vector<std::unique_ptr<RawClient>> stalled;
    for (int i = 0; i < 10; ++i) {
        stalled.push_back(std::make_unique<RawClient>(h.server->port(), "127.0.0.5"));
        ASSERT_TRUE(stalled.back()->send("GET /v1/health HTTP/1.1\r\nHost: test\r\n"));
    }
    // The oldest six were closed to keep 127.0.0.5 at four, at once (not at a timeout).
    for (int i = 0; i < 6; ++i) {
        bool closed = false;
        stalled[static_cast<std::size_t>(i)]->read_until_closed(5000, closed);
        EXPECT_TRUE(closed) << i;
    }
    // Another client is untouched by it; the same client still gets a request through, at the
    // expense of its longest-waiting stalled connection.
    EXPECT_EQ(h.anon("GET", "/v1/health").status, 200);
    RawClient same(h.server->port(), "127.0.0.5");
    ASSERT_TRUE(same.send("GET /v1/health HTTP/1.1\r\nHost: test\r\n\r\n"));
    std::string got;
    EXPECT_TRUE(same.read_until("\"status\":\"ok\"", 5000, got)) << got;
    bool closed = false;
    stalled[6]->read_until_closed(5000, closed);
    EXPECT_TRUE(closed);
}

TEST(Hostile, AtTheGlobalCapTheLongestWaitingConnectionMakesRoom) {
    ConnectionLimits l;
    l.max_connections = 16;
    l.max_per_client = 16;
    Harness h = with_limits(l);
    std::vector<std::unique_ptr<RawClient>> stalled;
    for (int i = 0; i < 24; ++i) {  // from 24 addresses: no per-client cap applies
        stalled.push_back(
            std::make_unique<RawClient>(h.server->port(), "127.0.2." + std::to_string(i + 1)));
        ASSERT_TRUE(stalled.back()->send("GET /v1/health HTTP/1.1\r\nHost: test\r\n"));
    }
    for (int i = 0; i < 8; ++i) {
        bool closed = false;
        stalled[static_cast<std::size_t>(i)]->read_until_closed(5000, closed);
        EXPECT_TRUE(closed) << i;
    }
    EXPECT_EQ(h.anon("GET", "/v1/health").status, 200);
    EXPECT_EQ(h.admin("GET", "/v1/interviews").status, 200);
}

}  // namespace
