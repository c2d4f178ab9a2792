#include "document/document.hpp"

#include <algorithm>

namespace interview::room {

using protocol::ApiError;
using protocol::DataError;
using protocol::ErrorCode;

namespace {

// Distinct, readable on light and dark backgrounds; given out in join order.
const char* const kColours[] = {"#e8590c", "#1c7ed6", "#2b8a3e", "#ae3ec9",
                                "#c2255c", "#0b7285", "#5f3dc4", "#e67700"};

// What an op message adds around its op: type, revision, client id (64), seq, author (64).
constexpr std::size_t kOpEnvelopeBytes = 400;

DataError data_error(ErrorCode code, std::string message, std::optional<std::uint64_t> seq = {},
                     std::string reason = {}) {
    return DataError{ApiError{code, std::move(message)}, seq, std::move(reason)};
}

DocumentConfig effective(DocumentConfig c) {
    if (c.messages.per_second <= 0) {
        // All messages together: what the per-type limits allow, plus some for bad ones, so an
        // honest client within each limit never meets this one.
        c.messages.per_second = c.max_ops_per_second + c.max_presence_per_second +
                                c.hello.per_second + c.check.per_second + c.language.per_second +
                                c.ping.per_second + 10;
        c.messages.burst = 2 * c.messages.per_second;
    }
    c.authority.max_entry_json_bytes = c.max_broadcast_bytes > kOpEnvelopeBytes + 64
                                           ? c.max_broadcast_bytes - kOpEnvelopeBytes
                                           : 64;
    return c;
}

// "50", or "0.5": a rate as a person reads it.
std::string rate_text(double per_second) {
    const auto whole = static_cast<long long>(per_second);
    if (static_cast<double>(whole) == per_second) {
        return std::to_string(whole);
    }
    std::string s = std::to_string(per_second);
    s.erase(s.find_last_not_of('0') + 1);
    return s;
}

std::string scoped_id(std::string_view participant, std::string_view client_id) {
    std::string s;
    s.reserve(participant.size() + 1 + client_id.size());
    s.append(participant).append(1, ':').append(client_id);
    return s;
}

}  // namespace

std::pair<std::string_view, std::string_view> Document::unscope(std::string_view scoped) {
    const auto colon = scoped.find(':');
    if (colon == std::string_view::npos) {
        return {std::string_view(), scoped};
    }
    return {scoped.substr(0, colon), scoped.substr(colon + 1)};
}

Document::Document(std::string interview_id, DocumentConfig config)
    : interview_id_(std::move(interview_id)),
      config_(effective(config)),
      authority_(config_.authority) {}

Document::Document(std::string interview_id, ot::Authority authority, std::string language,
                   bool read_only, DocumentConfig config)
    : interview_id_(std::move(interview_id)),
      config_(effective(config)),
      authority_(std::move(authority)),
      language_(std::move(language)),
      read_only_(read_only),
      state_(State::live),
      confirmed_(authority_.revision()) {
    authority_.set_max_entry_json_bytes(config_.authority.max_entry_json_bytes);
    index_clients();
}

void Document::index_clients() {
    owner_of_.clear();
    for (const auto& [scoped, revision] : authority_.clients()) {
        const auto [participant, client] = unscope(scoped);
        if (!participant.empty()) {
            owner_of_.emplace(std::string(client), std::string(participant));
        }
    }
}

void Document::add_member(SessionKey key, const access::Participant& participant) {
    Member m;
    m.participant = participant;
    m.colour = kColours[colours_given_++ % (sizeof(kColours) / sizeof(kColours[0]))];
    // Nothing is sent before its hello: until then it has "seen" everything, so broadcasts skip it.
    m.synced_revision = UINT64_MAX;
    members_[key] = std::move(m);
}

void Document::add_member(SessionKey key, const access::Participant& participant,
                          DocumentOutbox& out) {
    add_member(key, participant);
    if (state_ == State::paused) {
        tell_paused(key, members_[key], out);
    }
}

void Document::remove_member(SessionKey key) {
    members_.erase(key);
}

void Document::load(ot::Authority authority, std::string language, bool read_only,
                    DocumentOutbox& out) {
    authority_ = std::move(authority);
    authority_.set_max_entry_json_bytes(config_.authority.max_entry_json_bytes);
    language_ = std::move(language);
    read_only_ = read_only_ || read_only;
    confirmed_ = authority_.revision();
    unconfirmed_.clear();  // what was not confirmed is not in storage: clients resend it
    state_ = State::live;
    index_clients();
    for (auto& [key, member] : members_) {
        // Everyone starts again from storage's state: a hello decides what each one gets.
        member.hello = false;
        member.synced_revision = UINT64_MAX;
        member.lagging = false;
        member.missed = false;
        if (member.told_paused) {
            member.told_paused = false;
            member.deferred_hello.reset();  // it says hello again after `resumed`
            send(key, member, protocol::simple_text("resumed"), out);
        } else if (member.deferred_hello) {
            const protocol::HelloMessage hello = std::move(*member.deferred_hello);
            member.deferred_hello.reset();
            on_hello(key, member, hello, out);
        }
    }
}

void Document::send(SessionKey key, Member& member, const std::string& text, DocumentOutbox& out,
                    bool state) {
    if (member.lagging) {
        member.missed = member.missed || state;
        return;
    }
    if (!out.send(key, text)) {
        // Its queue is full: stop feeding it; a snapshot follows when it has drained (when what
        // it missed was the document's state: a lost answer to a ping or an error needs none).
        member.lagging = true;
        member.missed = member.missed || state;
    }
}

void Document::send_error(SessionKey key, Member& member, const DataError& error,
                          DocumentOutbox& out) {
    send(key, member, protocol::error_text(error), out, false);
}

void Document::tell_paused(SessionKey key, Member& member, DocumentOutbox& out) {
    member.told_paused = true;
    send(key, member, protocol::simple_text("paused", "reason", "storage_unavailable"), out);
}

void Document::send_snapshot(SessionKey key, Member& member, DocumentOutbox& out, bool synced) {
    // The text may include commits the store has not confirmed yet; their broadcasts must then
    // skip this member, hence synced_revision = the authority's revision, not confirmed_.
    member.synced_revision = authority_.revision();
    if (member.lagging) {
        member.missed = true;  // one fresh snapshot (and synced) when drained, not one per ask
        return;
    }
    bool within = true;
    for (const std::string& part :
         protocol::snapshot_texts(authority_.revision(), language_, read_only_,
                                  authority_.document().utf8(), config_.snapshot_part_bytes)) {
        within = out.send_beyond_budget(key, part) && within;
    }
    if (synced) {
        // Part of the same unit: refused by a full queue, it would cost one more snapshot.
        within = out.send_beyond_budget(
                     key, protocol::revision_text("synced", member.synced_revision)) &&
                 within;
    }
    // Past the budget the snapshot is still whole; nothing more goes until it has drained (and
    // what is skipped meanwhile brings one more snapshot then).
    member.lagging = !within;
}

bool Document::limited(SessionKey key, Member& member, util::TokenBucket& bucket,
                       const RateLimit& limit, const char* name, std::optional<std::uint64_t> seq,
                       std::int64_t now_ms, DocumentOutbox& out) {
    if (bucket.take(limit, now_ms)) {
        return false;
    }
    send_error(
        key, member,
        data_error(ErrorCode::rate_limited,
                   std::string("more than ") + std::to_string(static_cast<int>(limit.burst)) +
                       " '" + name + "' messages at once or " + rate_text(limit.per_second) +
                       " a second; send it again later",
                   seq, name),
        out);
    return true;
}

void Document::on_text(SessionKey from, std::string_view text, std::int64_t now_ms,
                       DocumentOutbox& out) {
    auto it = members_.find(from);
    if (it == members_.end()) {
        return;
    }
    Member& member = it->second;
    // Every message, a bad one included, takes from one bucket; past it messages are dropped
    // unread, with one notice a second at most (answering each would let the sender amplify).
    if (!member.messages.take(config_.messages, now_ms)) {
        if (!member.limited_notice_ms || now_ms - *member.limited_notice_ms >= 1000) {
            member.limited_notice_ms = now_ms;
            send_error(from, member,
                       data_error(ErrorCode::rate_limited,
                                  "more than " + rate_text(config_.messages.per_second) +
                                      " messages a second: messages are dropped unread",
                                  std::nullopt, "messages"),
                       out);
        }
        return;
    }
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
    if (auto* ping = std::get_if<protocol::PingMessage>(&message)) {
        if (!limited(from, member, member.ping, config_.ping, "ping", {}, now_ms, out)) {
            send(from, member, protocol::pong_text(ping->t), out, false);
        }
    } else if (auto* hello = std::get_if<protocol::HelloMessage>(&message)) {
        if (limited(from, member, member.hello_bucket, config_.hello, "hello", {}, now_ms, out)) {
            return;
        }
        if (state_ == State::loading) {
            member.deferred_hello = std::move(*hello);  // answered when the text is here
        } else if (state_ == State::paused) {
            tell_paused(from, member, out);
        } else {
            on_hello(from, member, *hello, out);
        }
    } else if (auto* op = std::get_if<protocol::OpMessage>(&message)) {
        if (op->client_id.rfind("simple-", 0) == 0) {
            send_error(
                from, member,
                data_error(ErrorCode::invalid_field,
                           "client ids starting with 'simple-' are the simple form's", op->seq),
                out);
            return;
        }
        if (may_change(from, member, op->seq, "edit", out) &&
            !limited(
                from, member, member.ops,
                RateLimit{double(config_.max_ops_per_second), double(config_.max_ops_per_second)},
                "op", op->seq, now_ms, out)) {
            submit(from, member, op->client_id, op->seq, op->revision, op->op, out);
        }
    } else if (auto* simple = std::get_if<protocol::SimpleOpMessage>(&message)) {
        if (!may_change(from, member, std::nullopt, "edit", out) ||
            limited(
                from, member, member.ops,
                RateLimit{double(config_.max_ops_per_second), double(config_.max_ops_per_second)},
                "op", std::nullopt, now_ms, out)) {
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
        const auto last = authority_.last_seq(scoped_id(member.participant.id, client)).value_or(0);
        member.simple_seq = std::max(member.simple_seq, last) + 1;
        submit(from, member, client, member.simple_seq, authority_.revision(), converted.value(),
               out);
    } else if (auto* presence = std::get_if<protocol::PresenceMessage>(&message)) {
        // Ephemeral: dropped (never answered) past the limit, before hello, while not live.
        if (member.presence.take(RateLimit{double(config_.max_presence_per_second),
                                           double(config_.max_presence_per_second)},
                                 now_ms) &&
            state_ == State::live && member.hello) {
            on_presence(from, member, *presence, out);
        }
    } else if (auto* language = std::get_if<protocol::LanguageMessage>(&message)) {
        if (may_change(from, member, std::nullopt, "language", out) &&
            !limited(from, member, member.language, config_.language, "language", {}, now_ms,
                     out)) {
            on_language(from, member, *language, out);
        }
    } else if (auto* check = std::get_if<protocol::CheckMessage>(&message)) {
        if (state_ != State::live) {
            member.told_paused = true;
            send_error(from, member,
                       data_error(ErrorCode::storage_unavailable,
                                  "the document is not available; check again after 'resumed'"),
                       out);
        } else if (!member.hello) {
            send_error(from, member,
                       data_error(ErrorCode::hello_required, "send 'hello' before 'check'"), out);
        } else if (!limited(from, member, member.check, config_.check, "check", {}, now_ms, out)) {
            on_check(from, member, *check, out);
        }
    }
}

bool Document::may_change(SessionKey key, Member& member, std::optional<std::uint64_t> seq,
                          const char* what, DocumentOutbox& out) {
    if (!access::may_edit(member.participant.role)) {
        send_error(
            key, member,
            data_error(ErrorCode::forbidden_for_role,
                       std::string("observers cannot ") +
                           (std::string_view(what) == "edit" ? "edit" : "change the language"),
                       seq),
            out);
        return false;
    }
    if (state_ != State::live) {
        member.told_paused = true;  // `resumed` follows when it is live
        send_error(key, member,
                   data_error(ErrorCode::storage_unavailable,
                              state_ == State::loading
                                  ? "the document is being loaded; keep the edit and resend it "
                                    "after 'resumed'"
                                  : "edits are paused while storage is unreachable; keep the "
                                    "edit and resend it after 'resumed'",
                              seq),
                   out);
        return false;
    }
    if (!member.hello) {
        send_error(key, member,
                   data_error(ErrorCode::hello_required,
                              "send 'hello' first: an edit needs a known revision", seq),
                   out);
        return false;
    }
    if (read_only_) {
        send_error(key, member,
                   data_error(ErrorCode::read_only,
                              "the interview has ended; the document is read-only", seq),
                   out);
        return false;
    }
    return true;
}

std::string Document::op_message(const ot::LogEntry& entry) const {
    const auto [participant, client] = unscope(entry.client_id);
    return protocol::op_text(entry.revision, client, entry.seq, participant, entry.op);
}

std::string Document::enforce_client_cap(const std::string& participant) {
    // Rare (a new client id): a scan of the records is fine.
    std::vector<std::pair<std::uint64_t, std::string>> mine;
    for (auto& [scoped, revision] : authority_.clients()) {
        if (unscope(scoped).first == participant) {
            mine.emplace_back(revision, scoped);
        }
    }
    if (mine.size() <= config_.max_client_ids_per_participant) {
        return {};
    }
    const auto oldest = std::min_element(mine.begin(), mine.end());
    std::string scoped = oldest->second;
    authority_.forget_client(scoped);
    owner_of_.erase(std::string(unscope(scoped).second));
    return scoped;
}

void Document::submit(SessionKey key, Member& member, const std::string& client_id,
                      std::uint64_t seq, std::uint64_t revision, const ot::Operation& op,
                      DocumentOutbox& out) {
    const std::string& participant = member.participant.id;
    if (const auto owner = owner_of_.find(client_id);
        owner != owner_of_.end() && owner->second != participant) {
        send_error(key, member,
                   data_error(ErrorCode::invalid_field,
                              "client_id is used by another participant; choose another", seq),
                   out);
        return;
    }
    const std::string scoped = scoped_id(participant, client_id);
    const bool new_client = !authority_.last_seq(scoped).has_value();
    const auto result = authority_.submit(scoped, seq, revision, op);
    if (const auto* committed = std::get_if<ot::Committed>(&result)) {
        PendingCommit commit;
        commit.first_revision = committed->first_revision;
        commit.revision = committed->revision;
        commit.client_id = scoped;
        commit.seq = seq;
        commit.author = participant;
        for (std::uint64_t r = committed->first_revision; r <= committed->revision; ++r) {
            const ot::LogEntry& entry = *authority_.entry_at(r);
            // Written once: the store keeps this text and the broadcast splices it in.
            std::string op_json = ot::operation_to_json_text(entry.op);
            const auto [participant_id, client] = unscope(entry.client_id);
            unconfirmed_.push_back(Unconfirmed{
                r, protocol::op_text(entry.revision, client, entry.seq, participant_id, op_json)});
            commit.op_jsons.push_back(std::move(op_json));
        }
        if (new_client) {
            owner_of_.emplace(client_id, participant);
            commit.forget_client = enforce_client_cap(participant);
        }
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
        if (entry != nullptr && entry->client_id == scoped && entry->seq == seq) {
            send(key, member, op_message(*entry), out);
        } else {
            send_snapshot(key, member, out);  // too old to replay: it is in the snapshot
        }
        return;
    }
    if (const auto* resync = std::get_if<ot::NeedsResync>(&result)) {
        send_error(
            key, member,
            data_error(ErrorCode::revision_too_old,
                       "revision " + std::to_string(revision) +
                           " is too old to transform (the log starts at " +
                           std::to_string(resync->oldest_base_revision) + "); a snapshot follows",
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

void Document::channel_closed(SessionKey key) {
    auto it = members_.find(key);
    if (it == members_.end()) {
        return;
    }
    Member& member = it->second;
    member.hello = false;
    member.synced_revision = UINT64_MAX;  // as before a first hello: broadcasts skip it
    member.lagging = false;
    member.missed = false;
    member.deferred_hello.reset();
}

void Document::set_paused(bool paused, DocumentOutbox& out) {
    if (!paused || state_ == State::paused) {
        return;
    }
    state_ = State::paused;
    for (auto& [key, member] : members_) {
        member.deferred_hello.reset();
        tell_paused(key, member, out);
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
