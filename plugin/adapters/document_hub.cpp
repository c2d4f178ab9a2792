#include "document_hub.hpp"

#include <chrono>
#include <deque>

#include "ot/json.hpp"

namespace interview::adapters {

namespace {
constexpr unsigned kLoadRetryMs = 250;
}  // namespace

struct DocumentHub::Entry {
    Entry(std::string id, const room::DocumentConfig& config)
        : interview_id(id), document(std::move(id), config) {}
    std::string interview_id;
    room::Document document;  ///< in state loading until Redis answered
    bool loading = false;
    bool stale = false;  ///< memory may be ahead of Redis: rebuild before going on
    std::int64_t expire_at = 0;
    std::map<room::SessionKey, access::Participant> members;
    std::uint64_t commits_since_snapshot = 0;
    std::vector<std::function<void(std::string, std::string, std::uint64_t)>> on_end;
    bool ended = false;
    std::string end_reason = "interview_over";
};

class DocumentHub::Outbox : public room::DocumentOutbox {
  public:
    Outbox(DocumentHub& hub, Entry& entry) : hub_(hub), entry_(entry) {}
    bool send(room::SessionKey to, const std::string& text) override {
        return hub_.sink_.send(to, text);
    }
    bool send_beyond_budget(room::SessionKey to, const std::string& text) override {
        return hub_.sink_.send_beyond_budget(to, text);
    }
    void persist(const room::PendingCommit& commit) override {
        hub_.persist(entry_.interview_id, commit);
    }
    void persist_language(const std::string& language) override {
        if (hub_.store_) {
            hub_.store_->set_field(entry_.interview_id, "language", language, entry_.expire_at);
        }
    }

