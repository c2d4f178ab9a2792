// The single authority for one interview's document: revision counter, text, bounded log of
// committed operations and the last committed seq of every client.
//
// submit(client, seq, base_revision, op):
//   1. seq <= last committed seq of that client -> Duplicate (acknowledged again, never applied
//      twice). Checked before anything else, so a resend on an old revision is still recognised.
//   2. base_revision > revision() -> Rejected{revision_in_future}; base_revision older than the
//      log, or so old that transforming the op would cost more than max_transform_work (see
//      transform_work) -> NeedsResync (the client must reload a snapshot).
//   3. op is transformed over each committed op since base_revision, one at a time, as
//      transform(committed, incoming): on a same-position insert the committed text stays first.
//   4. The transformed op is validated against the current document (Rejected: nothing changes),
//      applied, appended to the log; Committed carries the log entry. When max_entry_json_bytes
//      is set and the op's JSON is longer (a transform can make an op much longer than what its
//      author sent), it is committed as several consecutive log entries ("pieces"), each short
//      enough; all but the last carry seq 0, the last carries the seq (it acknowledges the edit).
//
// Bounds (a hostile client must not make one message expensive for everyone): the log keeps at
// most log_capacity entries and at most log_max_bytes of them (oldest dropped first), and a
// transform may cross at most max_transform_work components.
//
// Seqs: a client numbers its operations 1, 2, 3, ... and has at most one in flight. A seq at or
// below the last committed one is a resend (Duplicate). A gap (seq > last + 1) is accepted: a
// client that abandons a rejected operation simply moves on to the next seq, and a rejected
// operation does not advance the last seq (so it can be resent after a fix-up).
//
// Persistence: the caller persists each Committed record in order and broadcasts only after the
// store confirmed it. If persisting fails, the in-memory state is ahead of the store: rebuild with
// Authority::restore() from the store (snapshot + log entries after it are re-applied), so memory
// never acknowledges what the store does not have. export_state() gives everything restore needs.
//
// Hot path (base_revision == revision()): validate + apply + copy into a recycled log slot; in
// steady state it allocates nothing (the slot's vectors and strings keep their capacity).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "ot/operation.hpp"
#include "ot/result.hpp"
#include "ot/text_buffer.hpp"
#include "ot/validate.hpp"

namespace interview::ot {

struct LogEntry {
    std::uint64_t revision = 0;  // the revision this op produced (first op: revision 1)
    Operation op;                // as committed, i.e. on revision - 1
    std::string client_id;
    std::uint64_t seq = 0;
    bool operator==(const LogEntry&) const = default;
};

struct AuthorityConfig {
    Limits limits;
    std::size_t log_capacity = 1000;  // committed ops kept for transform and catch-up (>= 1)
    // Memory the log may hold (entry_bytes of each entry): past it the oldest entries go, even
    // before log_capacity is reached, so a log of huge ops stays small.
    std::size_t log_max_bytes = 4u << 20;
    // What one submit (or one presence move) may cost: see transform_work().
    std::size_t max_transform_work = 1u << 16;
    // Longest JSON of one log entry (0: no limit); longer ops are committed in pieces.
    std::size_t max_entry_json_bytes = 0;
};

// Memory an entry holds, for log_max_bytes: its components, its text and a fixed overhead.
std::size_t entry_bytes(const LogEntry& entry) noexcept;

struct Committed {
    std::uint64_t revision;  // the last one it produced
    // Non-owning; valid until the next call that changes the authority. The last piece.
    const LogEntry* entry;
    std::uint64_t first_revision = 0;  // == revision unless committed in pieces
    const Operation& op() const { return entry->op; }
};
struct Duplicate {
    // The revision at which that seq was committed, when the log or the client record still knows.
    std::optional<std::uint64_t> revision;
    std::uint64_t last_seq;  // the client's last committed seq
};
struct NeedsResync {
    std::uint64_t current_revision;
    std::uint64_t oldest_base_revision;  // the oldest base revision still accepted
};
struct Rejected {
    Error error;
};
using SubmitResult = std::variant<Committed, Duplicate, NeedsResync, Rejected>;

struct CatchUpOps {
    std::vector<const LogEntry*> entries;  // non-owning, oldest first
};
struct SnapshotNeeded {
    std::uint64_t revision;
    std::string text;  // UTF-8
};
using CatchUp = std::variant<CatchUpOps, SnapshotNeeded, Rejected>;

using LastSeqMap = std::map<std::string, std::uint64_t, std::less<>>;

// Everything needed to rebuild an authority (what the Redis store keeps).
struct ExportedState {
    std::string snapshot_text;  // UTF-8, the document at snapshot_revision
    std::uint64_t snapshot_revision = 0;
    LastSeqMap last_seq;
    std::vector<LogEntry> log;  // contiguous revisions; those <= snapshot_revision are history
};

class Authority {
  public:
    explicit Authority(AuthorityConfig config = {});

