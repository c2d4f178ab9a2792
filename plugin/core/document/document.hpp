// One interview's shared document as the room sees it: the OT authority plus who is connected,
// what each of them has seen, and the rules of the data channel (roles, read-only, paused,
// rate limits, presence, catch-up). Janus-free and single-threaded: the plugin calls it from its
// document thread and carries out what it asks through a DocumentOutbox.
//
// Lifecycle, as explicit states:
//   loading  constructed without text; waits for load(). Edits are refused with
//            storage_unavailable, a hello waits for the load, ping is answered.
//   live     load() done: everything works (read_only stops edits for good).
//   paused   set_paused(true): storage unreachable, memory may be ahead of it. Only ping is
//            answered; edits get storage_unavailable, hello gets `paused`. The next load()
//            (the rebuild from storage) goes live again.
// Whoever was told `paused` or `storage_unavailable` gets `resumed` when the document is live
// again, so a client that follows the protocol never stays paused.
//
// Durability rule: a committed operation is broadcast (and so acknowledged to its author) only
// after the store confirmed it (on_persisted). Commits are handed to the store in revision order
// and confirmed in that order.
//
// Bounds (one member can never make the document expensive for the others): every message type
// has a per-member token bucket, and all messages together another; an op or presence may cross
// at most the authority's max_transform_work; snapshots are sent only to a member whose queue is
// within its budget (one snapshot at most past it); client ids are scoped to the participant
// (another participant can never touch its seqs) and capped per participant.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.hpp"
#include "ot/authority.hpp"
#include "protocol/data_messages.hpp"
#include "room/registry.hpp"
#include "util/token_bucket.hpp"

namespace interview::room {

using util::RateLimit;

struct DocumentConfig {
    ot::AuthorityConfig authority;
    std::size_t max_message_bytes = 60000;    ///< larger incoming messages are refused unread
    int max_ops_per_second = 50;              ///< per member; a burst of as many is allowed
    int max_presence_per_second = 20;         ///< per member; more are dropped (ephemeral)
    std::size_t snapshot_part_bytes = 60000;  ///< escaped text per snapshot message
    /// Every message of a member, bad ones included; per_second 0: the sum of the per-type
    /// limits + 10 a second, with twice that as a burst.
    RateLimit messages{0, 0};
    RateLimit hello{1, 5};
    RateLimit check{1, 5};
    RateLimit language{2, 5};
    RateLimit ping{5, 10};
    std::size_t max_client_ids_per_participant = 16;
    /// Longest op message sent (Janus carries 65,535 bytes); longer edits go out in pieces.
    std::size_t max_broadcast_bytes = 65000;
};

/// Committed operations the store must persist before they may be broadcast: usually one
/// revision, several when a long edit was committed in pieces (all or none are stored).
struct PendingCommit {
    std::uint64_t revision = 0;  ///< the last revision; the store's head must be first_revision-1
    std::uint64_t first_revision = 0;
    std::vector<std::string> op_jsons;  ///< one per revision, first_revision first
    std::string client_id;              ///< scoped: participant id ':' client id
    std::uint64_t seq = 0;              ///< of the last piece; the others carry 0
    std::string author;                 ///< participant id
    std::string forget_client;          ///< a scoped client id whose seq record goes (or empty)
};

class DocumentOutbox {
  public:
    virtual ~DocumentOutbox() = default;
    /// Sends text on a member's data channel; false when the member's outbound queue is over
    /// its budget (the text was not sent).
    virtual bool send(SessionKey to, const std::string& text) = 0;
    /// Sends even past the budget (counted all the same), for a snapshot's parts, which must
    /// arrive whole; false when the queue is now over the budget (nothing more is sent to it
    /// until it has drained).
    virtual bool send_beyond_budget(SessionKey to, const std::string& text) = 0;
    virtual void persist(const PendingCommit& commit) = 0;
    virtual void persist_language(const std::string& language) = 0;
};

class Document {
  public:
    enum class State { loading, live, paused };

    /// A document waiting for its text (state loading).
    Document(std::string interview_id, DocumentConfig config);
    /// A live document.
    Document(std::string interview_id, ot::Authority authority, std::string language,
             bool read_only, DocumentConfig config);

    void add_member(SessionKey key, const access::Participant& participant, DocumentOutbox& out);
    void add_member(SessionKey key, const access::Participant& participant);
    void remove_member(SessionKey key);
    bool has_member(SessionKey key) const { return members_.count(key) != 0; }
    std::size_t member_count() const { return members_.size(); }

