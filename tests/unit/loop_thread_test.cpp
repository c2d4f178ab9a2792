// adapters::LoopThread: posted tasks run on its thread, in the order each poster posted them,
// also when posted from other threads at once and from a task itself.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "loop_thread.hpp"

namespace interview::adapters {
namespace {

TEST(LoopThread, RunsEveryPostedTaskOnItsThreadInEachPostersOrder) {
    LoopThread loop;
    constexpr int kThreads = 4;
    constexpr int kTasks = 5000;
    std::mutex mutex;
    std::condition_variable done;
    std::vector<std::vector<int>> seen(kThreads);
    std::atomic<int> ran{0};
    std::atomic<bool> wrong_thread{false};
    std::thread::id loop_thread;
    loop.post([&] { loop_thread = std::this_thread::get_id(); });
    std::vector<std::thread> posters;
    for (int t = 0; t < kThreads; ++t) {
        posters.emplace_back([&, t] {
            for (int i = 0; i < kTasks; ++i) {
                loop.post([&, t, i] {
                    if (std::this_thread::get_id() != loop_thread) {
                        wrong_thread = true;
                    }
                    seen[t].push_back(i);  // only the loop thread touches seen
                    if (++ran == kThreads * kTasks) {
                        std::lock_guard lock(mutex);
                        done.notify_one();
                    }
                });
            }
        });
    }
    for (auto& p : posters) {
        p.join();
    }
    std::unique_lock lock(mutex);
    ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(30),
                              [&] { return ran.load() == kThreads * kTasks; }));
    EXPECT_FALSE(wrong_thread.load());
    for (const auto& order : seen) {
        ASSERT_EQ(order.size(), static_cast<std::size_t>(kTasks));
        for (int i = 0; i < kTasks; ++i) {
            ASSERT_EQ(order[i], i);
        }
    }
}

TEST(LoopThread, ATaskMayPostAndItsTaskRunsAfterIt) {
    LoopThread loop;
    std::mutex mutex;
    std::condition_variable done;
    std::vector<int> order;
    bool finished = false;
    loop.post([&] {
        order.push_back(1);
        loop.post([&] {
            order.push_back(3);
            std::lock_guard lock(mutex);
            finished = true;
            done.notify_one();
        });
        order.push_back(2);
    });
    std::unique_lock lock(mutex);
    ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(10), [&] { return finished; }));
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(LoopThread, StopJoinsAndDropsWhatWasNotRun) {
    std::atomic<int> ran{0};
    {
        LoopThread loop;
        loop.post([&] { ++ran; });
        loop.stop();
        const int after_stop = ran.load();
        EXPECT_EQ(after_stop, 1);   // posted before the stop: run
        loop.post([&] { ++ran; });  // nobody runs the loop any more
        loop.stop();                // idempotent
    }
    EXPECT_EQ(ran.load(), 1);
}

}  // namespace
}  // namespace interview::adapters