  private:
    DocumentHub& hub_;
    Entry& entry_;
};

DocumentHub::DocumentHub(HubConfig config, DataSink& sink)
    : DocumentHub(std::move(config), sink,
                  [this](GMainContext* context, DocumentStore::StateCallback on_state) {
                      return std::make_unique<RedisStore>(context, config_.redis,
                                                          std::move(on_state));
                  }) {}

DocumentHub::DocumentHub(HubConfig config, DataSink& sink, StoreFactory make_store)
    : config_(std::move(config)), sink_(sink) {
    loop_.post([this, make_store = std::move(make_store)] {
        store_ = make_store(loop_.context(), [this](bool up) { redis_state(up); });
    });
}

DocumentHub::~DocumentHub() {
    loop_.post([this] { store_.reset(); });
    loop_.stop();
}

std::int64_t DocumentHub::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool DocumentHub::redis_up() const {
    std::lock_guard lock(summary_mutex_);
    return redis_up_;
}

RelayStats DocumentHub::relay_stats() const {
    RelayStats out;
    std::unique_lock lock(summary_mutex_);
    const util::LatencyWindow commits = commit_latency_;
    const util::LatencyWindow edits = edit_latency_;
    out.commit_failures = commit_failures_;
    lock.unlock();  // sorted outside the lock: the hub's thread takes it on every commit
    out.commits = commits.total();
    out.redis_commit_ms = commits.summary();
    out.edit_ms = edits.summary();
    return out;
}

std::vector<DocumentSummary> DocumentHub::summaries() const {
    std::lock_guard lock(summary_mutex_);
    std::vector<DocumentSummary> out;
    for (const auto& [id, summary] : summaries_) {
        out.push_back(summary);
    }
    return out;
}

void DocumentHub::publish_summary(const Entry& entry) {
    DocumentSummary s;
    s.interview_id = entry.interview_id;
    s.members = entry.members.size();
    s.loaded = entry.document.loaded();
    if (s.loaded) {
        s.revision = entry.document.confirmed_revision();
        s.language = entry.document.language();
        s.read_only = entry.document.read_only();
        s.paused = entry.document.paused();
    }
    std::lock_guard lock(summary_mutex_);
    if (entry.members.empty()) {
        summaries_.erase(entry.interview_id);
    } else {
        summaries_[entry.interview_id] = s;
    }
}

void DocumentHub::member_joined(const std::string& interview_id, room::SessionKey key,
                                const access::Participant& participant, std::int64_t expire_at) {
    loop_.post([this, interview_id, key, participant, expire_at] {
        auto& slot = entries_[interview_id];
        if (!slot) {
            slot = std::make_unique<Entry>(interview_id, config_.document);
            if (redis_known_down_) {
                // Opened during an outage: paused (and told `resumed` when Redis is back). Not
                // merely because the first connection is still being made: then it just loads.
                Outbox out(*this, *slot);
                slot->document.set_paused(true, out);  // nobody is in it yet: nothing is sent
                // Paused counts as loaded (Document::loaded): without this, redis_state(true)
                // would never load it, and its members would never be told `resumed`.
                slot->stale = true;
            }
        }
        Entry& entry = *slot;
        entry.expire_at = expire_at + config_.key_ttl_seconds;
        entry.members[key] = participant;
        interview_of_[key] = interview_id;
        Outbox out(*this, entry);
        entry.document.add_member(key, participant, out);
        if (!entry.document.loaded() && !entry.loading) {
            load(interview_id);
        }
        publish_summary(entry);
    });
}

void DocumentHub::member_left(room::SessionKey key) {
    loop_.post([this, key] {
        auto where = interview_of_.find(key);
        if (where == interview_of_.end()) {
            return;
        }
        auto it = entries_.find(where->second);
        interview_of_.erase(where);
        if (it == entries_.end()) {
            return;
        }
        Entry& entry = *it->second;
        entry.members.erase(key);
        entry.document.remove_member(key);
        publish_summary(entry);
        // A document nobody is in is dropped from memory once everything it committed is in
        // Redis; the next join loads it again.
        if (entry.members.empty() && !entry.loading && !entry.document.has_unconfirmed()) {
            entries_.erase(it);
        }
    });
}

void DocumentHub::data(room::SessionKey key, std::string text, std::function<void()> done) {
    const auto received = std::chrono::steady_clock::now();
    loop_.post([this, key, text = std::move(text), received, done = std::move(done)] {
        struct Finally {
            const std::function<void()>& f;
            ~Finally() {
                if (f) {
                    f();
                }
            }
        } finally{done};
        if (Entry* entry = entry_of(key)) {
            receiving_ = received;
            deliver(*entry, key, text);
            receiving_.reset();
        }
    });
}

void DocumentHub::deliver(Entry& entry, room::SessionKey key, const std::string& text) {
    // Nothing waits here: while the document is loading or paused it answers by itself
    // (refusing edits with storage_unavailable), so no message is held for later.
    Outbox out(*this, entry);
    entry.document.on_text(key, text, now_ms(), out);
    publish_summary(entry);
}

DocumentHub::Entry* DocumentHub::entry_of(room::SessionKey key) {
    auto where = interview_of_.find(key);
    if (where == interview_of_.end()) {
        return nullptr;
    }
    auto it = entries_.find(where->second);
    return it != entries_.end() ? it->second.get() : nullptr;
}

void DocumentHub::drained(room::SessionKey key) {
    loop_.post([this, key] {
        if (Entry* entry = entry_of(key)) {
            Outbox out(*this, *entry);
            entry->document.on_drained(key, out);
        }
    });
}

void DocumentHub::channel_closed(room::SessionKey key) {
    loop_.post([this, key] {
        if (Entry* entry = entry_of(key)) {
            entry->document.channel_closed(key);
        }
    });
}

void DocumentHub::end_interview(const std::string& interview_id, const std::string& reason,
                                std::function<void(std::string, std::string, std::uint64_t)> done) {
    loop_.post([this, interview_id, reason, done = std::move(done)] {
        auto it = entries_.find(interview_id);
        if (it == entries_.end()) {
            return;  // nobody had the document open: nothing new to hand over
        }
        Entry& entry = *it->second;
        entry.ended = true;
        entry.end_reason = reason;
        if (store_) {
            store_->set_field(interview_id, "state", "ended", entry.expire_at);
        }
        if (entry.document.loaded() && !entry.stale) {
            Outbox out(*this, entry);
            entry.document.set_read_only(reason, out);
            if (done) {
                done(entry.document.authority().document().utf8(), entry.document.language(),
                     entry.document.authority().revision());
            }
        } else if (done) {
            entry.on_end.push_back(done);  // handed over once loaded
        }
        publish_summary(entry);
    });
}

void DocumentHub::load(const std::string& interview_id) {
    auto it = entries_.find(interview_id);
    if (it == entries_.end() || !store_ || !store_->up()) {
        return;  // redis_state(true) loads every waiting entry
    }
    it->second->loading = true;
    store_->load(interview_id,
                 [this, interview_id](auto result) { loaded(interview_id, std::move(result)); });
}

void DocumentHub::loaded(const std::string& interview_id,
                         std::variant<StoredDocument, std::string> result) {
    auto it = entries_.find(interview_id);
    if (it == entries_.end()) {
        return;
    }
    Entry& entry = *it->second;
    entry.loading = false;
    if (std::holds_alternative<std::string>(result)) {
        // Redis may be up but not ready (still loading its append-only file answers LOADING),
        // or gone again: try again shortly; a reconnect also retries every waiting entry.
        entry.stale = true;
        retry_load(interview_id);
        return;
    }
    const StoredDocument& stored = std::get<StoredDocument>(result);
    ot::LastSeqMap last_seq(stored.last_seq.begin(), stored.last_seq.end());
    std::vector<ot::LogEntry> log;
    // What was committed is loaded whatever the limits are now (they may have been lowered).
    ot::Limits stored_limits = config_.document.authority.limits;
    stored_limits.max_components = SIZE_MAX;
    stored_limits.max_insert_units = SIZE_MAX;
    for (const StoredOp& e : stored.log) {
        auto op = ot::operation_from_json_text(e.op_json, stored_limits);
        if (!op.ok()) {
            entry.stale = true;
            return;
        }
        log.push_back(ot::LogEntry{e.revision, std::move(op.value()), e.client_id, e.seq});
    }
    // History entries kept before the snapshot must end exactly at it; drop older ones that a
    // trim left with a gap.
    auto restored = ot::Authority::restore(stored.snapshot_text, stored.snapshot_revision, last_seq,
                                           std::move(log), config_.document.authority);
    if (!restored.ok()) {
        // Unreadable state is not silently replaced by an empty document.
        entry.stale = true;
        return;
    }
    entry.stale = false;
    entry.commits_since_snapshot = 0;
    Outbox out(*this, entry);
    // Live again: whoever was told paused (or had an edit refused) gets `resumed`, says hello
    // again, catches up and resends; a hello that came while loading is answered now.
    entry.document.load(std::move(restored.value()),
                        stored.language.empty() ? config_.default_language : stored.language,
                        stored.state == "ended" || entry.ended, out);
    for (auto& done : entry.on_end) {
        done(entry.document.authority().document().utf8(), entry.document.language(),
             entry.document.authority().revision());
    }
    entry.on_end.clear();
    if (entry.ended) {
        entry.document.set_read_only(entry.end_reason, out);
    }
    publish_summary(entry);
}

void DocumentHub::retry_load(const std::string& interview_id) {
    loop_.after(kLoadRetryMs, [this, interview_id] {
        auto it = entries_.find(interview_id);
        if (it != entries_.end() && !it->second->loading &&
            (it->second->stale || !it->second->document.loaded())) {
            load(interview_id);
        }
    });
}

void DocumentHub::persist(const std::string& interview_id, const room::PendingCommit& commit) {
    auto it = entries_.find(interview_id);
    if (it == entries_.end() || !store_) {
        return;
    }
    const std::int64_t expire_at = it->second->expire_at;
    const auto written = std::chrono::steady_clock::now();
    store_->commit(
        interview_id, commit, expire_at,
        [this, interview_id, revision = commit.revision, written, received = receiving_](
            CommitOutcome outcome, std::string detail) {
            const auto confirmed = std::chrono::steady_clock::now();
            if (outcome != CommitOutcome::committed) {
                {
                    std::lock_guard lock(summary_mutex_);
                    ++commit_failures_;
                }
                store_failed(interview_id, detail);
                return;
            }
            auto e = entries_.find(interview_id);
            if (e == entries_.end() || !e->second->document.loaded() || e->second->stale) {
                record_commit(written, confirmed, std::nullopt);  // nothing to send
                return;
            }
            Entry& entry = *e->second;
            Outbox out(*this, entry);
            entry.document.on_persisted(revision, out);
            record_commit(written, confirmed, received);
            ++entry.commits_since_snapshot;
            maybe_snapshot(entry);
            publish_summary(entry);
            if (entry.members.empty() && !entry.document.has_unconfirmed()) {
                entries_.erase(e);
            }
        });
}

void DocumentHub::record_commit(std::chrono::steady_clock::time_point written,
                                std::chrono::steady_clock::time_point confirmed,
                                std::optional<std::chrono::steady_clock::time_point> received) {
    using Ms = std::chrono::duration<double, std::milli>;
    const auto handed_over = std::chrono::steady_clock::now();
    std::lock_guard lock(summary_mutex_);
    commit_latency_.add(Ms(confirmed - written).count());
    if (received) {
        edit_latency_.add(Ms(handed_over - *received).count());
    }
}

void DocumentHub::maybe_snapshot(Entry& entry) {
    if (entry.commits_since_snapshot < static_cast<std::uint64_t>(config_.snapshot_every) ||
        entry.document.has_unconfirmed() || !store_) {
        return;
    }
    const auto& authority = entry.document.authority();
    const std::uint64_t revision = authority.revision();
    // Keep the log reaching back as far as memory does, so a Janus that restarts from Redis can
    // still catch clients up from where this one could.
    const std::uint64_t keep_from = authority.oldest_revision() + 1;
    store_->save_snapshot(entry.interview_id, revision, authority.document().utf8(), keep_from,
                          entry.expire_at);
    entry.commits_since_snapshot = 0;
}

void DocumentHub::store_failed(const std::string& interview_id, const std::string&) {
    auto it = entries_.find(interview_id);
    if (it == entries_.end()) {
        return;
    }
    Entry& entry = *it->second;
    if (entry.stale) {
        return;
    }
    entry.stale = true;
    {
        Outbox out(*this, entry);
        entry.document.set_paused(true, out);
    }
    publish_summary(entry);
    if (store_ && store_->up() && !entry.loading) {
        load(interview_id);  // e.g. a conflict: another instance wrote; rebuild now
    }
}

void DocumentHub::redis_state(bool up) {
    redis_known_down_ = !up;
    {
        std::lock_guard lock(summary_mutex_);
        redis_up_ = up;
    }
    for (auto& [id, entry] : entries_) {
        if (!up) {
            Outbox out(*this, *entry);
            entry->document.set_paused(true, out);
            if (entry->document.loaded()) {
                entry->stale = true;  // a commit may be lost in flight: rebuild when back
            }
        } else if (!entry->loading && (entry->stale || !entry->document.loaded())) {
            load(id);
        }
        publish_summary(*entry);
    }
}

}  // namespace interview::adapters
