#include "connection_guard.h"

namespace isvc {

ConnectionGuard::ConnectionGuard(ConnectionLimits limits, Closer closer)
    : limits_(limits), closer_(std::move(closer)) {}

void ConnectionGuard::opened(Id id, int fd, const std::string& client, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    Entry e;
    e.fd = fd;
    e.client = client;
    e.since = now;
    e.deadline = now + std::chrono::seconds(limits_.header_timeout_seconds);
    entries_[id] = std::move(e);
    ++open_;
    if (!client.empty() && ++per_client_[client] > limits_.max_per_client) {
        const Id victim = oldest_waiting(&client);
        close_locked(victim, entries_.at(victim));
        ++evicted_;
    }
    if (open_ > limits_.max_connections) {
        const Id victim = oldest_waiting(nullptr);
        close_locked(victim, entries_.at(victim));
        ++evicted_;
    }
}

ConnectionGuard::Id ConnectionGuard::oldest_waiting(const std::string* client) const {
    // Linear: a few hundred entries, and only when a cap is reached. Falls back to the newest
    // connection (this one) when every other one is busy.
    Id best = 0;
    const Entry* best_entry = nullptr;
    Id newest = 0;
    const Entry* newest_entry = nullptr;
    for (const auto& [id, e] : entries_) {
        if (e.closing || (client != nullptr && e.client != *client)) {
            continue;
        }
        if (newest_entry == nullptr || e.since > newest_entry->since) {
            newest = id;
            newest_entry = &e;
        }
        if (waiting(e) && (best_entry == nullptr || e.since < best_entry->since)) {
            best = id;
            best_entry = &e;
        }
    }
    return best_entry != nullptr ? best : newest;
}

void ConnectionGuard::release_locked(Entry& e) {
    e.closing = true;
    --open_;
    if (!e.client.empty()) {
        if (auto it = per_client_.find(e.client); it != per_client_.end() && --it->second == 0) {
            per_client_.erase(it);
        }
    }
}

void ConnectionGuard::close_locked(Id id, Entry& e) {
    if (e.closing) {
        return;
    }
    release_locked(e);
    closer_(id, e.fd);
}

void ConnectionGuard::request_started(Id id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(id); it != entries_.end() && it->second.phase == Phase::idle) {
        it->second.phase = Phase::headers;
        it->second.since = now;
        it->second.deadline = now + std::chrono::seconds(limits_.header_timeout_seconds);
    }
}

void ConnectionGuard::headers_done(Id id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(id); it != entries_.end()) {
        it->second.phase = Phase::body;
        it->second.deadline = now + std::chrono::seconds(limits_.body_timeout_seconds);
    }
}

void ConnectionGuard::responding(Id id) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(id); it != entries_.end()) {
        it->second.phase = Phase::busy;
    }
}

void ConnectionGuard::request_done(Id id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(id); it != entries_.end()) {
        it->second.phase = Phase::idle;
        it->second.since = now;
        it->second.deadline = now + std::chrono::seconds(limits_.idle_timeout_seconds);
    }
}

void ConnectionGuard::closed(Id id) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) {
        return;
    }
    if (!it->second.closing) {
        release_locked(it->second);  // closed by the client or by libmicrohttpd
    }
    entries_.erase(it);
}

void ConnectionGuard::expire(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    for (auto& [id, e] : entries_) {
        if (!e.closing && e.phase != Phase::busy && e.deadline <= now) {
            close_locked(id, e);
            ++timed_out_;
        }
    }
}

ConnectionGuard::Stats ConnectionGuard::stats() const {
    std::lock_guard lock(mutex_);
    return Stats{open_, evicted_, timed_out_};
}

std::size_t ConnectionGuard::open_for(const std::string& client) const {
    std::lock_guard lock(mutex_);
    const auto it = per_client_.find(client);
    return it == per_client_.end() ? 0 : it->second;
}

}  // namespace isvc
