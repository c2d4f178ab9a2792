#include "session.hpp"

namespace interview::janus {

Session::Session(janus_plugin_session* handle, room::SessionKey key) : handle_(handle), key_(key) {}

Session::~Session() {
    // Janus gives the plugin one reference on the handle when it attaches (it sets the count after
    // create_session returns); the plugin gives it back when its session is freed.
    janus_refcount_decrease(&handle_->ref);
}

std::optional<Membership> Session::membership() const {
    std::lock_guard lock(mutex_);
    return membership_;
}

void Session::set_membership(std::optional<Membership> membership) {
    std::lock_guard lock(mutex_);
    membership_ = std::move(membership);
}

std::optional<Membership> Session::take_recheck(std::chrono::steady_clock::time_point now,
                                                std::chrono::seconds period) {
    std::lock_guard lock(mutex_);
    if (!membership_ || membership_->recheck_at > now) {
        return std::nullopt;
    }
    membership_->recheck_at = now + period;
    return membership_;
}

std::shared_ptr<LiveMediaRoom> Session::media_room() const {
    std::lock_guard lock(mutex_);
    return media_room_;
}

void Session::set_media_room(std::shared_ptr<LiveMediaRoom> room) {
    std::lock_guard lock(mutex_);
    media_room_ = std::move(room);
}

json_t* Session::query() const {
    json_t* info = json_object();
    const auto member = membership();
    json_object_set_new(info, "state", json_string(member ? "joined" : "attached"));
    if (member) {
        json_object_set_new(info, "interview_id", json_string(member->interview_id.c_str()));
        json_object_set_new(info, "participant_id", json_string(member->participant.id.c_str()));
        json_object_set_new(info, "name", json_string(member->participant.name.c_str()));
        json_object_set_new(info, "role", json_string(access::role_name(member->participant.role)));
    }
    json_object_set_new(info, "media", json_boolean(media_up()));
    json_object_set_new(info, "peer_connection", json_boolean(has_pc()));
    json_object_set_new(info, "destroyed", json_boolean(destroyed()));
    const auto created_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(created_.time_since_epoch()).count();
    json_object_set_new(info, "created_at_ms", json_integer(created_ms));
    return info;
}

}  // namespace interview::janus
