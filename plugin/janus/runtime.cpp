#include "runtime.hpp"

#include <fstream>
#include <sstream>

#include "api/errors.hpp"
#include "protocol/data_messages.hpp"
#include "protocol/events.hpp"
#include "protocol/room_events.hpp"

namespace interview::janus {

namespace {

constexpr const char* kConfigFile = "janus.plugin.interview.jcfg";

// Bytes of one member's messages waiting for the document thread (about 17 of the largest).
constexpr std::size_t kMaxInboundBytes = 1u << 20;

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string take_transaction(char* transaction) {
    std::string copy = transaction != nullptr ? transaction : "";
    g_free(transaction);  // the plugin owns it (janus_plugin.handle_message)
    return copy;
}

}  // namespace

std::variant<std::unique_ptr<Runtime>, std::string> Runtime::start(janus_callbacks* gateway,
                                                                   janus_plugin* plugin,
                                                                   const std::string& config_path) {
    const std::string path = config_path + "/" + kConfigFile;
    std::ifstream in(path);
    if (!in) {
        return "cannot read " + path + " (the plugin needs its config file)";
    }
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = config::settings_from_text(text.str());
    if (auto* error = std::get_if<config::SettingError>(&parsed)) {
        return path + ": " + error->to_string();
    }
    config::Settings settings = std::move(std::get<config::Settings>(parsed));
    if (settings.service_key_file[0] != '/') {
        settings.service_key_file = config_path + "/" + settings.service_key_file;
    }
    auto key = adapters::read_secret_file(settings.service_key_file);
    if (auto* error = std::get_if<std::string>(&key)) {
        return path + ": general.service_key_file: " + *error;
    }
    adapters::Secret redis_password;
    if (!settings.redis_password_file.empty()) {
        if (settings.redis_password_file[0] != '/') {
            settings.redis_password_file = config_path + "/" + settings.redis_password_file;
        }
        auto password = adapters::read_secret_file(settings.redis_password_file);
        if (auto* error = std::get_if<std::string>(&password)) {
            return path + ": general.redis_password_file: " + *error;
        }
        redis_password = std::move(std::get<adapters::Secret>(password));
    }
    return std::unique_ptr<Runtime>(new Runtime(gateway, plugin, std::move(settings),
                                                std::move(std::get<adapters::Secret>(key)),
                                                std::move(redis_password)));
}

namespace {

adapters::HubConfig hub_config(const config::Settings& s, adapters::Secret redis_password) {
    adapters::HubConfig c;
    c.document.authority.log_capacity = static_cast<std::size_t>(s.op_log_size);
    c.document.authority.limits.max_document_bytes = static_cast<std::size_t>(s.max_document_bytes);
    c.document.max_message_bytes = static_cast<std::size_t>(s.max_message_bytes);
    c.document.max_ops_per_second = s.max_ops_per_second;
    c.redis.host = s.redis_host;
    c.redis.port = s.redis_port;
    c.redis.password = std::move(redis_password);
    c.redis.command_timeout_ms = s.redis_timeout_ms;
    c.redis.sentinels = s.redis_sentinels;
    c.redis.sentinel_master = s.redis_sentinel_master;
    c.redis.wait_replicas = s.redis_wait_replicas;
    c.snapshot_every = s.snapshot_every;
    c.key_ttl_seconds = s.key_ttl_hours * 3600;
    c.default_language = s.default_language;
    return c;
}

}  // namespace

Runtime::Runtime(janus_callbacks* gateway, janus_plugin* plugin, config::Settings settings,
                 adapters::Secret service_key, adapters::Secret redis_password)
    : gateway_(gateway),
      plugin_(plugin),
      settings_(std::move(settings)),
      verified_(settings_.verify_cache_seconds),
      hub_(std::make_unique<adapters::DocumentHub>(hub_config(settings_, std::move(redis_password)),
                                                   sink_)),
      service_(std::make_unique<adapters::ServiceClient>(
          settings_.service_url, std::move(service_key), settings_.service_timeout_ms)),
      worker_([this] { worker_loop(); }) {}

Runtime::~Runtime() {
    // The document thread first (it may still call the service through the worker), then the
    // service client: its last callbacks queue tasks, which the worker then drops.
    hub_.reset();
    service_.reset();
    tasks_.close();
    if (worker_.joinable()) {
        worker_.join();
    }
    {
        std::lock_guard lock(media_rooms_mutex_);
        media_rooms_.clear();
    }
    std::lock_guard lock(sessions_mutex_);
    for (auto& [handle, session] : sessions_) {
        session->mark_destroyed();
        session->set_media_room(nullptr);
        handle->plugin_handle = nullptr;
    }
    sessions_.clear();
    by_key_.clear();
}

access::UnixSeconds Runtime::now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Runtime::SessionPtr Runtime::find(janus_plugin_session* handle) {
    std::lock_guard lock(sessions_mutex_);
    auto it = sessions_.find(handle);
    return it == sessions_.end() ? nullptr : it->second;
}

Runtime::SessionPtr Runtime::find(room::SessionKey key) {
    std::lock_guard lock(sessions_mutex_);
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : it->second;
}

int Runtime::create_session(janus_plugin_session* handle) {
    std::lock_guard lock(sessions_mutex_);
    auto session = std::make_shared<Session>(handle, next_key_++);
    handle->plugin_handle = session.get();  // not owning: the maps below own it
    by_key_[session->key()] = session;
    sessions_[handle] = std::move(session);
    return 0;
}

int Runtime::destroy_session(janus_plugin_session* handle) {
    SessionPtr session;
    {
        std::lock_guard lock(sessions_mutex_);
        auto it = sessions_.find(handle);
        if (it == sessions_.end()) {
            return -2;
        }
        session = std::move(it->second);
        sessions_.erase(it);
        by_key_.erase(session->key());
    }
    {
        std::lock_guard lock(rooms_mutex_);  // see finish_join: no join completes past this
        session->mark_destroyed();
    }
    handle->plugin_handle = nullptr;
    leave_room(session, "detached", "");
    return 0;
}

janus_plugin_result* Runtime::handle_message(janus_plugin_session* handle, char* transaction,
                                             json_t* message, json_t* jsep) {
    std::string tx = take_transaction(transaction);
    auto session = find(handle);
    // Shared so that the task stays copyable (std::function); freed when the task is done.
    std::shared_ptr<json_t> body(message, json_decref);
    std::shared_ptr<json_t> offer(jsep, json_decref);
    if (!session || session->destroyed()) {
        return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "No session for this handle", nullptr);
    }
    const bool queued = tasks_.push([this, session, tx = std::move(tx), body, offer] {
        handle_request(session, tx, body.get(), offer.get());
    });
    if (!queued) {
        return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "The plugin is shutting down", nullptr);
    }
    return janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, nullptr, nullptr);
}

