#include "ot/authority.hpp"

#include <algorithm>

#include "ot/json.hpp"

namespace interview::ot {

namespace {

// Client ids are compared on every submit (cache check, log slot reuse). For short ids an inline
// byte loop beats a call to memcmp, which dominated the profile of the trace replay.
inline bool same_id(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    if (a.size() > 16) {
        return a == b;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

Authority::Authority(AuthorityConfig config) : config_(config) {
    config_.log_capacity = std::max<std::size_t>(config_.log_capacity, 1);
}

const LogEntry* Authority::entry_at(std::uint64_t revision) const noexcept {
    if (revision <= oldest_revision() || revision > revision_) {
        return nullptr;
    }
    // head_ + k < 2 * size: one conditional subtraction instead of a division.
    std::size_t i = head_ + static_cast<std::size_t>(revision - oldest_revision() - 1);
    if (i >= ring_.size()) {
        i -= ring_.size();
    }
    return &ring_[i];
}

std::optional<std::uint64_t> Authority::last_seq(std::string_view client_id) const {
    const auto it = clients_.find(client_id);
    if (it == clients_.end()) {
        return std::nullopt;
    }
    return it->second.last_seq;
}

std::optional<std::uint64_t> Authority::find_revision_of(std::string_view client_id,
                                                         std::uint64_t seq) const {
    for (std::uint64_t r = revision_; r > oldest_revision(); --r) {
        const LogEntry* e = entry_at(r);
        if (e->seq == seq && e->client_id == client_id) {
            return r;
        }
    }
    return std::nullopt;
}

namespace {
// A slot that once held a huge operation would keep its memory: slots larger than this are
// emptied when dropped or recycled.
constexpr std::size_t kKeepSlotBytes = 64 * 1024;
}  // namespace

std::size_t entry_bytes(const LogEntry& entry) noexcept {
    return sizeof(LogEntry) + entry.op.components().capacity() * sizeof(Component) +
           entry.op.inserted_text().size() * sizeof(char16_t) + entry.client_id.capacity();
}

void Authority::drop_oldest() noexcept {
    if (count_ == 0) {
        return;
    }
    log_bytes_ -= weights_[head_];
    if (weights_[head_] > kKeepSlotBytes) {
        ring_[head_].op = Operation();  // free it now, not when the ring comes round to it
    }
    weights_[head_] = 0;
    if (++head_ == ring_.size()) {
        head_ = 0;
    }
    --count_;
}

void Authority::append_log(std::string_view client_id, std::uint64_t seq, const Operation& op,
                           Operation* owned) {
    std::size_t index = 0;
    if (count_ < ring_.size()) {
        index = head_ + count_;  // a free slot after a drop
        if (index >= ring_.size()) {
            index -= ring_.size();
        }
        ++count_;
    } else if (ring_.size() < config_.log_capacity && head_ == 0) {
        if (ring_.empty()) {
            // One allocation for the slots instead of a reallocation cascade while filling up.
            const std::size_t n = std::min<std::size_t>(config_.log_capacity, 4096);
            ring_.reserve(n);
            weights_.reserve(n);
        }
        ring_.emplace_back();
        weights_.push_back(0);
        index = ring_.size() - 1;
        ++count_;
    } else {
        // Full: recycle the oldest slot. Copy-assignment reuses its capacity (no allocation once
        // the slots have grown to the usual operation size).
        index = head_;
        log_bytes_ -= weights_[index];
        if (++head_ == ring_.size()) {
            head_ = 0;
        }
    }
    LogEntry* slot = &ring_[index];
    if (weights_[index] > kKeepSlotBytes || entry_bytes(*slot) > kKeepSlotBytes) {
        slot->op = Operation();
        slot->op.clear();
    }
    slot->revision = revision_;
    if (owned != nullptr) {
        std::swap(slot->op, *owned);
    } else {
        slot->op = op;
    }
    if (!same_id(slot->client_id, client_id)) {  // usually the same few ids: skip the rewrite
        slot->client_id.assign(client_id);
    }
    slot->seq = seq;
    weights_[index] = entry_bytes(*slot);
    log_bytes_ += weights_[index];
    // The byte cap: the oldest entries go, but never the one just written.
    while (log_bytes_ > config_.log_max_bytes && count_ > 1) {
        drop_oldest();
    }
}

Authority::ClientMap::value_type* Authority::find_client(std::string_view client_id) {
    // One-entry cache: consecutive submits mostly come from the same client, and a string compare
    // is cheaper than hashing. Node addresses of an unordered_map are stable across rehashes.
    if (last_client_.node != nullptr && same_id(last_client_.node->first, client_id)) {
        return last_client_.node;
    }
    const auto it = clients_.find(client_id);
    if (it == clients_.end()) {
        return nullptr;
    }
    last_client_.node = &*it;
    return last_client_.node;
}

Authority::ClientMap::value_type& Authority::client_entry(std::string_view client_id) {
    if (auto* node = find_client(client_id)) {
        return *node;
    }
    last_client_.node = &*clients_.emplace(std::string(client_id), ClientState{}).first;
    return *last_client_.node;
}

SubmitResult Authority::commit(std::string_view client_id, std::uint64_t seq, const Operation& op,
                               Operation* owned, bool transformed) {
    // The component cap bounds what a client sends (checked when parsing and here for an op on
    // the current revision); a transformed op may have more, and is then committed in pieces.
    Limits limits = config_.limits;
    if (transformed && config_.max_entry_json_bytes != 0) {
        limits.max_components = SIZE_MAX;
    }
    if (auto st = validate(op, doc_, limits); !st) {
        return Rejected{std::move(st).error()};
    }
    if (auto st = doc_.apply(op); !st) {  // cannot fail after validate; kept for safety
        return Rejected{std::move(st).error()};
    }
    if (config_.max_entry_json_bytes != 0 &&
        (op.components().size() > config_.limits.max_components ||
         operation_json_size(op) > config_.max_entry_json_bytes)) {
        // Applied whole above (one pass over the text; each piece would be a pass of its own),
        // logged as the pieces whose effect it is.
        return log_pieces(client_id, seq,
                          split_operation_for_json(op, config_.max_entry_json_bytes,
                                                   config_.limits.max_components));
    }
    ++revision_;
    append_log(client_id, seq, op, owned);
    if (seq != 0) {  // 0: a piece of an edit (see the header) whose last piece carries its seq
        ClientState& c = client_entry(client_id).second;
        c.last_seq = seq;
        c.last_revision = revision_;
    }
    return Committed{revision_, entry_at(revision_), revision_};
}

SubmitResult Authority::log_pieces(std::string_view client_id, std::uint64_t seq,
                                   std::vector<Operation> pieces) {
    // The document has the whole op already; the pieces, applied one after the other, have the
    // same effect (split_operation_for_json), so the log replays to the same text.
    const std::uint64_t first = revision_ + 1;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        ++revision_;
        append_log(client_id, i + 1 == pieces.size() ? seq : 0, pieces[i], &pieces[i]);
    }
    ClientState& c = client_entry(client_id).second;
    c.last_seq = seq;
    c.last_revision = revision_;
    return Committed{revision_, entry_at(revision_), first};
}

std::size_t Authority::transform_work(std::uint64_t base_revision,
                                      std::size_t components) const noexcept {
    if (base_revision < oldest_revision() || base_revision > revision_) {
        return SIZE_MAX;
    }
    std::size_t work = 0;
    for (std::uint64_t r = base_revision + 1; r <= revision_; ++r) {
        work += entry_at(r)->op.components().size() + components;
    }
    return work;
}

std::vector<std::pair<std::string, std::uint64_t>> Authority::clients() const {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    out.reserve(clients_.size());
    for (const auto& [id, c] : clients_) {
        out.emplace_back(id, c.last_revision.value_or(0));
    }
    return out;
}

void Authority::forget_client(std::string_view client_id) {
    const auto it = clients_.find(client_id);
    if (it == clients_.end()) {
        return;
    }
    if (last_client_.node == &*it) {
        last_client_.node = nullptr;
    }
    clients_.erase(it);
}

SubmitResult Authority::submit(std::string_view client_id, std::uint64_t seq,
                               std::uint64_t base_revision, const Operation& op) {
    return submit_impl(client_id, seq, base_revision, op, nullptr);
}

SubmitResult Authority::submit(std::string_view client_id, std::uint64_t seq,
                               std::uint64_t base_revision, Operation&& op) {
    return submit_impl(client_id, seq, base_revision, op, &op);
}

SubmitResult Authority::submit_impl(std::string_view client_id, std::uint64_t seq,
                                    std::uint64_t base_revision, const Operation& op,
                                    Operation* owned) {
    if (client_id.empty() || client_id.size() > config_.limits.max_client_id_bytes) {
        return Rejected{make_error(ErrorCode::invalid_client_id,
                                   "client id must be 1 to " +
                                       std::to_string(config_.limits.max_client_id_bytes) +
                                       " bytes")};
    }
    if (seq == 0) {
        return Rejected{make_error(ErrorCode::invalid_seq, "seq starts at 1")};
    }
    if (const auto* node = find_client(client_id)) {
        const ClientState& c = node->second;
        if (seq <= c.last_seq) {
            std::optional<std::uint64_t> rev;
            if (seq == c.last_seq && c.last_revision) {
                rev = c.last_revision;
            } else {
                rev = find_revision_of(client_id, seq);
            }
            return Duplicate{rev, c.last_seq};
        }
    }
    if (base_revision > revision_) {
        return Rejected{make_error(ErrorCode::revision_in_future,
                                   "base revision " + std::to_string(base_revision) +
                                       " is newer than the current revision " +
                                       std::to_string(revision_))};
    }
    if (base_revision < oldest_revision() ||
        transform_work(base_revision, op.components().size()) > config_.max_transform_work) {
        return NeedsResync{revision_, oldest_revision()};
    }
    if (base_revision == revision_) {
        return commit(client_id, seq, op, owned);
    }
    // Transform over each committed op since base_revision, one at a time (never a composed
    // history: composing would change how same-position inserts are ordered).
    Operation current = op;
    for (std::uint64_t r = base_revision + 1; r <= revision_; ++r) {
        auto moved = transform_second(entry_at(r)->op, current);
        if (!moved) {
            Error e = std::move(moved).error();
            e.message = "operation does not match revision " + std::to_string(base_revision) +
                        ": " + e.message;
            return Rejected{std::move(e)};
        }
        current = std::move(*moved);
    }
    return commit(client_id, seq, current, &current, true);
}

CatchUp Authority::ops_since(std::uint64_t revision) const {
    if (revision > revision_) {
        return Rejected{
            make_error(ErrorCode::revision_in_future, "revision " + std::to_string(revision) +
                                                          " is newer than the current revision " +
                                                          std::to_string(revision_))};
    }
    if (revision < oldest_revision()) {
        return SnapshotNeeded{revision_, doc_.utf8()};
    }
    CatchUpOps out;
    out.entries.reserve(static_cast<std::size_t>(revision_ - revision));
    for (std::uint64_t r = revision + 1; r <= revision_; ++r) {
        out.entries.push_back(entry_at(r));
    }
    return out;
}

ExportedState Authority::export_state() const {
    ExportedState s;
    s.snapshot_text = doc_.utf8();
    s.snapshot_revision = revision_;
    for (const auto& [id, c] : clients_) {
        s.last_seq.emplace(id, c.last_seq);
    }
    s.log.reserve(count_);
    for (std::uint64_t r = oldest_revision() + 1; r <= revision_; ++r) {
        s.log.push_back(*entry_at(r));
    }
    return s;
}

Result<Authority> Authority::restore(ExportedState state, AuthorityConfig config) {
    return restore(state.snapshot_text, state.snapshot_revision, state.last_seq,
                   std::move(state.log), config);
}

Result<Authority> Authority::restore(std::string_view snapshot_utf8,
                                     std::uint64_t snapshot_revision, const LastSeqMap& last_seq,
                                     std::vector<LogEntry> entries, AuthorityConfig config) {
    auto invalid = [](std::string msg) { return make_error(ErrorCode::invalid_state, msg); };
    // Revisions count edits: anything near 2^64 is corrupt state, and the loops that run up to
    // the revision would never end there.
    constexpr std::uint64_t kMaxRevision = 1ULL << 53;
    if (snapshot_revision > kMaxRevision ||
        (!entries.empty() && entries.back().revision > kMaxRevision)) {
        return invalid("a revision beyond 2^53");
    }
    auto doc = TextBuffer::from_utf8(snapshot_utf8);
    if (!doc) {
        return std::move(doc).error();
    }
    Authority a(config);
    // A snapshot over the size cap is still loaded (the cap may have been lowered since); only
    // the text rules are enforced.
    Limits text_rules = a.config_.limits;
    text_rules.max_document_bytes = SIZE_MAX;
    if (auto st = validate_document(*doc, text_rules); !st) {
        return std::move(st).error();
    }
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].revision != entries[i - 1].revision + 1) {
            return invalid("log entries are not contiguous at revision " +
                           std::to_string(entries[i].revision));
        }
    }
    // Split into history (<= snapshot) and entries to re-apply (> snapshot).
    const auto split = std::find_if(entries.begin(), entries.end(), [&](const LogEntry& e) {
        return e.revision > snapshot_revision;
    });
    if (split != entries.begin()) {
        const LogEntry& last = *(split - 1);
        if (last.revision != snapshot_revision) {
            return invalid("history ends at revision " + std::to_string(last.revision) +
                           ", the snapshot is at " + std::to_string(snapshot_revision));
        }
        if (last.op.target_length() != doc->length()) {
            return invalid("history does not lead to the snapshot text");
        }
        if (entries.front().revision == 0) {
            return invalid("revision 0 has no operation");
        }
    }
    if (split != entries.end() && split->revision != snapshot_revision + 1) {
        return invalid("first entry after the snapshot is revision " +
                       std::to_string(split->revision) + ", expected " +
                       std::to_string(snapshot_revision + 1));
    }
    a.doc_ = std::move(*doc);
    for (const auto& [id, seq] : last_seq) {
        a.clients_[id].last_seq = seq;
    }
    // History: logged as is, revision counter set so entry_at() finds them.
    const std::size_t history = static_cast<std::size_t>(split - entries.begin());
    a.revision_ = snapshot_revision - history;
    for (auto it = entries.begin(); it != split; ++it) {
        ++a.revision_;
        a.append_log(it->client_id, it->seq, it->op, &it->op);
        if (it->seq == 0) {
            continue;
        }
        ClientState& c = a.clients_[it->client_id];
        c.last_seq = std::max(c.last_seq, it->seq);
        if (c.last_seq == it->seq) {
            c.last_revision = it->revision;
        }
    }
    a.revision_ = snapshot_revision;
    for (auto it = split; it != entries.end(); ++it) {
        auto r = a.commit(it->client_id, it->seq, it->op, &it->op);
        if (auto* rej = std::get_if<Rejected>(&r)) {
            Error e = std::move(rej->error);
            e.message = "re-applying revision " + std::to_string(it->revision) + ": " + e.message;
            return e;
        }
    }
    // commit() set last_seq from the entries; a snapshot map that is newer wins.
    for (const auto& [id, seq] : last_seq) {
        ClientState& c = a.clients_[id];
        if (seq > c.last_seq) {
            c.last_seq = seq;
            c.last_revision.reset();
        }
    }
    return a;
}

}  // namespace interview::ot
