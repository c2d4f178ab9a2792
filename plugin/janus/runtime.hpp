// The plugin's state between init() and destroy(): settings, the attached sessions, the rooms,
// the worker thread that answers requests and the client of the interview service. Each
// janus_plugin callback in plugin.cpp is a few lines that call one method here; the decisions
// themselves are made by the Janus-free core (access policy, room registry, protocol).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>

#include "access/verify_cache.hpp"
#include "config/settings.hpp"
#include "document_hub.hpp"
#include "janus_api.hpp"
#include "json_ptr.hpp"
#include "json_text.hpp"
#include "live_media_room.hpp"
#include "protocol/requests.hpp"
#include "room/registry.hpp"
#include "secret_file.hpp"
#include "service_client.hpp"
#include "session.hpp"
#include "util/blocking_queue.hpp"

namespace interview::janus {

class Runtime {
  public:
    /// Reads and validates the config in `config_path`, loads the secrets and starts the worker
    /// and the service client. On failure returns one line naming the bad setting; nothing is
    /// left running.
    static std::variant<std::unique_ptr<Runtime>, std::string> start(
        janus_callbacks* gateway, janus_plugin* plugin, const std::string& config_path);
    ~Runtime();  // stops the worker and the service client, and joins their threads
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    const config::Settings& settings() const { return settings_; }

    int create_session(janus_plugin_session* handle);
    int destroy_session(janus_plugin_session* handle);
    janus_plugin_result* handle_message(janus_plugin_session* handle, char* transaction,
                                        json_t* message, json_t* jsep);
    json_t* handle_admin_message(json_t* message);
    json_t* query_session(janus_plugin_session* handle);
    void setup_media(janus_plugin_session* handle);
    void hangup_media(janus_plugin_session* handle);
    void incoming_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet);
    void incoming_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet);
    /// `janus_uplink` as Janus gives it: true for Janus-to-peer.
    void slow_link(janus_plugin_session* handle, int mindex, bool video, bool janus_uplink);
    void incoming_data(janus_plugin_session* handle, janus_plugin_data* packet);
    void data_ready(janus_plugin_session* handle);

  private:
    /// Sends the hub's data-channel text through Janus, within each session's outbound budget.
    class DataSink : public adapters::DataSink {
      public:
        explicit DataSink(Runtime& runtime) : runtime_(runtime) {}
        bool send(room::SessionKey to, const std::string& text) override;
        bool send_beyond_budget(room::SessionKey to, const std::string& text) override;

      private:
        Runtime& runtime_;
    };

    using Task = std::function<void()>;
    using SessionPtr = std::shared_ptr<Session>;

    Runtime(janus_callbacks* gateway, janus_plugin* plugin, config::Settings settings,
            adapters::Secret service_key, adapters::Secret redis_password);

    SessionPtr find(janus_plugin_session* handle);
    SessionPtr find(room::SessionKey key);
    access::UnixSeconds now() const;
    void worker_loop();
    void handle_request(const SessionPtr& session, const std::string& transaction,
                        const json_t* message, const json_t* jsep);

    // room_flow.cpp: join, leave, end of the interview's time
    void start_join(const SessionPtr& session, const std::string& transaction,
                    protocol::JoinRequest request);
    void finish_join(const SessionPtr& session, const std::string& transaction,
                     const protocol::JoinRequest& request,
                     const std::variant<access::Verification, protocol::ApiError>& verdict);
    void leave_room(const SessionPtr& session, const char* reason, const std::string& transaction);
    void close_due_rooms();
    /// Verifies again the token of each member whose check is due (every `recheck_seconds`
    /// from its join) and removes those whose token the service now refuses (revoked,
    /// replaced).
    void recheck_members();
    /// Tells the participant why (`kicked` with `reason`), takes it out of the room and closes
    /// its PeerConnection.
    void remove_member(const SessionPtr& session, const char* reason);
    using Verdict = std::variant<access::Verification, protocol::ApiError>;
    /// POST /v1/verify; `done` runs on the HTTP client's thread. A positive answer is cached;
    /// an unreachable service is `service_unavailable` (fail closed).
    void verify_with_service(const std::string& interview_id, const std::string& token,
                             std::function<void(Verdict)> done);
    void end_room(const std::string& interview_id, const char* reason);
    void hand_over_final_code(const std::string& interview_id, const char* reason);

    // media.cpp: the PeerConnection (SDP answer)
    void connect(const SessionPtr& session, const std::string& transaction, const json_t* jsep);
    void refuse_offer(const Session& session, const std::string& transaction,
                      const protocol::ApiError& error);

    // media_relay.cpp: the media room, forwarding, RTCP
    struct MediaEffects;
    MediaEffects collect(LiveMediaRoom& room, const media::MediaChanges& changes);
    void deliver(const MediaEffects& effects);
    void register_media(const SessionPtr& session, const std::string& interview_id,
                        media::PeerMedia peer);
    void start_media(Session& session);
    /// A REMB on the publisher's camera m-line (not Janus's send_remb: see media::make_remb).
    void send_remb(janus_plugin_session* handle, int mindex, std::uint32_t bitrate);
    void drop_media(Session& session);
    void configure(const SessionPtr& session, const std::string& transaction,
                   const protocol::ConfigureRequest& request);

    void push_event(const Session& session, const std::string& transaction, const json_t* event,
                    const json_t* jsep = nullptr);
    /// Closes the half-made PeerConnection of a refused request that came with a JSEP.
    void drop_unanswered_offer(const Session& session, const json_t* jsep);
    /// `request` (e.g. "connect") goes into the error, so a client can tell which of its
    /// requests was refused.
    void push_error(const Session& session, const std::string& transaction,
                    const protocol::ApiError& error, const char* request = nullptr);
    /// false when the session's queue is over its outbound budget: nothing was sent when
    /// `bounded`; when not (a snapshot part), it was sent unless past the hard limit.
    bool send_text(Session& session, const std::string& text, bool bounded = true);
    /// Closes the PeerConnection of a member that does not read what it is sent, with the
    /// event `disconnected` (reason slow_consumer); it stays in the room and may connect again.
    void disconnect_slow_consumer(Session& session, const char* why);
    void disconnect_slow_consumers();  // the 1 s tick: over budget for slow_consumer_seconds
    void notify(const Session* session, const json_t* event);

    janus_callbacks* const gateway_;
    janus_plugin* const plugin_;
    const config::Settings settings_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

    std::mutex sessions_mutex_;
    std::unordered_map<janus_plugin_session*, SessionPtr> sessions_;
    std::unordered_map<room::SessionKey, SessionPtr> by_key_;
    room::SessionKey next_key_ = 1;

    std::mutex rooms_mutex_;
    room::Registry rooms_;          // guarded by rooms_mutex_
    access::VerifyCache verified_;  // guarded by rooms_mutex_

    std::atomic<int> joins_verifying_{0};     // /verify calls of joins in flight (capped)
    std::atomic<std::uint64_t> rechecks_{0};  // tokens checked again
    std::atomic<std::uint64_t> rechecks_unanswered_{0};  // ... with no definitive answer
    std::atomic<std::uint64_t> recheck_removals_{0};     // members removed after a refusal

    std::mutex media_rooms_mutex_;
    std::unordered_map<std::string, std::shared_ptr<LiveMediaRoom>> media_rooms_;

    util::BlockingQueue<Task> tasks_;
    DataSink sink_{*this};
    std::unique_ptr<adapters::DocumentHub> hub_;
    std::unique_ptr<adapters::ServiceClient> service_;
    std::thread worker_;
};

}  // namespace interview::janus