void Runtime::worker_loop() {
    auto next_tick = std::chrono::steady_clock::now();
    while (!tasks_.closed() || tasks_.size() > 0) {
        auto task = tasks_.pop_for(std::chrono::milliseconds(500));
        try {
            if (task) {
                (*task)();
            }
            if (std::chrono::steady_clock::now() >= next_tick) {
                next_tick = std::chrono::steady_clock::now() + std::chrono::seconds(1);
                close_due_rooms();
                disconnect_slow_consumers();
                if (settings_.recheck_seconds > 0) {
                    recheck_members();  // those whose check is due
                }
            }
        } catch (const std::exception& e) {
            IV_LOG(LOG_ERR, "task failed: %s", e.what());
        }
    }
}

void Runtime::handle_request(const SessionPtr& session, const std::string& transaction,
                             const json_t* message, const json_t* jsep) {
    if (session->destroyed()) {
        return;
    }
    auto parsed = protocol::parse_request(message);
    if (auto* error = std::get_if<protocol::ApiError>(&parsed)) {
        IV_LOG(LOG_VERB, "refused request: %s", protocol::error_name(error->code));
        push_error(*session, transaction, *error, protocol::named_request(message));
        drop_unanswered_offer(*session, jsep);
        return;
    }
    auto& request = std::get<protocol::Request>(parsed);
    if (std::holds_alternative<protocol::InfoRequest>(request)) {
        push_event(*session, transaction, protocol::info_event(settings_).get());
    } else if (auto* join = std::get_if<protocol::JoinRequest>(&request)) {
        start_join(session, transaction, std::move(*join));
    } else if (!session->membership()) {
        push_error(
            *session, transaction,
            {protocol::ErrorCode::not_joined, std::string("'") + protocol::request_name(request) +
                                                  "' needs a successful join first"},
            protocol::request_name(request));
        drop_unanswered_offer(*session, jsep);
    } else if (std::holds_alternative<protocol::LeaveRequest>(request)) {
        leave_room(session, "left", transaction);
    } else if (std::holds_alternative<protocol::ConnectRequest>(request)) {
        connect(session, transaction, jsep);
    } else if (auto* configure_request = std::get_if<protocol::ConfigureRequest>(&request)) {
        configure(session, transaction, *configure_request);
    } else if (std::holds_alternative<protocol::EndInterviewRequest>(request)) {
        const auto member = session->membership();
        if (!access::may_end_interview(member->participant.role)) {
            push_error(
                *session, transaction,
                {protocol::ErrorCode::forbidden_for_role, "only a recruiter may end the interview"},
                "end_interview");
            return;
        }
        end_room(member->interview_id, "ended_by_recruiter");
        push_event(*session, transaction,
                   protocol::room_event("ended", member->interview_id, &member->participant,
                                        "ended_by_recruiter")
                       .get());
    }
}

