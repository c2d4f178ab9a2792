// The session's source of truth in Redis, through hiredis's async API driven by a GLib main
// context (the plugin's document thread; every method must be called on it, and every callback
// runs on it).
//
// Layout, one hash tag per interview so that Redis Cluster keeps an interview on one shard:
//   {iv:<id>}:doc   hash: head (last committed revision), snap (snapshot revision), text
//                   (snapshot text, UTF-8), language, state ("open" or "ended")
//   {iv:<id>}:log   stream: one entry per committed operation, id "<revision>-0", fields op
//                   (JSON), client (participant id ':' client id), seq (0 for the pieces
//                   before an edit's last one), author; trimmed behind snapshots
//   {iv:<id>}:seqs  hash: participant id ':' client id -> last committed seq
// A commit is one Lua script: compare head with the first revision - 1, append (every piece of an
// edit at once), move head, record the seq (and drop a client record the document evicted),
// refresh the expiry; anything else is refused whole (CONFLICT). With Sentinels, the master is
// looked up before each connection; with wait_replicas, WAIT follows each commit and load.
#pragma once

#include <glib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "config/settings.hpp"
#include "document_store.hpp"
#include "secret_file.hpp"

namespace interview::adapters {

class RedisStore final : public DocumentStore {
  public:
    struct Options {
        std::string host = "127.0.0.1";
        int port = 6379;
        Secret password;                ///< empty: no AUTH
        int command_timeout_ms = 3000;  ///< a reply slower than this drops the connection
        /// When set, `host`/`port` are not used: before each connection the Sentinels are
        /// asked, in turn, where the master named `sentinel_master` is, and a connection to a
        /// Redis that is not (or no longer) that master is dropped and the Sentinels asked again.
        std::vector<config::RedisEndpoint> sentinels;
        std::string sentinel_master;
        /// A commit is confirmed only once this many replicas have it (WAIT), and a document
        /// is loaded only once they have everything it holds: what was acknowledged survives a
        /// failover to one of them. 0: confirmed when the master has it.
        int wait_replicas = 0;
    };
    /// on_state: true when a connection is up, false when it is lost and also when the first
    /// attempts fail (Redis down from the start).
    RedisStore(GMainContext* context, Options options, StateCallback on_state);
    ~RedisStore();
    RedisStore(const RedisStore&) = delete;
    RedisStore& operator=(const RedisStore&) = delete;

    bool up() const override;

    void load(const std::string& interview_id,
              std::function<void(std::variant<StoredDocument, std::string>)> done) override;
    void commit(const std::string& interview_id, const room::PendingCommit& commit,
                std::int64_t expire_at,
                std::function<void(CommitOutcome, std::string detail)> done) override;
    void save_snapshot(const std::string& interview_id, std::uint64_t revision,
                       const std::string& text, std::uint64_t keep_from,
                       std::int64_t expire_at) override;
    void set_field(const std::string& interview_id, const std::string& field,
                   const std::string& value, std::int64_t expire_at) override;

    /// The key names of an interview (for tests and operators).
    static std::string doc_key(const std::string& interview_id);
    static std::string log_key(const std::string& interview_id);
    static std::string seqs_key(const std::string& interview_id);

    struct Impl;  // public so the C callbacks of hiredis can name it; defined in the .cpp

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace interview::adapters