    /// The text arrived (first load or a rebuild after an outage): live again.
    void load(ot::Authority authority, std::string language, bool read_only, DocumentOutbox& out);
    /// A text message from a member's data channel, received at `now_ms` (a monotonic clock).
    void on_text(SessionKey from, std::string_view text, std::int64_t now_ms, DocumentOutbox& out);
    /// The store confirmed every commit up to `revision`: broadcast them.
    void on_persisted(std::uint64_t revision, DocumentOutbox& out);
    /// The member's outbound queue has drained; a member that missed something gets a snapshot.
    void on_drained(SessionKey key, DocumentOutbox& out);
    /// The member's PeerConnection is gone (it stays in the room): nothing more is sent to it
    /// until the hello on its next data channel, which decides what it gets.
    void channel_closed(SessionKey key);
    /// Storage down: paused until the next load(). (false is accepted and ignored: only a
    /// rebuild from storage may go live again.)
    void set_paused(bool paused, DocumentOutbox& out);
    /// The interview ended: no more edits, everyone is told why (`reason`, e.g.
    /// "ended_by_recruiter" or "interview_over").
    void set_read_only(const std::string& reason, DocumentOutbox& out);

    const std::string& interview_id() const { return interview_id_; }
    const ot::Authority& authority() const { return authority_; }
    State state() const { return state_; }
    bool loaded() const { return state_ != State::loading; }
    std::uint64_t confirmed_revision() const { return confirmed_; }
    bool has_unconfirmed() const { return !unconfirmed_.empty(); }
    const std::string& language() const { return language_; }
    bool read_only() const { return read_only_; }
    bool paused() const { return state_ == State::paused; }

    /// The participant id and the client id of a scoped client id ("p_x:tab" -> {"p_x","tab"});
    /// an unscoped one (stored before scoping) has no participant.
    static std::pair<std::string_view, std::string_view> unscope(std::string_view scoped);

  private:
    struct Member {
        access::Participant participant;
        const char* colour = "";
        bool hello = false;        ///< said hello since the document went live
        bool told_paused = false;  ///< gets `resumed` when live again
        std::optional<protocol::HelloMessage> deferred_hello;  ///< said while loading
        bool lagging = false;  ///< over its budget: nothing is sent until it drains
        bool missed = false;   ///< something was not sent while lagging: snapshot when drained
        std::uint64_t synced_revision = 0;  ///< it has (or was sent) everything up to here
        util::TokenBucket messages, ops, presence, hello_bucket, check, language, ping;
        std::optional<std::int64_t> limited_notice_ms;  ///< last `messages` rate_limited notice
        std::uint64_t simple_seq = 0;                   ///< seqs of its simple-form edits
    };
    struct Unconfirmed {
        std::uint64_t revision;
        std::string text;  ///< the op message to broadcast once confirmed
    };

    /// `state`: the text carries document state (an op, a snapshot, presence, language...), so
    /// a member that misses it while lagging needs a snapshot.
    void send(SessionKey key, Member& member, const std::string& text, DocumentOutbox& out,
              bool state = true);
    void send_error(SessionKey key, Member& member, const protocol::DataError& error,
                    DocumentOutbox& out);
    /// The whole text (parts past the budget, then `synced` when asked for).
    void send_snapshot(SessionKey key, Member& member, DocumentOutbox& out, bool synced = false);
    void tell_paused(SessionKey key, Member& member, DocumentOutbox& out);
    bool limited(SessionKey key, Member& member, util::TokenBucket& bucket, const RateLimit& limit,
                 const char* name, std::optional<std::uint64_t> seq, std::int64_t now_ms,
                 DocumentOutbox& out);
    /// The checks every edit passes (role, state, hello, read-only); false: refused (answered).
    bool may_change(SessionKey key, Member& member, std::optional<std::uint64_t> seq,
                    const char* what, DocumentOutbox& out);
    void submit(SessionKey key, Member& member, const std::string& client_id, std::uint64_t seq,
                std::uint64_t revision, const ot::Operation& op, DocumentOutbox& out);
    std::string op_message(const ot::LogEntry& entry) const;
    void index_clients();
    /// After a commit by a new client id of `participant`: the oldest ids past the cap go.
    std::string enforce_client_cap(const std::string& participant);

    void on_hello(SessionKey key, Member& member, const protocol::HelloMessage& m,
                  DocumentOutbox& out);
    void on_presence(SessionKey key, Member& member, const protocol::PresenceMessage& m,
                     DocumentOutbox& out);
    void on_language(SessionKey key, Member& member, const protocol::LanguageMessage& m,
                     DocumentOutbox& out);
    void on_check(SessionKey key, Member& member, const protocol::CheckMessage& m,
                  DocumentOutbox& out);

    const std::string interview_id_;
    DocumentConfig config_;
    ot::Authority authority_;
    std::string language_;
    bool read_only_ = false;
    State state_ = State::loading;
    std::uint64_t confirmed_ = 0;
    std::deque<Unconfirmed> unconfirmed_;
    std::map<SessionKey, Member> members_;
    std::size_t colours_given_ = 0;
    /// Unscoped client id -> the participant that uses it (ids are unique per document).
    std::map<std::string, std::string, std::less<>> owner_of_;
};

}  // namespace interview::room
