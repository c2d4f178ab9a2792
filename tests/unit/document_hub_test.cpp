// adapters::DocumentHub through its public API, with a real redis-server of its own (started by
// the fixture on a free loopback port; redis-server is a test dependency, scripts/setup.sh
// installs it, and its absence fails the tests): an edit is committed and broadcast to both
// members, a restarted hub reloads the document from Redis, and many threads joining, leaving,
// sending and asking for summaries at once while documents load and unload, and hubs being
// destroyed with work in flight, leave the hub consistent. Also run under ThreadSanitizer
// (thread_tests, build-tsan), which is where the races would show.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "document_hub.hpp"
#include "json_ptr.hpp"

extern char** environ;

namespace interview::adapters {
namespace {

using namespace std::chrono_literals;

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

// A redis-server of the test's own, without persistence, stopped at the end.
class RedisServer {
  public:
    RedisServer() : port_(free_port()) {
        const std::string port = std::to_string(port_);
        std::vector<std::string> args = {
            "redis-server", "--port", port,          "--bind", "127.0.0.1", "--save",   "",
            "--appendonly", "no",     "--daemonize", "no",     "--logfile", "/dev/null"};
        std::vector<char*> argv;
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        if (posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
            pid_ = -1;
            return;
        }
        for (int i = 0; i < 500 && !accepts(port_); ++i) {
            std::this_thread::sleep_for(10ms);
        }
    }
    ~RedisServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    bool running() const { return pid_ > 0 && accepts(port_); }
    int port() const { return port_; }

  private:
    int port_;
    pid_t pid_ = -1;
};

// Records what the hub sends, from the hub's thread.
class RecordingSink : public DataSink {
  public:
    bool send(room::SessionKey to, const std::string& text) override {
        record(to, text);
        return true;
    }
    bool send_beyond_budget(room::SessionKey to, const std::string& text) override {
        record(to, text);
        return true;
    }
    bool wait_for(
        const std::function<bool(const std::multimap<room::SessionKey, std::string>&)>& ready,
        std::chrono::milliseconds timeout = 20s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return ready(sent_); });
    }
    std::multimap<room::SessionKey, std::string> sent() {
        std::lock_guard lock(mutex_);
        return sent_;
    }

  private:
    void record(room::SessionKey to, const std::string& text) {
        std::lock_guard lock(mutex_);
        sent_.emplace(to, text);
        changed_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::multimap<room::SessionKey, std::string> sent_;
};

std::size_t count_containing(const std::multimap<room::SessionKey, std::string>& sent,
                             room::SessionKey key, const std::string& part) {
    std::size_t n = 0;
    auto [from, to] = sent.equal_range(key);
    for (auto it = from; it != to; ++it) {
        n += it->second.find(part) != std::string::npos ? 1 : 0;
    }
    return n;
}

// The revision of an "op" message (an acknowledged edit), nullopt for any other message.
std::optional<std::uint64_t> op_revision(const std::string& text) {
    json_error_t error;
    JsonPtr m(json_loads(text.c_str(), 0, &error));
    const char* type = json_string_value(json_object_get(m.get(), "type"));
    if (type == nullptr || std::string(type) != "op") {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(json_integer_value(json_object_get(m.get(), "revision")));
}

std::int64_t in_an_hour() {
    return static_cast<std::int64_t>(std::time(nullptr)) + 3600;
}

access::Participant person(int i) {
    return {"p_" + std::to_string(i), "P" + std::to_string(i),
            i % 2 == 0 ? access::Role::applicant : access::Role::recruiter};
}

std::string hello(const std::string& client) {
    return R"({"type":"hello","client_id":")" + client + R"(","last_revision":null})";
}

class DocumentHubTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(redis_.running())
            << "redis-server could not be started (a test dependency; scripts/setup.sh)";
        config_.redis.port = redis_.port();
        config_.redis.command_timeout_ms = 5000;
    }
    bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout = 20s) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            if (ready()) {
                return true;
            }
            std::this_thread::sleep_for(10ms);
        }
        return ready();
    }

    RedisServer redis_;
    HubConfig config_;
};

TEST_F(DocumentHubTest, AnEditIsCommittedAndBroadcastAndSurvivesARestart) {
    {
        RecordingSink sink;
        DocumentHub hub(config_, sink);
        hub.member_joined("iv_one", 1, person(0), in_an_hour());
        hub.member_joined("iv_one", 2, person(1), in_an_hour());
        hub.data(1, hello("c1"));
        hub.data(2, hello("c2"));
        // Nothing is held while the document loads (an edit then is refused): edit once synced.
        ASSERT_TRUE(sink.wait_for([](const auto& sent) {
            return count_containing(sent, 1, "synced") == 1 &&
                   count_containing(sent, 2, "synced") == 1;
        }));
        hub.data(1, R"({"op":"insert","char":"hi","pos":0})");
        ASSERT_TRUE(sink.wait_for([](const auto& sent) {
            return count_containing(sent, 1, R"("type":"op")") == 1 &&
                   count_containing(sent, 2, R"("type":"op")") == 1;
        })) << "the op did not reach both members";
        EXPECT_TRUE(wait_until([&] { return hub.relay_stats().commits == 1; }));
        const auto summaries = hub.summaries();
        ASSERT_EQ(summaries.size(), 1u);
        EXPECT_EQ(summaries[0].revision, 1u);
        EXPECT_EQ(summaries[0].members, 2u);
        hub.member_left(1);
        hub.member_left(2);
        EXPECT_TRUE(wait_until([&] { return hub.summaries().empty(); }));
    }
    // A new hub (a restarted Janus) reads the document back from Redis.
    RecordingSink sink;
    DocumentHub hub(config_, sink);
    hub.member_joined("iv_one", 3, person(0), in_an_hour());
    hub.data(3, hello("c3"));
    ASSERT_TRUE(sink.wait_for(
        [](const auto& sent) { return count_containing(sent, 3, R"("type":"synced")") == 1; }));
    std::string to_3;
    for (const auto& [key, text] : sink.sent()) {
        to_3 += key == 3 ? text + "\n" : "";
    }
    EXPECT_EQ(count_containing(sink.sent(), 3, R"("text":"hi")"), 1u) << to_3;
    EXPECT_EQ(count_containing(sink.sent(), 3, R"("revision":1)"), 2u) << to_3;  // snapshot, synced
}

