#include "room/document.hpp"

#include <algorithm>

namespace interview::room {

using protocol::ApiError;
using protocol::DataError;
using protocol::ErrorCode;

namespace {

// Distinct, readable on light and dark backgrounds; given out in join order.
const char* const kColours[] = {"#e8590c", "#1c7ed6", "#2b8a3e", "#ae3ec9",
                                "#c2255c", "#0b7285", "#5f3dc4", "#e67700"};

DataError data_error(ErrorCode code, std::string message, std::optional<std::uint64_t> seq = {},
                     std::string reason = {}) {
    return DataError{ApiError{code, std::move(message)}, seq, std::move(reason)};
}

}  // namespace

Document::Document(std::string interview_id, ot::Authority authority, std::string language,
                   bool read_only, DocumentConfig config)
    : interview_id_(std::move(interview_id)),
      authority_(std::move(authority)),
      language_(std::move(language)),
      read_only_(read_only),
      config_(config),
      confirmed_(authority_.revision()) {}

void Document::add_member(SessionKey key, const access::Participant& participant) {
    Member m;
    m.participant = participant;
    m.colour = kColours[colours_given_++ % (sizeof(kColours) / sizeof(kColours[0]))];
    m.op_tokens = config_.max_ops_per_second;
    // Nothing is sent before its hello: until then it has "seen" everything, so broadcasts skip it.
    m.synced_revision = UINT64_MAX;
    members_[key] = std::move(m);
}

void Document::remove_member(SessionKey key) {
    members_.erase(key);
}

void Document::send(SessionKey key, Member& member, const std::string& text, DocumentOutbox& out) {
    if (member.lagging) {
        return;
    }
    if (!out.send(key, text)) {
        // Its queue is full: stop feeding it; a snapshot follows when it has drained.
        member.lagging = true;
    }
}

void Document::send_error(SessionKey key, Member& member, const DataError& error,
                          DocumentOutbox& out) {
    send(key, member, protocol::error_text(error), out);
}

void Document::send_snapshot(SessionKey key, Member& member, DocumentOutbox& out) {
    if (member.lagging) {
        return;  // a fresh one goes out when its queue has drained
    }
    // The text may include commits the store has not confirmed yet; their broadcasts must then
    // skip this member, hence synced_revision = the authority's revision, not confirmed_.
    for (const std::string& part :
         protocol::snapshot_texts(authority_.revision(), language_, read_only_,
                                  authority_.document().utf8(), config_.snapshot_part_bytes)) {
        out.send_beyond_budget(key, part);
    }
    member.synced_revision = authority_.revision();
}

void Document::on_text(SessionKey from, std::string_view text, std::int64_t now_ms,
                       DocumentOutbox& out) {
    auto it = members_.find(from);
    if (it == members_.end()) {
        return;
    }
    Member& member = it->second;
    if (text.size() > config_.max_message_bytes) {
        send_error(
            from, member,
            data_error(ErrorCode::message_too_large,
                       "messages are limited to " + std::to_string(config_.max_message_bytes) +
                           " bytes; split large edits into several operations"),
            out);
        return;
    }
    auto parsed = protocol::parse_data_message(text, config_.authority.limits);
    if (auto* error = std::get_if<DataError>(&parsed)) {
        send_error(from, member, *error, out);
        return;
    }
    auto& message = std::get<protocol::DataMessage>(parsed);
    if (auto* hello = std::get_if<protocol::HelloMessage>(&message)) {
        on_hello(from, member, *hello, out);
    } else if (auto* op = std::get_if<protocol::OpMessage>(&message)) {
        if (may_edit(from, member, op->seq, now_ms, out)) {
            submit(from, member, op->client_id, op->seq, op->revision, op->op, out);
        }
    } else if (auto* simple = std::get_if<protocol::SimpleOpMessage>(&message)) {
        if (!may_edit(from, member, std::nullopt, now_ms, out)) {
            return;
        }
        auto converted = ot::simple_edit_to_operation(simple->edit, authority_.document());
        if (!converted.ok()) {
            send_error(from, member,
                       data_error(ErrorCode::invalid_operation, converted.error().message, {},
                                  std::string(ot::error_code_name(converted.error().code))),
                       out);
            return;
        }
        const std::string client = "simple-" + member.participant.id;
        const auto last = authority_.last_seq(client).value_or(0);
        member.simple_seq = std::max(member.simple_seq, last) + 1;
        submit(from, member, client, member.simple_seq, authority_.revision(), converted.value(),
               out);
    } else if (auto* presence = std::get_if<protocol::PresenceMessage>(&message)) {
        on_presence(from, member, *presence, now_ms, out);
    } else if (auto* language = std::get_if<protocol::LanguageMessage>(&message)) {
        on_language(from, member, *language, out);
    } else if (auto* check = std::get_if<protocol::CheckMessage>(&message)) {
        on_check(from, member, *check, out);
    } else if (auto* ping = std::get_if<protocol::PingMessage>(&message)) {
        send(from, member, protocol::pong_text(ping->t), out);
    }
}

bool Document::may_edit(SessionKey key, Member& member, std::optional<std::uint64_t> seq,
                        std::int64_t now_ms, DocumentOutbox& out) {
    if (!access::may_edit(member.participant.role)) {
        send_error(key, member,
                   data_error(ErrorCode::forbidden_for_role, "observers cannot edit", seq), out);
        return false;
    }
    if (read_only_) {
        send_error(key, member,
                   data_error(ErrorCode::read_only,
                              "the interview has ended; the document is read-only", seq),
                   out);
        return false;
    }
    if (paused_) {
        send_error(key, member,
                   data_error(ErrorCode::storage_unavailable,
                              "edits are paused while storage is unreachable; keep the edit and "
                              "resend it after 'resumed'",
                              seq),
                   out);
        return false;
    }
    // Token bucket: max_ops_per_second sustained, the same number as a burst.
    const double rate = config_.max_ops_per_second;
    const double elapsed = static_cast<double>(now_ms - member.op_refill_ms) / 1000.0;
    member.op_tokens = std::min(rate, member.op_tokens + std::max(0.0, elapsed) * rate);
    member.op_refill_ms = now_ms;
    if (member.op_tokens < 1.0) {
        send_error(key, member,
                   data_error(ErrorCode::rate_limited,
                              "more than " + std::to_string(config_.max_ops_per_second) +
                                  " operations per second; resend this one shortly",
                              seq),
                   out);
        return false;
    }
    member.op_tokens -= 1.0;
    return true;
}

void Document::submit(SessionKey key, Member& member, const std::string& client_id,
                      std::uint64_t seq, std::uint64_t revision, const ot::Operation& op,
                      DocumentOutbox& out) {
    const auto result = authority_.submit(client_id, seq, revision, op);
    if (const auto* committed = std::get_if<ot::Committed>(&result)) {
        const ot::LogEntry& entry = *committed->entry;
        PendingCommit commit{committed->revision, ot::operation_to_json_text(entry.op),
                             entry.client_id, entry.seq, member.participant.id};
        unconfirmed_.push_back(Unconfirmed{
            committed->revision, protocol::op_text(committed->revision, entry.client_id, entry.seq,
                                                   member.participant.id, entry.op)});
        out.persist(commit);
        return;
    }
    if (const auto* duplicate = std::get_if<ot::Duplicate>(&result)) {
        // Already committed. If the store has confirmed it, acknowledge again (to the author
        // only); if not, the broadcast still to come is the acknowledgement.
        if (duplicate->revision && *duplicate->revision > confirmed_) {
            return;
        }
        const ot::LogEntry* entry =
            duplicate->revision ? authority_.entry_at(*duplicate->revision) : nullptr;
        if (entry != nullptr && entry->client_id == client_id && entry->seq == seq) {
            send(key, member,
                 protocol::op_text(entry->revision, entry->client_id, entry->seq,
                                   member.participant.id, entry->op),
                 out);
        } else {
            send_snapshot(key, member, out);  // too old to replay: it is in the snapshot
        }
        return;
    }
    if (const auto* resync = std::get_if<ot::NeedsResync>(&result)) {
        send_error(
            key, member,
            data_error(ErrorCode::revision_too_old,
                       "revision " + std::to_string(revision) + " is older than " +
                           std::to_string(resync->oldest_base_revision) + "; a snapshot follows",
                       seq),
            out);
        send_snapshot(key, member, out);
        return;
    }
    const auto& rejected = std::get<ot::Rejected>(result);
    send_error(key, member,
               data_error(ErrorCode::invalid_operation, rejected.error.message, seq,
                          std::string(ot::error_code_name(rejected.error.code))),
               out);
}

void Document::on_persisted(std::uint64_t revision, DocumentOutbox& out) {
    while (!unconfirmed_.empty() && unconfirmed_.front().revision <= revision) {
        const Unconfirmed& next = unconfirmed_.front();
        for (auto& [key, member] : members_) {
            if (member.synced_revision < next.revision) {
                send(key, member, next.text, out);
                member.synced_revision = next.revision;
            }
        }
        confirmed_ = next.revision;
        unconfirmed_.pop_front();
    }
}

void Document::on_hello(SessionKey key, Member& member, const protocol::HelloMessage& m,
                        DocumentOutbox& out) {
    member.lagging = false;
    if (!m.last_revision || *m.last_revision > confirmed_) {
        send_snapshot(key, member, out);
        send(key, member, protocol::revision_text("synced", member.synced_revision), out);
        return;
    }
    const auto catch_up = authority_.ops_since(*m.last_revision);
    if (const auto* ops = std::get_if<ot::CatchUpOps>(&catch_up)) {
        for (const ot::LogEntry* entry : ops->entries) {
            if (entry->revision > confirmed_) {
                break;  // not durable yet: it comes with its broadcast
            }
            // The author's participant id is not kept in the log: catch-up ops carry the
            // client id, which is what a client needs to recognise its own acknowledgements.
            send(key, member,
                 protocol::op_text(entry->revision, entry->client_id, entry->seq, "", entry->op),
                 out);
        }
        member.synced_revision = confirmed_;
    } else {
        send_snapshot(key, member, out);
    }
    send(key, member, protocol::revision_text("synced", member.synced_revision), out);
}

void Document::on_presence(SessionKey key, Member& member, const protocol::PresenceMessage& m,
                           std::int64_t now_ms, DocumentOutbox& out) {
    if (member.participant.role == access::Role::observer) {
        return;  // observers are seen by nobody
    }
    if (now_ms - member.presence_window_ms >= 1000) {
        member.presence_window_ms = now_ms;
        member.presence_in_window = 0;
    }
    if (++member.presence_in_window > config_.max_presence_per_second) {
        return;  // ephemeral: the next one will do
    }
    if (m.revision > authority_.revision() || m.revision < authority_.oldest_revision()) {
        return;
    }
    const auto& doc = authority_.document();
    const auto move = [&](std::size_t pos) {
        pos = std::min(pos, authority_.document().length());
        for (std::uint64_t r = m.revision + 1; r <= authority_.revision(); ++r) {
            if (const ot::LogEntry* entry = authority_.entry_at(r)) {
                pos = ot::transform_position(pos, entry->op, false);
            }
        }
        return doc.snap(pos);
    };
    std::vector<std::pair<std::size_t, std::size_t>> selection;
    for (const auto& [a, b] : m.selection) {
        selection.emplace_back(move(a), move(b));
    }
    const std::string text = protocol::presence_text(
        member.participant.id, member.participant.name, access::role_name(member.participant.role),
        member.colour, authority_.revision(), move(m.cursor), selection);
    for (auto& [other_key, other] : members_) {
        if (other_key != key && other.synced_revision != UINT64_MAX) {
            send(other_key, other, text, out);
        }
    }
}

void Document::on_language(SessionKey key, Member& member, const protocol::LanguageMessage& m,
                           DocumentOutbox& out) {
    if (!access::may_edit(member.participant.role)) {
        send_error(
            key, member,
            data_error(ErrorCode::forbidden_for_role, "observers cannot change the language"), out);
        return;
    }
    if (read_only_) {
        send_error(key, member, data_error(ErrorCode::read_only, "the interview has ended"), out);
        return;
    }
    language_ = m.language;
    out.persist_language(language_);
    const std::string text = protocol::language_text(language_, member.participant.id);
    for (auto& [other_key, other] : members_) {
        send(other_key, other, text, out);
    }
}

void Document::on_check(SessionKey key, Member& member, const protocol::CheckMessage& m,
                        DocumentOutbox& out) {
    if (m.revision != authority_.revision()) {
        send(key, member, protocol::revision_text("check_stale", authority_.revision()), out);
        return;
    }
    if (m.checksum == authority_.checksum_at_current()) {
        send(key, member, protocol::revision_text("check_ok", m.revision), out);
        return;
    }
    // Silent divergence made visible: the client gets the real text.
    send_snapshot(key, member, out);
}

void Document::on_drained(SessionKey key, DocumentOutbox& out) {
    auto it = members_.find(key);
    if (it == members_.end() || !it->second.lagging) {
        return;
    }
    it->second.lagging = false;
    send_snapshot(key, it->second, out);
}

void Document::set_paused(bool paused, DocumentOutbox& out) {
    if (paused == paused_) {
        return;
    }
    paused_ = paused;
    const std::string text = paused
                                 ? protocol::simple_text("paused", "reason", "storage_unavailable")
                                 : protocol::simple_text("resumed");
    for (auto& [key, member] : members_) {
        send(key, member, text, out);
    }
}

void Document::set_read_only(const std::string& reason, DocumentOutbox& out) {
    if (read_only_) {
        return;
    }
    read_only_ = true;
    const std::string text = protocol::simple_text("read_only", "reason", reason.c_str());
    for (auto& [key, member] : members_) {
        send(key, member, text, out);
    }
}

}  // namespace interview::room