void Runtime::push_event(const Session& session, const std::string& transaction,
                         const json_t* event, const json_t* jsep) {
    // push_event does not take ownership of event or jsep (it copies what it sends).
    const int rc = gateway_->push_event(session.handle(), plugin_,
                                        transaction.empty() ? nullptr : transaction.c_str(),
                                        const_cast<json_t*>(event), const_cast<json_t*>(jsep));
    if (rc != 0) {
        IV_LOG(LOG_VERB, "push_event failed (%d)", rc);
    }
}

void Runtime::drop_unanswered_offer(const Session& session, const json_t* jsep) {
    // Janus took the offer in before asking us; a refused request leaves its half-made
    // PeerConnection behind, and that would spoil the handle's next offer. A PeerConnection that
    // is already up is left alone.
    if (jsep != nullptr && !session.has_pc()) {
        gateway_->close_pc(session.handle());
    }
}

void Runtime::push_error(const Session& session, const std::string& transaction,
                         const protocol::ApiError& error, const char* request) {
    JsonPtr event = protocol::error_event(error);
    if (request != nullptr) {
        json_object_set_new(event.get(), "request", json_string(request));
    }
    push_event(session, transaction, event.get());
}

bool Runtime::send_text(Session& session, const std::string& text, bool bounded) {
    if (text.size() > 65535) {
        // Janus's data length is 16-bit; the document never makes a longer message (long edits
        // go out in pieces, snapshots in parts): this is a bug, not a silent cut.
        IV_LOG(LOG_ERR, "refusing to send a %zu-byte data message", text.size());
        return true;
    }
    // Janus's own queue has no bound: keep ours. Past the budget nothing more is queued for this
    // session until data_ready says it drained (the document then sends a snapshot instead).
    // A snapshot's parts go past the budget, up to the hard limit: a member whose queue would
    // pass that is disconnected, as Redis drops a client past its output buffer limit.
    const auto budget = static_cast<std::size_t>(settings_.outbound_queue_bytes);
    const std::size_t hard_limit =
        budget + 8 * static_cast<std::size_t>(settings_.max_document_bytes);
    std::size_t queued = session.queued_bytes().load();
    do {
        if ((bounded && queued + text.size() > budget) || queued + text.size() > hard_limit) {
            session.held_back().store(true);
            std::int64_t zero = 0;
            session.over_budget_since_ms().compare_exchange_strong(zero, steady_ms());
            if (queued + text.size() > hard_limit) {
                disconnect_slow_consumer(session, "its outbound queue passed the hard limit");
                return false;
            }
            // data_ready may have reset the count between the check and the flag, and seen no
            // flag: then nothing is in flight and no data_ready will come; tell the document
            // ourselves (posted: it runs after the caller has marked the member as behind).
            if (session.queued_bytes().load() == 0 && session.held_back().exchange(false) &&
                session.membership()) {
                session.over_budget_since_ms().store(0);
                hub_->drained(session.key());
            }
            return false;
        }
    } while (!session.queued_bytes().compare_exchange_weak(queued, queued + text.size()));
    janus_plugin_data packet{};
    packet.label = const_cast<char*>("interview");
    packet.protocol = nullptr;
    packet.binary = FALSE;
    packet.buffer = const_cast<char*>(text.data());
    packet.length = static_cast<uint16_t>(text.size());
    gateway_->relay_data(session.handle(), &packet);
    if (!bounded && queued + text.size() > budget) {
        // Sent, but the queue is now over its budget: the document holds everything else back
        // until data_ready, and must hear of it then.
        session.held_back().store(true);
        std::int64_t zero = 0;
        session.over_budget_since_ms().compare_exchange_strong(zero, steady_ms());
        return false;
    }
    return true;
}

