#include "schedule.h"

#include <gtest/gtest.h>

namespace {

using namespace isvc;

TEST(Schedule, WindowArithmetic) {
    const Window w = window_for(10000, 60, 15);
    EXPECT_EQ(w.start, 10000);
    EXPECT_EQ(w.opens_at, 10000 - 15 * 60);
    EXPECT_EQ(w.end, 10000 + 60 * 60);
}

TEST(Schedule, StatusAtExactBoundaries) {
    const Window w = window_for(100000, 30, 15);
    EXPECT_EQ(status_at(w, false, w.opens_at - 1), Status::scheduled);
    EXPECT_EQ(status_at(w, false, w.opens_at), Status::open);
    EXPECT_EQ(status_at(w, false, w.start), Status::open);
    EXPECT_EQ(status_at(w, false, w.end - 1), Status::open);
    EXPECT_EQ(status_at(w, false, w.end), Status::ended);
    EXPECT_EQ(status_at(w, false, w.end + 86400), Status::ended);
}

TEST(Schedule, CancelledWinsAtEveryTime) {
    const Window w = window_for(100000, 30, 15);
    for (std::int64_t t : {w.opens_at - 1, w.opens_at, w.start, w.end}) {
        EXPECT_EQ(status_at(w, true, t), Status::cancelled);
    }
}

TEST(Schedule, ZeroEarlyJoinOpensAtStart) {
    const Window w = window_for(5000, 1, 0);
    EXPECT_EQ(status_at(w, false, 4999), Status::scheduled);
    EXPECT_EQ(status_at(w, false, 5000), Status::open);
    EXPECT_EQ(status_at(w, false, 5060), Status::ended);
}

TEST(Schedule, StatusNames) {
    EXPECT_EQ(to_string(Status::scheduled), "scheduled");
    EXPECT_EQ(to_string(Status::open), "open");
    EXPECT_EQ(to_string(Status::ended), "ended");
    EXPECT_EQ(to_string(Status::cancelled), "cancelled");
}

}  // namespace