    // Rebuilds from a snapshot (text at snapshot_revision), the last seq per client and log
    // entries in revision order. Entries at or below snapshot_revision are kept as history for
    // transforms and catch-up (they must end exactly at snapshot_revision); entries after it must
    // start at snapshot_revision + 1 and are validated and re-applied. Errors: invalid_utf8,
    // carriage_return, lone_surrogate, invalid_state (gaps, history that does not match) or the
    // validation error of a re-applied entry.
    static Result<Authority> restore(std::string_view snapshot_utf8,
                                     std::uint64_t snapshot_revision, const LastSeqMap& last_seq,
                                     std::vector<LogEntry> entries, AuthorityConfig config = {});
    static Result<Authority> restore(ExportedState state, AuthorityConfig config = {});

    SubmitResult submit(std::string_view client_id, std::uint64_t seq, std::uint64_t base_revision,
                        const Operation& op);
    // Same, but the operation's storage is swapped into the log instead of copied; `op` comes back
    // holding a recycled operation's storage (clear() it and build the next edit in it).
    SubmitResult submit(std::string_view client_id, std::uint64_t seq, std::uint64_t base_revision,
                        Operation&& op);

    std::uint64_t revision() const noexcept { return revision_; }
    const TextBuffer& document() const noexcept { return doc_; }
    const std::string& checksum_at_current() const { return doc_.checksum(); }
    const AuthorityConfig& config() const noexcept { return config_; }

    // Committed ops after `revision` (empty when up to date), a snapshot when the log no longer
    // reaches back that far, Rejected{revision_in_future} when revision > revision().
    CatchUp ops_since(std::uint64_t revision) const;
    // The oldest revision from which ops_since and submit still work (revision() - log size).
    std::uint64_t oldest_revision() const noexcept { return revision_ - count_; }
    std::size_t log_size() const noexcept { return count_; }
    // The log entry that produced `revision`, if still kept.
    const LogEntry* entry_at(std::uint64_t revision) const noexcept;

    std::optional<std::uint64_t> last_seq(std::string_view client_id) const;
    ExportedState export_state() const;

    // The cost of moving something with `components` components from `base_revision` to now:
    // the components of every op it crosses plus its own once per op crossed. SIZE_MAX when
    // base_revision is outside the log.
    std::size_t transform_work(std::uint64_t base_revision, std::size_t components) const noexcept;
    // Every client id with a recorded seq, and the revision of its last commit when known.
    std::vector<std::pair<std::string, std::uint64_t>> clients() const;
    // Drops a client's seq record (its later resends are then new edits): for a caller that caps
    // the client ids one participant may use.
    void forget_client(std::string_view client_id);
    std::size_t log_bytes() const noexcept { return log_bytes_; }
    // The owner of an authority built elsewhere (restored from storage) sets its message limit.
    void set_max_entry_json_bytes(std::size_t bytes) noexcept {
        config_.max_entry_json_bytes = bytes;
    }

  private:
    struct ClientState {
        std::uint64_t last_seq = 0;
        std::optional<std::uint64_t> last_revision;
    };
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    using ClientMap = std::unordered_map<std::string, ClientState, StringHash, std::equal_to<>>;

    // A non-owning pointer into clients_ that copies and moves of the authority reset (a copy
    // must not point into the source's map).
    struct ClientCache {
        ClientMap::value_type* node = nullptr;
        ClientCache() = default;
        ClientCache(const ClientCache&) noexcept {}
        ClientCache& operator=(const ClientCache&) noexcept {
            node = nullptr;
            return *this;
        }
    };

    ClientMap::value_type* find_client(std::string_view client_id);
    ClientMap::value_type& client_entry(std::string_view client_id);
    SubmitResult submit_impl(std::string_view client_id, std::uint64_t seq,
                             std::uint64_t base_revision, const Operation& op, Operation* owned);
    // `owned` (may be null) is swapped into the log slot instead of copying `op`.
    SubmitResult commit(std::string_view client_id, std::uint64_t seq, const Operation& op,
                        Operation* owned, bool transformed = false);
    void append_log(std::string_view client_id, std::uint64_t seq, const Operation& op,
                    Operation* owned);
    void drop_oldest() noexcept;
    /// Logs an op already applied to the document as the pieces it was split into.
    SubmitResult log_pieces(std::string_view client_id, std::uint64_t seq,
                            std::vector<Operation> pieces);
    std::optional<std::uint64_t> find_revision_of(std::string_view client_id,
                                                  std::uint64_t seq) const;

    AuthorityConfig config_;
    TextBuffer doc_;
    std::uint64_t revision_ = 0;
    std::vector<LogEntry> ring_;        // grows to log_capacity, then slots are recycled
    std::vector<std::size_t> weights_;  // entry_bytes of each slot when it was written
    std::size_t head_ = 0;              // index of the oldest entry
    std::size_t count_ = 0;
    std::size_t log_bytes_ = 0;  // entry_bytes of the entries kept
    ClientMap clients_;
    ClientCache last_client_;
};

}  // namespace interview::ot
