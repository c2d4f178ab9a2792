// util::LatencyWindow: the recent-durations window behind the admin API's latency figures.
#include <gtest/gtest.h>

#include <limits>

#include "util/latency_window.hpp"

using interview::util::LatencyWindow;

TEST(LatencyWindow, EmptyWindowSummarisesToZeros) {
    const LatencyWindow window(8);
    const auto s = window.summary();
    EXPECT_EQ(s.samples, 0u);
    EXPECT_EQ(s.p50, 0);
    EXPECT_EQ(s.p99, 0);
    EXPECT_EQ(s.max, 0);
    EXPECT_EQ(window.total(), 0u);
}

TEST(LatencyWindow, NearestRankPercentiles) {
    LatencyWindow window(1000);
    for (int i = 100; i >= 1; --i) {  // 1..100, added out of order
        window.add(i);
    }
    const auto s = window.summary();
    EXPECT_EQ(s.samples, 100u);
    EXPECT_EQ(s.p50, 50);  // ceil(0.5 * 100) = rank 50
    EXPECT_EQ(s.p99, 99);  // ceil(0.99 * 100) = rank 99
    EXPECT_EQ(s.max, 100);
}

TEST(LatencyWindow, OneSampleIsEveryPercentile) {
    LatencyWindow window(4);
    window.add(2.5);
    const auto s = window.summary();
    EXPECT_EQ(s.samples, 1u);
    EXPECT_EQ(s.p50, 2.5);
    EXPECT_EQ(s.p99, 2.5);
    EXPECT_EQ(s.max, 2.5);
}

TEST(LatencyWindow, KeepsOnlyTheMostRecentSamples) {
    LatencyWindow window(3);
    window.add(100);  // dropped once three newer ones arrive
    window.add(1);
    window.add(2);
    window.add(3);
    const auto s = window.summary();
    EXPECT_EQ(s.samples, 3u);
    EXPECT_EQ(s.max, 3);
    EXPECT_EQ(s.p50, 2);
    EXPECT_EQ(window.total(), 4u);
    window.add(4);  // overwrites 1: the window wraps in arrival order
    EXPECT_EQ(window.summary().p50, 3);
}

TEST(LatencyWindow, IgnoresValuesThatAreNotDurations) {
    LatencyWindow window(4);
    window.add(-1);
    window.add(std::numeric_limits<double>::quiet_NaN());
    window.add(std::numeric_limits<double>::infinity());
    EXPECT_EQ(window.total(), 0u);
    EXPECT_EQ(window.summary().samples, 0u);
}

TEST(LatencyWindow, ZeroCapacityStillKeepsTheLatest) {
    LatencyWindow window(0);
    window.add(1);
    window.add(7);
    EXPECT_EQ(window.summary().samples, 1u);
    EXPECT_EQ(window.summary().max, 7);
}
