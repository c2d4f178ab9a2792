// Every interview's shared document on this Janus, on one thread (a LoopThread) together with
// the Redis connection. Janus's threads post events here (joins, leaves, data-channel text,
// drained queues); the hub loads documents from Redis, feeds the core's room::Document, persists
// its commits and sends its answers through a DataSink.
//
// Failure handling: when a commit fails or Redis goes away, the document pauses (clients are
// told and keep their edits); when Redis answers again the document is rebuilt from Redis (which
// holds exactly what was acknowledged) and clients are told to resume (they send hello with
// their last revision, catch up, and resend what was not acknowledged).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "access/policy.hpp"
#include "loop_thread.hpp"
#include "redis_store.hpp"
#include "document/document.hpp"
#include "util/latency_window.hpp"

namespace interview::adapters {

class DataSink {
  public:
    virtual ~DataSink() = default;
    /// Sends text to a session's data channel; false when its outbound queue is over budget.
    virtual bool send(room::SessionKey to, const std::string& text) = 0;
    /// The same, past the budget (counted all the same): see DocumentOutbox::send_beyond_budget;
    /// false when the queue is now over its budget.
    virtual bool send_beyond_budget(room::SessionKey to, const std::string& text) = 0;
};

struct HubConfig {
    room::DocumentConfig document;
    RedisStore::Options redis;
    int snapshot_every = 200;
    int key_ttl_seconds = 86400;
    std::string default_language = "python";
};

/// What an operator sees of one live document.
struct DocumentSummary {
    std::string interview_id;
    std::uint64_t revision = 0;
    std::string language;
    bool read_only = false;
    bool paused = false;
    bool loaded = false;
    std::size_t members = 0;
};

/// How the documents' storage is doing, for the admin API: commits and their latencies over the
/// most recent edits (RelayStats::kWindow of them).
struct RelayStats {
    static constexpr std::size_t kWindow = 4096;
    std::uint64_t commits = 0;          ///< confirmed by Redis since this Janus started
    std::uint64_t commit_failures = 0;  ///< refused or lost (each pauses its document)
    /// From the commit's write to Redis to its confirmation being handled.
    util::LatencyWindow::Summary redis_commit_ms;
    /// From Janus's thread receiving the edit to both copies handed to Janus (acknowledgement and
    /// broadcast): the plugin's whole part of an edit's latency, Redis included.
    util::LatencyWindow::Summary edit_ms;
};

class DocumentHub {
  public:
    /// Makes the hub's store on the hub's thread, with its GLib context and the callback for
    /// the store's state: how a test gives the hub a store of its own.
    using StoreFactory = std::function<std::unique_ptr<DocumentStore>(
        GMainContext* context, DocumentStore::StateCallback on_state)>;

    /// With a RedisStore (config.redis).
    DocumentHub(HubConfig config, DataSink& sink);
    DocumentHub(HubConfig config, DataSink& sink, StoreFactory make_store);
    ~DocumentHub();  // stops the thread; the Redis connection closes with it
    DocumentHub(const DocumentHub&) = delete;
    DocumentHub& operator=(const DocumentHub&) = delete;

    // Thread-safe: each posts to the hub's thread and returns at once.
    void member_joined(const std::string& interview_id, room::SessionKey key,
                       const access::Participant& participant, std::int64_t expire_at);
    void member_left(room::SessionKey key);
    /// `done` (if any) runs on the hub's thread once the text was handled: the caller bounds
    /// what it has queued here per member with it.
    void data(room::SessionKey key, std::string text, std::function<void()> done = {});
    void drained(room::SessionKey key);
    /// The member's PeerConnection closed (Document::channel_closed).
    void channel_closed(room::SessionKey key);
    /// Makes the document read-only and hands its final text to `done` (on the hub's thread).
    void end_interview(
        const std::string& interview_id, const std::string& reason,
        std::function<void(std::string text, std::string language, std::uint64_t revision)> done);

    bool redis_up() const;
    std::vector<DocumentSummary> summaries() const;
    RelayStats relay_stats() const;

  private:
    struct Entry;
    class Outbox;

    // On the hub's thread only:
    /// The entry of the document a member is in (nullptr when none).
    Entry* entry_of(room::SessionKey key);
    void load(const std::string& interview_id);
    void retry_load(const std::string& interview_id);
    void loaded(const std::string& interview_id, std::variant<StoredDocument, std::string> result);
    void deliver(Entry& entry, room::SessionKey key, const std::string& text);
    void persist(const std::string& interview_id, const room::PendingCommit& commit);
    void store_failed(const std::string& interview_id, const std::string& why);
    void redis_state(bool up);
    void maybe_snapshot(Entry& entry);
    /// Counts a confirmed commit; `received` (when the edit came from a client just now) also
    /// times the edit's whole way through the plugin, up to this call.
    void record_commit(std::chrono::steady_clock::time_point written,
                       std::chrono::steady_clock::time_point confirmed,
                       std::optional<std::chrono::steady_clock::time_point> received);
    void publish_summary(const Entry& entry);
    std::int64_t now_ms() const;

    HubConfig config_;
    DataSink& sink_;
    std::map<std::string, std::unique_ptr<Entry>> entries_;
    std::map<room::SessionKey, std::string> interview_of_;
    std::unique_ptr<DocumentStore> store_;
    mutable std::mutex summary_mutex_;
    std::map<std::string, DocumentSummary> summaries_;         // guarded by summary_mutex_
    bool redis_up_ = false;                                    // guarded by summary_mutex_
    util::LatencyWindow commit_latency_{RelayStats::kWindow};  // guarded by summary_mutex_
    util::LatencyWindow edit_latency_{RelayStats::kWindow};    // guarded by summary_mutex_
    std::uint64_t commit_failures_ = 0;                        // guarded by summary_mutex_
    /// When Janus's thread received the message being delivered now (hub thread only): the
    /// commits it makes carry it, for RelayStats::edit_ms.
    std::optional<std::chrono::steady_clock::time_point> receiving_;
    /// Redis was reported down (hub thread only); false until a first connection failed.
    bool redis_known_down_ = false;
    LoopThread loop_;  // last: destroyed (stopped) first
};

}  // namespace interview::adapters