void Runtime::disconnect_slow_consumer(Session& session, const char* why) {
    if (session.destroyed() || !session.has_pc()) {
        return;
    }
    IV_LOG(LOG_WARN, "disconnecting a participant that does not read its data channel (%s)", why);
    JsonPtr event(json_object());
    json_object_set_new(event.get(), "interview", json_string("event"));
    json_object_set_new(event.get(), "event", json_string("disconnected"));
    json_object_set_new(event.get(), "reason", json_string("slow_consumer"));
    push_event(session, {}, event.get());
    session.over_budget_since_ms().store(0);
    gateway_->close_pc(session.handle());
}

void Runtime::disconnect_slow_consumers() {
    const std::int64_t limit_ms = static_cast<std::int64_t>(settings_.slow_consumer_seconds) * 1000;
    const std::int64_t now = steady_ms();
    std::vector<SessionPtr> slow;
    {
        std::lock_guard lock(sessions_mutex_);
        for (const auto& [handle, session] : sessions_) {
            const std::int64_t since = session->over_budget_since_ms().load();
            if (since != 0 && now - since >= limit_ms) {
                slow.push_back(session);
            }
        }
    }
    for (const auto& session : slow) {
        disconnect_slow_consumer(*session, "over its outbound budget for slow_consumer_seconds");
    }
}

bool Runtime::DataSink::send_beyond_budget(room::SessionKey to, const std::string& text) {
    if (auto session = runtime_.find(to); session && !session->destroyed()) {
        return runtime_.send_text(*session, text, false);
    }
    return true;
}

bool Runtime::DataSink::send(room::SessionKey to, const std::string& text) {
    auto session = runtime_.find(to);
    if (!session || session->destroyed()) {
        return true;  // gone: nothing to hold back
    }
    return runtime_.send_text(*session, text);
}

void Runtime::notify(const Session* session, const json_t* event) {
    if (!settings_.notify_events || !gateway_->events_is_enabled()) {
        return;
    }
    // notify_event takes ownership of the event.
    gateway_->notify_event(plugin_, session != nullptr ? session->handle() : nullptr,
                           json_deep_copy(event));
}

json_t* Runtime::query_session(janus_plugin_session* handle) {
    auto session = find(handle);
    return session ? session->query() : nullptr;
}

void Runtime::incoming_data(janus_plugin_session* handle, janus_plugin_data* packet) {
    auto session = find(handle);
    if (!session || session->destroyed() || packet == nullptr) {
        return;
    }
    if (!session->membership()) {
        // Until the handle has joined, every data-channel message is refused (and not parsed).
        protocol::DataError error{
            {protocol::ErrorCode::not_joined, "data-channel messages need a successful join first"},
            {},
            {}};
        send_text(*session, protocol::error_text(error));
        return;
    }
    if (packet->binary || packet->buffer == nullptr) {
        protocol::DataError error{
            {protocol::ErrorCode::malformed_request, "data-channel messages are JSON text"},
            {},
            {}};
        send_text(*session, protocol::error_text(error));
        return;
    }
    if (packet->length == 65535) {
        // Janus hands plugins a 16-bit length: a longer message arrives cut to its length modulo
        // 65,536 (nothing tells the plugin). The SDP answer advertises max_message_bytes
        // (a=max-message-size), so a compliant sender never sends one; 65,535 itself is the one
        // length that may be a cut one and is refused. docs/PROTOCOL.md says what else happens.
        protocol::DataError error{{protocol::ErrorCode::message_too_large,
                                   "the message reached Janus's 65,535-byte limit and may be cut"},
                                  {},
                                  {}};
        send_text(*session, protocol::error_text(error));
        return;
    }
    // The document thread serves every interview: what one member may have waiting there is
    // bounded (its rate limits act only once a message is handled). Past it, refused here.
    const std::size_t size = packet->length;
    if (session->inbound_bytes().fetch_add(size) + size > kMaxInboundBytes) {
        session->inbound_bytes().fetch_sub(size);
        protocol::DataError error{{protocol::ErrorCode::rate_limited,
                                   "too many messages waiting to be handled; slow down"},
                                  {},
                                  "messages"};
        send_text(*session, protocol::error_text(error));
        return;
    }
    hub_->data(session->key(), std::string(packet->buffer, packet->length),
               [session, size] { session->inbound_bytes().fetch_sub(size); });
}

void Runtime::data_ready(janus_plugin_session* handle) {
    auto session = find(handle);
    if (!session || session->destroyed()) {
        return;
    }
    // Only a member that had something held back needs the document thread: waking it on
    // every drain (twice per edit in a busy room) cost more than all the OT work.
    session->queued_bytes().store(0);
    session->over_budget_since_ms().store(0);
    if (session->held_back().exchange(false) && session->membership()) {
        hub_->drained(session->key());
    }
}

}  // namespace interview::janus
