// Hostile and broken clients at the HTTP layer: credentials judged from the headers before a
// body is read.
#include "test_support.h"

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

}  // namespace
