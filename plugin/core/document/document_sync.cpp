// room::Document's answers to the messages that do not edit: hello (catch-up or snapshot),
// presence, language and check, and what a member gets once its queue has drained. The edits,
// the lifecycle and the dispatch of every message are in document.cpp.
#include <algorithm>

#include "document/document.hpp"

namespace interview::room {

void Document::on_hello(SessionKey key, Member& member, const protocol::HelloMessage& m,
                        DocumentOutbox& out) {
    member.hello = true;
    if (!m.last_revision || *m.last_revision > confirmed_) {
        send_snapshot(key, member, out, true);
        return;
    }
    const auto catch_up = authority_.ops_since(*m.last_revision);
    if (const auto* ops = std::get_if<ot::CatchUpOps>(&catch_up)) {
        for (const ot::LogEntry* entry : ops->entries) {
            if (entry->revision > confirmed_) {
                break;  // not durable yet: it comes with its broadcast
            }
            if (member.lagging) {
                break;  // over its budget: the rest is in the snapshot it gets when drained
            }
            send(key, member, op_message(*entry), out);
        }
        member.synced_revision = confirmed_;
        if (member.lagging) {
            // The catch-up did not fit in its budget: the snapshot when drained replaces it.
            member.missed = true;
        }
        send(key, member, protocol::revision_text("synced", member.synced_revision), out);
    } else {
        send_snapshot(key, member, out, true);
    }
}

void Document::on_presence(SessionKey key, Member& member, const protocol::PresenceMessage& m,
                           DocumentOutbox& out) {
    if (member.participant.role == access::Role::observer) {
        return;  // observers are seen by nobody
    }
    // Moving the positions costs like a transform: too old (or too far ahead) is dropped.
    // Each position walks every op it crosses: the work is their components times the positions.
    const std::size_t crossed = authority_.transform_work(m.revision, 0);
    if (m.revision > authority_.revision() || crossed == SIZE_MAX ||
        crossed * (1 + 2 * m.selection.size()) > config_.authority.max_transform_work) {
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

void Document::on_language(SessionKey, Member& member, const protocol::LanguageMessage& m,
                           DocumentOutbox& out) {
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
        send(key, member, protocol::revision_text("check_stale", authority_.revision()), out,
             false);
        return;
    }
    if (m.checksum == authority_.checksum_at_current()) {
        send(key, member, protocol::revision_text("check_ok", m.revision), out, false);
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
    Member& member = it->second;
    member.lagging = false;
    if (member.missed && member.hello && state_ == State::live) {
        // What it missed (a catch-up's end included) is all in the snapshot.
        member.missed = false;
        send_snapshot(key, member, out, true);
    }
    member.missed = false;
}

}  // namespace interview::room
