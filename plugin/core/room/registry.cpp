#include "room/registry.hpp"

#include <algorithm>

namespace interview::room {

using protocol::ApiError;
using protocol::ErrorCode;

std::variant<Joined, ApiError> Registry::join(const access::Verification& v, SessionKey session,
                                              access::Window window, int max_participants) {
    Room& room = rooms_[v.interview_id];
    if (room.interview_id.empty()) {
        room.interview_id = v.interview_id;
    }
    // The service's latest answer wins: a reschedule shows up at the next join.
    room.title = v.title;
    room.start = v.start;
    room.end = v.end;
    room.window = window;
    Joined joined;
    auto same = std::find_if(room.members.begin(), room.members.end(),
                             [&](const Member& m) { return m.participant.id == v.participant.id; });
    if (same != room.members.end()) {
        joined.replaced = same->session;
        room_of_.erase(same->session);
        room.members.erase(same);
    } else if (static_cast<int>(room.members.size()) >= max_participants) {
        if (room.members.empty()) {
            rooms_.erase(v.interview_id);
        }
        return ApiError{ErrorCode::room_full,
                        "the room is full (" + std::to_string(max_participants) + " participants)"};
    }
    joined.others = room.members;
    room.members.push_back(Member{session, v.participant});
    room_of_[session] = v.interview_id;
    return joined;
}

std::optional<Left> Registry::leave(SessionKey session) {
    auto where = room_of_.find(session);
    if (where == room_of_.end()) {
        return std::nullopt;
    }
    auto room = rooms_.find(where->second);
    room_of_.erase(where);
    if (room == rooms_.end()) {
        return std::nullopt;
    }
    auto& members = room->second.members;
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const Member& m) { return m.session == session; });
    if (it == members.end()) {
        return std::nullopt;
    }
    Left left{room->first, *it, {}};
    members.erase(it);
    left.others = members;
    if (members.empty()) {
        rooms_.erase(room);
    }
    return left;
}

std::vector<Closed> Registry::close_due(access::UnixSeconds now) {
    std::vector<Closed> closed;
    for (auto it = rooms_.begin(); it != rooms_.end();) {
        Room& room = it->second;
        if (now >= room.window.closes_at) {
            for (const Member& m : room.members) {
                room_of_.erase(m.session);
            }
            closed.push_back(Closed{room.interview_id, std::move(room.members)});
            it = rooms_.erase(it);
        } else {
            ++it;
        }
    }
    return closed;
}

const Room* Registry::find(const std::string& interview_id) const {
    auto it = rooms_.find(interview_id);
    return it == rooms_.end() ? nullptr : &it->second;
}

std::optional<std::pair<const Room*, Member>> Registry::find_session(SessionKey session) const {
    auto where = room_of_.find(session);
    if (where == room_of_.end()) {
        return std::nullopt;
    }
    const Room* room = find(where->second);
    if (room == nullptr) {
        return std::nullopt;
    }
    for (const Member& m : room->members) {
        if (m.session == session) {
            return std::make_pair(room, m);
        }
    }
    return std::nullopt;
}

}  // namespace interview::room
