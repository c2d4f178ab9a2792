// Which participants are in which interview's room. One participant is in a room at most once:
// joining again (a second tab, a reconnect) replaces the older connection. Not thread-safe: the
// plugin calls it under one lock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "access/policy.hpp"

namespace interview::room {

/// Opaque id of one attached Janus handle, chosen by the caller.
using SessionKey = std::uint64_t;

struct Member {
    SessionKey session = 0;
    access::Participant participant;
};

struct Room {
    std::string interview_id;
    std::string title;
    access::UnixSeconds start = 0;
    access::UnixSeconds end = 0;
    access::Window window;
    std::vector<Member> members;
};

struct Joined {
    std::optional<SessionKey> replaced;  ///< the same participant's older connection, now out
    std::vector<Member> others;          ///< everyone else in the room, to tell about the join
};

struct Left {
    std::string interview_id;
    Member member;
    std::vector<Member> others;  ///< who is still in the room
};

struct Closed {
    std::string interview_id;
    std::vector<Member> members;
};

class Registry {
  public:
    /// Adds a verified, admitted participant. Refuses with `room_full` when max_participants
    /// others are in (the replaced connection does not count). The session must not be in any
    /// room yet.
    std::variant<Joined, protocol::ApiError> join(const access::Verification& verification,
                                                  SessionKey session, access::Window window,
                                                  int max_participants);

    /// Removes a session from its room (nullopt if it was in none). An empty room is forgotten.
    std::optional<Left> leave(SessionKey session);

    /// Removes every room whose window has closed at `now` and returns them with the members
    /// they had, so the caller can tell them. Later joins are refused by the window itself.
    std::vector<Closed> close_due(access::UnixSeconds now);

    const Room* find(const std::string& interview_id) const;
    /// The room and member of a session, or nullopt.
    std::optional<std::pair<const Room*, Member>> find_session(SessionKey session) const;
    size_t room_count() const { return rooms_.size(); }
    const std::map<std::string, Room>& rooms() const { return rooms_; }

  private:
    std::map<std::string, Room> rooms_;
    std::map<SessionKey, std::string> room_of_;
};

}  // namespace interview::room
