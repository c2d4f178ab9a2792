#include "rate_limiter.h"

#include <gtest/gtest.h>

namespace {

using isvc::RateLimiter;

TEST(RateLimiter, BlocksAfterMaxFailuresUntilWindowEnds) {
    RateLimiter rl(10, 60);
    for (int i = 0; i < 9; ++i) {
        rl.record_failure("10.0.0.1", 1000 + i);
        EXPECT_EQ(rl.retry_after("10.0.0.1", 1000 + i), 0) << i;
    }
    rl.record_failure("10.0.0.1", 1009);
    EXPECT_EQ(rl.retry_after("10.0.0.1", 1009), 51);  // window began at 1000, ends at 1060
    EXPECT_EQ(rl.retry_after("10.0.0.1", 1059), 1);
    EXPECT_EQ(rl.retry_after("10.0.0.1", 1060), 0);
    // A fresh window starts from zero.
    rl.record_failure("10.0.0.1", 1061);
    EXPECT_EQ(rl.retry_after("10.0.0.1", 1061), 0);
}

TEST(RateLimiter, AddressesAreIndependent) {
    RateLimiter rl(2, 60);
    rl.record_failure("a", 0);
    rl.record_failure("a", 0);
    EXPECT_GT(rl.retry_after("a", 1), 0);
    EXPECT_EQ(rl.retry_after("b", 1), 0);
}

TEST(RateLimiter, MemoryStaysBounded) {
    RateLimiter rl(10, 60);
    for (int i = 0; i < 25000; ++i) {
        rl.record_failure("addr-" + std::to_string(i), 0);
    }
    EXPECT_LE(rl.tracked(), 10000u);
}

}  // namespace
