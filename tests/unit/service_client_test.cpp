// adapters::ServiceClient against a local HTTP server: answers reach the callback on the
// client's thread with status and body, the key goes in the Authorization header, many threads
// may send at once, a slow answer times out, and destroying the client completes what is still
// in flight with "shutting down". Also run under ThreadSanitizer (thread_tests, build-tsan).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "local_http_server.hpp"
#include "service_client.hpp"

namespace interview::adapters {
namespace {

using test::HttpAnswer;
using test::HttpRequest;
using test::LocalHttpServer;

const char* kKey = "k_0123456789abcdef0123";

// Collects responses from the client's thread.
class Responses {
  public:
    ServiceClient::Callback callback() {
        return [this](HttpResponse r) {
            std::lock_guard lock(mutex_);
            got_.push_back(std::move(r));
            changed_.notify_all();
        };
    }
    bool wait_for(std::size_t n, std::chrono::seconds timeout = std::chrono::seconds(30)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return got_.size() >= n; });
    }
    std::vector<HttpResponse> all() {
        std::lock_guard lock(mutex_);
        return got_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<HttpResponse> got_;
};

TEST(ServiceClient, PostsWithTheKeyAndHandsBackStatusAndBody) {
    LocalHttpServer server([](const HttpRequest& r) {
        return HttpAnswer{r.path == "/v1/verify" ? 200 : 404, "{\"echo\":" + r.body + "}"};
    });
    Responses responses;
    {
        ServiceClient client(server.url(), Secret(kKey), 5000);
        client.send("POST", "/v1/verify", "{\"a\":1}", responses.callback());
        client.send("PUT", "/v1/elsewhere", "[]", responses.callback());
        ASSERT_TRUE(responses.wait_for(2));
    }
    auto got = responses.all();
    ASSERT_EQ(got.size(), 2u);
    std::multiset<long> statuses{got[0].status, got[1].status};
    EXPECT_EQ(statuses, (std::multiset<long>{200, 404}));
    for (const auto& r : got) {
        EXPECT_TRUE(r.error.empty()) << r.error;
        EXPECT_TRUE(r.body == "{\"echo\":{\"a\":1}}" || r.body == "{\"echo\":[]}") << r.body;
    }
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    for (const auto& r : requests) {
        EXPECT_EQ(r.authorization, std::string("Bearer ") + kKey);
        EXPECT_TRUE(r.method == "POST" || r.method == "PUT");
    }
}

TEST(ServiceClient, ManyThreadsSendAtOnce) {
    LocalHttpServer server([](const HttpRequest& r) { return HttpAnswer{200, r.body}; });
    constexpr int kThreads = 4;
    constexpr int kEach = 15;
    Responses responses;
    {
        ServiceClient client(server.url(), Secret(kKey), 10000);
        std::vector<std::thread> senders;
        for (int t = 0; t < kThreads; ++t) {
            senders.emplace_back([&, t] {
                for (int i = 0; i < kEach; ++i) {
                    client.send("POST", "/v1/verify",
                                "\"" + std::to_string(t) + "-" + std::to_string(i) + "\"",
                                responses.callback());
                }
            });
        }
        for (auto& s : senders) {
            s.join();
        }
        ASSERT_TRUE(responses.wait_for(kThreads * kEach));
    }
    std::set<std::string> bodies;
    for (const auto& r : responses.all()) {
        EXPECT_EQ(r.status, 200) << r.error;
        bodies.insert(r.body);
    }
    EXPECT_EQ(bodies.size(), static_cast<std::size_t>(kThreads * kEach));  // each its own answer
}

TEST(ServiceClient, ASlowAnswerTimesOut) {
    LocalHttpServer server([](const HttpRequest&) { return HttpAnswer{200, "{}", 3000}; });
    Responses responses;
    ServiceClient client(server.url(), Secret(kKey), 200);
    const auto t0 = std::chrono::steady_clock::now();
    client.send("POST", "/v1/verify", "{}", responses.callback());
    ASSERT_TRUE(responses.wait_for(1));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2500));
    const auto got = responses.all();
    EXPECT_EQ(got[0].status, 0);
    EXPECT_FALSE(got[0].error.empty());
}

TEST(ServiceClient, DestroyingItCompletesWhatIsInFlight) {
    LocalHttpServer server([](const HttpRequest&) { return HttpAnswer{200, "{}", 5000}; });
    Responses responses;
    {
        ServiceClient client(server.url(), Secret(kKey), 10000);
        for (int i = 0; i < 5; ++i) {
            client.send("POST", "/v1/verify", "{}", responses.callback());
        }
        // Let some reach the server while others may still wait in the queue.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(responses.wait_for(5, std::chrono::seconds(1)));  // all done by the destructor
    for (const auto& r : responses.all()) {
        EXPECT_EQ(r.status, 0);
        EXPECT_EQ(r.error, "shutting down");
    }
}

}  // namespace
}  // namespace interview::adapters
