// ConnectionGuard on its own, with made-up connection ids and times: which connection is
// closed, and when.
#include "connection_guard.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

using isvc::ConnectionGuard;
using isvc::ConnectionLimits;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct Fixture {
    explicit Fixture(ConnectionLimits limits)
        : guard(limits, [this](ConnectionGuard::Id id, int fd) {
              EXPECT_EQ(fd, static_cast<int>(id) + 1000);  // the fd it was opened with
              closed.push_back(id);
          }) {}
    void open(ConnectionGuard::Id id, const std::string& client,
              ConnectionGuard::Clock::duration at) {
        guard.opened(id, static_cast<int>(id) + 1000, client, t0 + at);
    }
    std::vector<ConnectionGuard::Id> take() { return std::exchange(closed, {}); }

    ConnectionGuard::Clock::time_point t0 = ConnectionGuard::Clock::now();
    std::vector<ConnectionGuard::Id> closed;
    ConnectionGuard guard;
};

ConnectionLimits limits(unsigned max, unsigned per_client) {
    ConnectionLimits l;
    l.max_connections = max;
    l.max_per_client = per_client;
    l.header_timeout_seconds = 10;
    l.body_timeout_seconds = 30;
    l.idle_timeout_seconds = 5;
    return l;
}

TEST(ConnectionGuard, HeadersAreDueWithinTheHeaderTimeoutWhateverArrives) {
    Fixture f(limits(100, 10));
    f.open(1, "a", seconds(0));
    // request_started on a fresh connection (its request line came in) does not move the
    // deadline: the header timeout counts from accept, however the bytes trickle in.
    f.guard.request_started(1, f.t0 + seconds(9));
    f.guard.expire(f.t0 + seconds(9) + milliseconds(999));
    EXPECT_TRUE(f.take().empty());
    f.guard.expire(f.t0 + seconds(10));
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{1});
    EXPECT_EQ(f.guard.stats().timed_out, 1u);
    EXPECT_EQ(f.guard.stats().open, 0u);
    // Closed once only; the closed() report afterwards forgets it.
    f.guard.expire(f.t0 + seconds(60));
    EXPECT_TRUE(f.take().empty());
    f.guard.closed(1);
    EXPECT_EQ(f.guard.open_for("a"), 0u);
}

TEST(ConnectionGuard, BodyBusyAndIdlePhases) {
    Fixture f(limits(100, 10));
    f.open(1, "a", seconds(0));
    f.guard.headers_done(1, f.t0 + seconds(2));  // the body is due by 32 s
    f.guard.expire(f.t0 + seconds(31));
    EXPECT_TRUE(f.take().empty());
    f.guard.responding(1);  // no deadline while the answer goes out
    f.guard.expire(f.t0 + seconds(300));
    EXPECT_TRUE(f.take().empty());
    f.guard.request_done(1, f.t0 + seconds(300));     // idle: the next request by 305 s
    f.guard.request_started(1, f.t0 + seconds(304));  // its headers by 314 s
    f.guard.expire(f.t0 + seconds(313));
    EXPECT_TRUE(f.take().empty());
    f.guard.expire(f.t0 + seconds(314));
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{1});

    f.open(2, "a", seconds(0));
    f.guard.headers_done(2, f.t0);
    f.guard.expire(f.t0 + seconds(30));  // a body still not complete after 30 s
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{2});

    f.open(3, "a", seconds(0));
    f.guard.headers_done(3, f.t0);
    f.guard.responding(3);
    f.guard.request_done(3, f.t0 + seconds(1));
    f.guard.expire(f.t0 + seconds(6));  // idle for the idle timeout
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{3});
}

TEST(ConnectionGuard, AClientOverItsCapLosesItsLongestWaitingConnection) {
    Fixture f(limits(100, 3));
    f.open(1, "a", seconds(1));
    f.open(2, "a", seconds(2));
    f.open(3, "a", seconds(3));
    f.open(10, "b", seconds(3));
    EXPECT_TRUE(f.take().empty());
    f.open(4, "a", seconds(4));
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{1});
    EXPECT_EQ(f.guard.open_for("a"), 3u);
    EXPECT_EQ(f.guard.open_for("b"), 1u);
    // A connection busy with a request is not taken; the longest waiting one is (2), and an
    // idle one counts as waiting since it became idle.
    f.guard.headers_done(2, f.t0 + seconds(5));
    f.guard.headers_done(3, f.t0 + seconds(5));
    f.guard.responding(3);
    f.guard.request_done(3, f.t0 + seconds(6));
    f.open(5, "a", seconds(7));
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{4});
    f.open(6, "a", seconds(8));
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{3});
    // When the others are all busy, the newcomer is the one closed.
    f.guard.headers_done(5, f.t0 + seconds(9));
    f.guard.headers_done(6, f.t0 + seconds(9));
    f.open(7, "a", seconds(10));
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{7});
    EXPECT_EQ(f.guard.stats().evicted, 4u);
}

TEST(ConnectionGuard, TheCapFreesUpWhenConnectionsClose) {
    Fixture f(limits(100, 2));
    f.open(1, "a", seconds(1));
    f.open(2, "a", seconds(2));
    f.guard.closed(1);  // the client hung up
    f.open(3, "a", seconds(3));
    EXPECT_TRUE(f.take().empty());
    EXPECT_EQ(f.guard.open_for("a"), 2u);
}

TEST(ConnectionGuard, TrustedProxiesAreNotCappedPerClientOnlyGlobally) {
    Fixture f(limits(5, 1));
    for (ConnectionGuard::Id id = 1; id <= 5; ++id) {
        f.open(id, "", seconds(id));
    }
    EXPECT_TRUE(f.take().empty());
    f.open(6, "", seconds(6));
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{1});
}

TEST(ConnectionGuard, AtTheGlobalCapTheLongestWaitingOfAnyClientGoes) {
    Fixture f(limits(4, 4));
    f.open(1, "a", seconds(1));
    f.open(2, "b", seconds(2));
    f.open(3, "c", seconds(3));
    f.open(4, "d", seconds(4));
    f.guard.headers_done(1, f.t0 + seconds(5));
    f.open(5, "e", seconds(6));
    EXPECT_EQ(f.take(), std::vector<ConnectionGuard::Id>{2});
    EXPECT_EQ(f.guard.stats().open, 4u);
}

}  // namespace
