// Which connections the HTTP server keeps, and for how long: per-client and global connection
// caps and the header, body and idle timeouts that keep slow clients (slowloris) from starving
// the API. Pure bookkeeping with no sockets: HttpServer reports each connection's progress and
// closes what this asks it to close (docs/REST.md, "Connections and timeouts").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace isvc {

struct ConnectionLimits {
    unsigned max_connections = 512;        // open at once, all clients together
    unsigned max_per_client = 32;          // per client address (IPv4 address, IPv6 /64)
    unsigned header_timeout_seconds = 10;  // a request's line and headers, in all
    unsigned body_timeout_seconds = 30;    // its body, in all, from the end of the headers
    unsigned idle_timeout_seconds = 15;    // between two requests on one connection
};

class ConnectionGuard {
  public:
    using Clock = std::chrono::steady_clock;
    using Id = std::uintptr_t;
    // Closes one connection (HttpServer: shutdown() of its socket). Called with the guard's
    // lock held and before closed(id) was reported, so `fd` is still that connection's.
    using Closer = std::function<void(Id id, int fd)>;

    ConnectionGuard(ConnectionLimits limits, Closer closer);

    // A new connection; `client` is its per-client key, or empty for a peer the per-client cap
    // does not apply to (a trusted proxy, which carries many clients). When the client, or the
    // server, is over its cap, the connection that has waited longest for a request (headers
    // not complete yet, or idle between requests) is closed to make room: possibly this one,
    // when all others are busy.
    void opened(Id id, int fd, const std::string& client, Clock::time_point now);
    // The request line of a further request arrived on an idle connection.
    void request_started(Id id, Clock::time_point now);
    // The headers are complete; the body (if any) is due within the body timeout.
    void headers_done(Id id, Clock::time_point now);
    // The answer is queued: no deadline of ours while it is sent.
    void responding(Id id);
    // The answer was sent; the connection waits for another request.
    void request_done(Id id, Clock::time_point now);
    void closed(Id id);
    // Closes every connection whose deadline is at or before `now`.
    void expire(Clock::time_point now);

    struct Stats {
        std::size_t open = 0;  // not counting those being closed
        std::uint64_t evicted = 0;
        std::uint64_t timed_out = 0;
    };
    Stats stats() const;
    std::size_t open_for(const std::string& client) const;

  private:
    enum class Phase { headers, body, busy, idle };
    struct Entry {
        int fd = -1;
        std::string client;
        Phase phase = Phase::headers;
        Clock::time_point since;     // when it began waiting (headers or idle)
        Clock::time_point deadline;  // meaningful unless busy
        bool closing = false;
    };
    bool waiting(const Entry& e) const {
        return e.phase == Phase::headers || e.phase == Phase::idle;
    }
    // The waiting connection (of `client`, or of anyone when null) that has waited longest.
    Id oldest_waiting(const std::string* client) const;
    void close_locked(Id id, Entry& e);  // asks the closer to close it, gives its slots back
    void release_locked(Entry& e);       // gives its slots back

    ConnectionLimits limits_;
    Closer closer_;
    mutable std::mutex mutex_;
    std::unordered_map<Id, Entry> entries_;
    std::unordered_map<std::string, unsigned> per_client_;
    std::size_t open_ = 0;
    std::uint64_t evicted_ = 0;
    std::uint64_t timed_out_ = 0;
};

}  // namespace isvc
