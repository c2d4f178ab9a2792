// Room membership: joins, replacement of a participant's older connection, the participant cap,
// leaving, and closing rooms whose time is over.
#include <gtest/gtest.h>

#include "room/registry.hpp"

using namespace interview;
using access::Role;
using protocol::ErrorCode;

namespace {

access::Verification person(const char* id, Role role, const char* interview = "iv1") {
    access::Verification v;
    v.participant = access::Participant{id, std::string("name-") + id, role};
    v.interview_id = interview;
    v.title = "T";
    v.start = 1000;
    v.end = 2000;
    v.status = "open";
    return v;
}

const access::Window kWindow{100, 2600};

}  // namespace

TEST(Registry, JoinTellsWhoElseIsThere) {
    room::Registry r;
    auto a = r.join(person("a", Role::applicant), 1, kWindow, 4);
    ASSERT_TRUE(std::holds_alternative<room::Joined>(a));
    EXPECT_TRUE(std::get<room::Joined>(a).others.empty());
    auto b = r.join(person("b", Role::recruiter), 2, kWindow, 4);
    ASSERT_TRUE(std::holds_alternative<room::Joined>(b));
    const auto& joined = std::get<room::Joined>(b);
    ASSERT_EQ(joined.others.size(), 1u);
    EXPECT_EQ(joined.others[0].participant.id, "a");
    EXPECT_FALSE(joined.replaced.has_value());
    EXPECT_EQ(r.find("iv1")->members.size(), 2u);
    auto found = r.find_session(2);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->second.participant.role, Role::recruiter);
}

TEST(Registry, TheSameParticipantJoiningAgainReplacesTheOlderConnection) {
    room::Registry r;
    r.join(person("a", Role::applicant), 1, kWindow, 2);
    r.join(person("b", Role::recruiter), 2, kWindow, 2);
    // the room is full (2), but a's second tab replaces a's first: no room_full
    auto again = r.join(person("a", Role::applicant), 3, kWindow, 2);
    ASSERT_TRUE(std::holds_alternative<room::Joined>(again));
    const auto& joined = std::get<room::Joined>(again);
    ASSERT_TRUE(joined.replaced.has_value());
    EXPECT_EQ(*joined.replaced, 1u);
    ASSERT_EQ(joined.others.size(), 1u);
    EXPECT_EQ(joined.others[0].participant.id, "b");
    EXPECT_FALSE(r.find_session(1).has_value());
    EXPECT_FALSE(r.leave(1).has_value());  // already out
    EXPECT_EQ(r.find("iv1")->members.size(), 2u);
}

TEST(Registry, RoomFullCountsEveryoneIncludingObservers) {
    room::Registry r;
    r.join(person("a", Role::applicant), 1, kWindow, 3);
    r.join(person("b", Role::recruiter), 2, kWindow, 3);
    r.join(person("o", Role::observer), 3, kWindow, 3);
    auto full = r.join(person("c", Role::recruiter), 4, kWindow, 3);
    ASSERT_TRUE(std::holds_alternative<protocol::ApiError>(full));
    EXPECT_EQ(std::get<protocol::ApiError>(full).code, ErrorCode::room_full);
    EXPECT_FALSE(r.find_session(4).has_value());
    // other interviews are separate rooms
    EXPECT_TRUE(std::holds_alternative<room::Joined>(
        r.join(person("c", Role::recruiter, "iv2"), 4, kWindow, 3)));
    EXPECT_EQ(r.room_count(), 2u);
}

TEST(Registry, LeaveReportsTheOthersAndForgetsEmptyRooms) {
    room::Registry r;
    r.join(person("a", Role::applicant), 1, kWindow, 4);
    r.join(person("b", Role::recruiter), 2, kWindow, 4);
    auto left = r.leave(1);
    ASSERT_TRUE(left.has_value());
    EXPECT_EQ(left->interview_id, "iv1");
    EXPECT_EQ(left->member.participant.id, "a");
    ASSERT_EQ(left->others.size(), 1u);
    EXPECT_FALSE(r.leave(1).has_value());
    r.leave(2);
    EXPECT_EQ(r.room_count(), 0u);
    EXPECT_EQ(r.find("iv1"), nullptr);
}

TEST(Registry, CloseDueRemovesRoomsWhoseWindowHasClosed) {
    room::Registry r;
    r.join(person("a", Role::applicant), 1, {100, 500}, 4);
    r.join(person("b", Role::applicant, "iv2"), 2, {100, 900}, 4);
    EXPECT_TRUE(r.close_due(499).empty());
    auto closed = r.close_due(500);
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].interview_id, "iv1");
    ASSERT_EQ(closed[0].members.size(), 1u);
    EXPECT_EQ(closed[0].members[0].session, 1u);
    EXPECT_FALSE(r.find_session(1).has_value());
    EXPECT_TRUE(r.close_due(500).empty());  // each room once
    EXPECT_EQ(r.room_count(), 1u);
}
