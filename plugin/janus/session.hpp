// One attached Janus handle. Owned through std::shared_ptr: the sessions map holds one reference
// until destroy_session, and every queued task or in-flight service call holds another, so a
// session (and the Janus handle it references) outlives any work still pointing at it.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "access/policy.hpp"
#include "janus_api.hpp"
#include "room/registry.hpp"
#include "util/token_bucket.hpp"

namespace interview::janus {

struct LiveMediaRoom;

/// Who a joined handle is, in which interview.
struct Membership {
    std::string interview_id;
    access::Participant participant;
    std::string token;  ///< the join token it was admitted with, to check again; never logged
    /// When the token is next checked again: join time + recheck_seconds, then every
    /// recheck_seconds, so members are checked spread out as they joined, not all at once.
    std::chrono::steady_clock::time_point recheck_at{};
};

class Session {
  public:
    Session(janus_plugin_session* handle, room::SessionKey key);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    janus_plugin_session* handle() const { return handle_; }
    room::SessionKey key() const { return key_; }

    /// Set once by destroy_session; work still queued for the session is then dropped.
    bool destroyed() const { return destroyed_.load(); }
    void mark_destroyed() { destroyed_.store(true); }

    /// Bytes handed to relay_data since Janus last said the data channel drained (data_ready).
    std::atomic<std::size_t>& queued_bytes() { return queued_bytes_; }
    /// Something was held back because the budget was spent: the document must hear when the
    /// channel drains (it then resyncs the member). Without this, nobody needs to be told.
    std::atomic<bool>& held_back() { return held_back_; }
    /// When (steady clock, ms) its queue first went over the budget since it last drained; 0:
    /// within it. A member over it for slow_consumer_seconds is disconnected.
    std::atomic<std::int64_t>& over_budget_since_ms() { return over_budget_since_ms_; }
    /// Bytes of its data-channel messages handed to the document thread and not handled yet.
    std::atomic<std::size_t>& inbound_bytes() { return inbound_bytes_; }

    bool media_up() const { return media_up_.load(); }
    void set_media_up(bool up) { media_up_.store(up); }

    /// The handle has a PeerConnection, or its offer is being answered: a second `connect` is
    /// refused until Janus reports the hangup.
    bool begin_connect() { return !has_pc_.exchange(true); }
    void end_connect() { has_pc_.store(false); }
    bool has_pc() const { return has_pc_.load(); }

    /// The media room this handle's connect registered it in (nullptr before and after).
    std::shared_ptr<LiveMediaRoom> media_room() const;
    void set_media_room(std::shared_ptr<LiveMediaRoom> room);

    /// Join attempts of this handle (docs/PROTOCOL.md, `join`, "Throttled"); worker thread only.
    util::TokenBucket& join_attempts() { return join_attempts_; }
    /// A join is being verified: a second join on the same handle waits its turn.
    bool begin_join() { return !joining_.exchange(true); }
    void end_join() { joining_.store(false); }

    std::optional<Membership> membership() const;
    void set_membership(std::optional<Membership> membership);
    /// The membership when its token is due for a check at `now` (the next check is then
    /// `period` later), else nullopt.
    std::optional<Membership> take_recheck(std::chrono::steady_clock::time_point now,
                                           std::chrono::seconds period);

    /// Plugin-specific state for the admin API's handle_info (query_session).
    json_t* query() const;

  private:
    janus_plugin_session* const handle_;  // not owned: we hold one of Janus's references to it
    const room::SessionKey key_;
    std::atomic<bool> destroyed_{false};
    std::atomic<bool> media_up_{false};
    std::atomic<bool> joining_{false};
    std::atomic<bool> has_pc_{false};
    std::atomic<std::size_t> queued_bytes_{0};
    std::atomic<bool> held_back_{false};
    std::atomic<std::int64_t> over_budget_since_ms_{0};
    std::atomic<std::size_t> inbound_bytes_{0};
    util::TokenBucket join_attempts_;  // worker thread only
    mutable std::mutex mutex_;
    std::optional<Membership> membership_;       // guarded by mutex_
    std::shared_ptr<LiveMediaRoom> media_room_;  // guarded by mutex_
    const std::chrono::system_clock::time_point created_ = std::chrono::system_clock::now();
};

}  // namespace interview::janus
