// One interview's media room as the Janus layer holds it: the Janus-free media::MediaRoom (who
// publishes, which slot shows whom) behind a mutex, plus the handles of its members so that a
// packet can be relayed without looking sessions up. Media callbacks of every member's thread
// take the mutex briefly for each packet; rooms hold 2-4 people, so it is never contended for
// long.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "media/media_room.hpp"

namespace interview::janus {

class Session;

struct LiveMediaRoom {
    LiveMediaRoom(std::string id, media::MediaSettings settings)
        : interview_id(std::move(id)), room(settings) {}

    const std::string interview_id;
    std::mutex mutex;
    media::MediaRoom room;                                                 // guarded by mutex
    std::unordered_map<room::SessionKey, std::weak_ptr<Session>> members;  // guarded by mutex
};

}  // namespace interview::janus
