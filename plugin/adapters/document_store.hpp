// Where the document hub keeps every interview's document: the interface the hub is written
// against, so that the store can be Redis (RedisStore, the plugin's) or an in-memory one (the
// hub's unit tests, which then run without a redis-server). Every method is called on the hub's
// thread, and every callback must run there too (the store is made with the hub's GLib context).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "document/document.hpp"
#include "stored_document.hpp"

namespace interview::adapters {

enum class CommitOutcome { committed, conflict, failed };

class DocumentStore {
  public:
    /// Called with true when the store is reachable, with false when it is not (also when it
    /// never was); never twice in a row with the same value.
    using StateCallback = std::function<void(bool up)>;

    virtual ~DocumentStore() = default;

    virtual bool up() const = 0;
    /// The document as stored (snapshot and the log after it), or why it cannot be read.
    virtual void load(const std::string& interview_id,
                      std::function<void(std::variant<StoredDocument, std::string>)> done) = 0;
    /// Appends the commit's revisions if the stored head is commit.first_revision - 1
    /// (conflict otherwise; failed when the store did not answer). `expire_at`: Unix seconds
    /// after which every key of the interview may go.
    virtual void commit(const std::string& interview_id, const room::PendingCommit& commit,
                        std::int64_t expire_at,
                        std::function<void(CommitOutcome, std::string detail)> done) = 0;
    /// Stores `text` as the snapshot at `revision` (which must be committed) and trims the log
    /// to the entries from `keep_from` on.
    virtual void save_snapshot(const std::string& interview_id, std::uint64_t revision,
                               const std::string& text, std::uint64_t keep_from,
                               std::int64_t expire_at) = 0;
    virtual void set_field(const std::string& interview_id, const std::string& field,
                           const std::string& value, std::int64_t expire_at) = 0;
};

}  // namespace interview::adapters
