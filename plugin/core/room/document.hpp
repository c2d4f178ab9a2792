// One interview's shared document as the room sees it: the OT authority plus who is connected,
// what each of them has seen, and the rules of the data channel (roles, read-only, paused,
// rate limits, presence, catch-up). Janus-free and single-threaded: the plugin calls it from its
// document thread and carries out what it asks through a DocumentOutbox.
//
// Durability rule: a committed operation is broadcast (and so acknowledged to its author) only
// after the store confirmed it (on_persisted). Commits are handed to the store in revision order
// and confirmed in that order.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "access/policy.hpp"
#include "ot/authority.hpp"
#include "protocol/data_messages.hpp"
#include "room/registry.hpp"

namespace interview::room {

struct DocumentConfig {
    ot::AuthorityConfig authority;
    std::size_t max_message_bytes = 60000;    ///< larger incoming messages are refused unread
    int max_ops_per_second = 50;              ///< per member; a burst of as many is allowed
    int max_presence_per_second = 20;         ///< per member; more are dropped (ephemeral)
    std::size_t snapshot_part_bytes = 60000;  ///< escaped text per snapshot message
};

/// One committed operation the store must persist before it may be broadcast.
struct PendingCommit {
    std::uint64_t revision = 0;  ///< the revision it produces; the store's head must be revision-1
    std::string op_json;
    std::string client_id;
    std::uint64_t seq = 0;
    std::string author;  ///< participant id
};

class DocumentOutbox {
  public:
    virtual ~DocumentOutbox() = default;
    /// Sends text on a member's data channel; false when the member's outbound queue is over
    /// its budget (the text was not sent).
    virtual bool send(SessionKey to, const std::string& text) = 0;
    /// Sends past the budget (still counted): for a snapshot's parts, which must arrive whole
    /// even when the snapshot is larger than the budget, or a member would never catch up.
    virtual void send_beyond_budget(SessionKey to, const std::string& text) = 0;
    virtual void persist(const PendingCommit& commit) = 0;
    virtual void persist_language(const std::string& language) = 0;
};

class Document {
  public:
    Document(std::string interview_id, ot::Authority authority, std::string language,
             bool read_only, DocumentConfig config);

    void add_member(SessionKey key, const access::Participant& participant);
    void remove_member(SessionKey key);
    bool has_member(SessionKey key) const { return members_.count(key) != 0; }
    std::size_t member_count() const { return members_.size(); }

    /// A text message from a member's data channel, received at `now_ms` (a monotonic clock).
    void on_text(SessionKey from, std::string_view text, std::int64_t now_ms, DocumentOutbox& out);
    /// The store confirmed every commit up to `revision`: broadcast them.
    void on_persisted(std::uint64_t revision, DocumentOutbox& out);
    /// The member's outbound queue has drained; a member that fell behind gets a snapshot.
    void on_drained(SessionKey key, DocumentOutbox& out);
    /// Storage down (paused) or back. Paused refuses edits with storage_unavailable.
    void set_paused(bool paused, DocumentOutbox& out);
    /// The interview ended: no more edits, everyone is told why (`reason`, e.g.
    /// "ended_by_recruiter" or "interview_over").
    void set_read_only(const std::string& reason, DocumentOutbox& out);

    const std::string& interview_id() const { return interview_id_; }
    const ot::Authority& authority() const { return authority_; }
    std::uint64_t confirmed_revision() const { return confirmed_; }
    bool has_unconfirmed() const { return !unconfirmed_.empty(); }
    const std::string& language() const { return language_; }
    bool read_only() const { return read_only_; }
    bool paused() const { return paused_; }

  private:
    struct Member {
        access::Participant participant;
        const char* colour = "";
        bool lagging = false;               ///< its queue overflowed: resync when drained
        std::uint64_t synced_revision = 0;  ///< it has (or was sent) everything up to here
        double op_tokens = 0;
        std::int64_t op_refill_ms = 0;
        std::int64_t presence_window_ms = 0;
        int presence_in_window = 0;
        std::uint64_t simple_seq = 0;  ///< seqs of its simple-form edits
    };
    struct Unconfirmed {
        std::uint64_t revision;
        std::string text;  ///< the op message to broadcast once confirmed
    };

    void send(SessionKey key, Member& member, const std::string& text, DocumentOutbox& out);
    void send_error(SessionKey key, Member& member, const protocol::DataError& error,
                    DocumentOutbox& out);
    void send_snapshot(SessionKey key, Member& member, DocumentOutbox& out);
    bool may_edit(SessionKey key, Member& member, std::optional<std::uint64_t> seq,
                  std::int64_t now_ms, DocumentOutbox& out);
    void submit(SessionKey key, Member& member, const std::string& client_id, std::uint64_t seq,
                std::uint64_t revision, const ot::Operation& op, DocumentOutbox& out);

    void on_hello(SessionKey key, Member& member, const protocol::HelloMessage& m,
                  DocumentOutbox& out);
    void on_presence(SessionKey key, Member& member, const protocol::PresenceMessage& m,
                     std::int64_t now_ms, DocumentOutbox& out);
    void on_language(SessionKey key, Member& member, const protocol::LanguageMessage& m,
                     DocumentOutbox& out);
    void on_check(SessionKey key, Member& member, const protocol::CheckMessage& m,
                  DocumentOutbox& out);

    const std::string interview_id_;
    ot::Authority authority_;
    std::string language_;
    bool read_only_;
    bool paused_ = false;
    DocumentConfig config_;
    std::uint64_t confirmed_;
    std::deque<Unconfirmed> unconfirmed_;
    std::map<SessionKey, Member> members_;
    std::size_t colours_given_ = 0;
};

}  // namespace interview::room