// Joins, leaves, edits and drains from several threads while documents load and unload, and
// operators ask for summaries; then the hub is destroyed with work in flight. Twice: the second
// hub reloads what the first committed.
TEST_F(DocumentHubTest, JoinLeaveAndEditRacesLeaveItConsistent) {
    constexpr int kThreads = 4;
    constexpr int kRounds = 30;
    const char* kInterviews[] = {"iv_race_a", "iv_race_b", "iv_race_c"};
    // The highest revision acknowledged (an "op" sent) per interview, over both lifetimes.
    std::map<std::string, std::uint64_t> acknowledged;
    for (int lifetime = 0; lifetime < 2; ++lifetime) {
        SCOPED_TRACE("hub lifetime " + std::to_string(lifetime));
        RecordingSink sink;
        DocumentHub hub(config_, sink);
        std::atomic<bool> stop{false};
        std::thread operator_thread([&] {
            while (!stop) {
                (void)hub.summaries();
                (void)hub.relay_stats();
                (void)hub.redis_up();
                std::this_thread::sleep_for(1ms);
            }
        });
        std::vector<std::thread> participants;
        std::map<room::SessionKey, std::string> joined;  // key -> interview
        std::mutex joined_mutex;
        for (int t = 0; t < kThreads; ++t) {
            participants.emplace_back([&, t] {
                for (int round = 0; round < kRounds; ++round) {
                    const room::SessionKey key = 1000 * (lifetime + 1) + 100 * t + round;
                    const std::string id = kInterviews[(t + round) % 3];
                    {
                        std::lock_guard lock(joined_mutex);
                        joined[key] = id;
                    }
                    const std::string client = "c" + std::to_string(key);
                    hub.member_joined(id, key, person(t + round), in_an_hour());
                    hub.data(key, hello(client));
                    if (round % 3 == 2) {
                        // Some edit once synced (before, while the document loads, edits are
                        // refused), so that each lifetime has acknowledged edits to check.
                        ASSERT_TRUE(sink.wait_for([key](const auto& sent) {
                            return count_containing(sent, key, "synced") >= 1;
                        }));
                    }
                    for (int e = 0; e < 3; ++e) {
                        hub.data(key, R"({"op":"insert","char":"x","pos":0})");
                    }
                    hub.data(key, R"({"type":"ping","t":1})");
                    hub.drained(key);
                    if (round % 3 != 2) {
                        // Leave at once: sometimes before the document even loaded.
                        hub.member_left(key);
                    } else {
                        std::this_thread::sleep_for(5ms);
                        hub.member_left(key);
                    }
                    hub.member_left(key);  // twice: harmless
                }
            });
        }
        for (auto& p : participants) {
            p.join();
        }
        // Everyone left: documents unload once their commits are confirmed.
        EXPECT_TRUE(wait_until([&] { return hub.summaries().empty(); }));
        stop = true;
        operator_thread.join();
        const auto sent = sink.sent();
        for (const auto& [key, text] : sent) {
            ASSERT_EQ(joined.count(key), 1u) << "sent to a session that never joined: " << key;
            if (const auto revision = op_revision(text)) {
                auto& highest = acknowledged[joined[key]];
                highest = std::max(highest, *revision);
            }
        }
        EXPECT_GT(hub.relay_stats().commits, 0u) << "nothing was committed";
        // Destroyed right after more work was posted.
        hub.member_joined("iv_race_a", 9999, person(0), in_an_hour());
        hub.data(9999, hello("c9999"));
        hub.data(9999, R"({"op":"insert","char":"y","pos":0})");
    }
    // Everything acknowledged in either lifetime is in Redis: a new hub loads at least that.
    RecordingSink sink;
    DocumentHub hub(config_, sink);
    for (int i = 0; i < 3; ++i) {
        hub.member_joined(kInterviews[i], 50 + i, person(0), in_an_hour());
        hub.data(50 + i, hello("c_check" + std::to_string(i)));
    }
    ASSERT_TRUE(sink.wait_for([](const auto& sent) {
        return count_containing(sent, 50, "synced") == 1 &&
               count_containing(sent, 51, "synced") == 1 &&
               count_containing(sent, 52, "synced") == 1;
    }));
    // The summaries are published once the documents' queued messages were handled.
    ASSERT_TRUE(wait_until([&] {
        const auto summaries = hub.summaries();
        return summaries.size() == 3 && std::all_of(summaries.begin(), summaries.end(),
                                                    [](const auto& s) { return s.loaded; });
    }));
    for (const auto& s : hub.summaries()) {
        SCOPED_TRACE(s.interview_id);
        EXPECT_GT(acknowledged[s.interview_id], 0u);
        EXPECT_GE(s.revision, acknowledged[s.interview_id]);
    }
}

}  // namespace
}  // namespace interview::adapters
