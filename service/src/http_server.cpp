#include "http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <strings.h>
#include <thread>

namespace isvc {

struct HttpServer::Impl {
    Impl(Api& a, LogSink l, const ServerOptions& o)
        : api(a),
          log(std::move(l)),
          site(o.static_site),
          trusted_proxies(o.trusted_proxies),
          guard(o.limits, [](ConnectionGuard::Id, int fd) {
              // The socket stays open (libmicrohttpd closes it once it sees the end), so `fd`
              // cannot be reused by another connection meanwhile.
              ::shutdown(fd, SHUT_RDWR);
          }) {}

    Api& api;
    LogSink log;
    const StaticSite* site = nullptr;
    TrustedProxies trusted_proxies;
    ConnectionGuard guard;
    MHD_Daemon* daemon = nullptr;

    // Closes connections past their deadline, a few times a second.
    std::thread watchdog;
    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    bool stopping = false;
};

namespace {

struct ResponseDestroyer {
    void operator()(MHD_Response* r) const { MHD_destroy_response(r); }
};
using ResponsePtr = std::unique_ptr<MHD_Response, ResponseDestroyer>;

// Per-request state kept across the access handler's calls while the body arrives. Created in
// on_uri (before libmicrohttpd decodes the path), freed in on_completed.
struct RequestState {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::string raw_path;  // the path as sent, still percent-encoded; never logged
    bool seen = false;     // the access handler has been called once
    std::size_t limit = 0;
    std::string body;
    bool responded = false;
    bool too_large = false;
    std::size_t discarded = 0;
};

constexpr std::size_t kMaxDrainBytes = 4 * 1024 * 1024;
// Connections libmicrohttpd accepts beyond --max-connections before refusing outright, so that
// the guard can make room by closing the longest-waiting one (test_connection_guard.cpp).
constexpr unsigned kConnectionSlack = 64;

// The TCP peer's numeric address.
std::string peer_address(MHD_Connection* conn) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == nullptr || info->client_addr == nullptr) {
        return "unknown";
    }
    char buf[INET6_ADDRSTRLEN] = {0};
    const sockaddr* sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
    }
    return buf[0] ? buf : "unknown";
}

// Every X-Forwarded-For header, joined with commas in the order received (RFC 9110 5.3: the
// same as one header listing them all), so a second header cannot hide behind the first.
MHD_Result collect_forwarded_for(void* cls, MHD_ValueKind, const char* key, const char* value) {
    auto* out = static_cast<std::string*>(cls);
    if (key != nullptr && strcasecmp(key, "X-Forwarded-For") == 0) {
        if (!out->empty()) {
            out->push_back(',');
        }
        out->append(value ? value : "");
    }
    return MHD_YES;
}

std::string client_key(const HttpServer::Impl& impl, MHD_Connection* conn) {
    std::string forwarded_for;
    if (!impl.trusted_proxies.empty()) {
        MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_forwarded_for, &forwarded_for);
    }
    return impl.trusted_proxies.client_key(peer_address(conn), forwarded_for);
}

MHD_Result collect_query(void* cls, MHD_ValueKind, const char* key, const char* value) {
    auto* out = static_cast<Headers*>(cls);
    out->emplace_back(key ? key : "", value ? value : "");
    return MHD_YES;
}

std::string header(MHD_Connection* conn, const char* name) {
    const char* v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
    return v ? v : "";
}

// Queues `r` and writes the log line. The line names method, path (ids only: tokens never
// travel in paths, and queries are not logged), status and duration; never headers or bodies.
// Control characters of the (decoded) path are shown as '?', so a path cannot forge lines.
MHD_Result queue(HttpServer::Impl& impl, MHD_Connection* conn, RequestState& st, const char* method,
                 const char* url, int status, const Headers& headers, ResponsePtr r) {
    st.responded = true;
    impl.guard.responding(reinterpret_cast<ConnectionGuard::Id>(conn));
    if (!r) {
        return MHD_NO;
    }
    for (const auto& [name, value] : headers) {
        MHD_add_response_header(r.get(), name.c_str(), value.c_str());
    }
    const MHD_Result rc = MHD_queue_response(conn, static_cast<unsigned>(status), r.get());
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - st.started)
                        .count();
    std::string path(url ? url : "", 0, 400);
    for (auto& c : path) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            c = '?';
        }
    }
    char line[600];
    std::snprintf(line, sizeof line, "%s %s %d %.1fms", method, path.c_str(), status,
                  static_cast<double>(us) / 1000.0);
    if (impl.log) {
        impl.log(line);
    } else {
        std::fprintf(stderr, "%s\n", line);
    }
    return rc;
}

MHD_Result send(HttpServer::Impl& impl, MHD_Connection* conn, RequestState& st, const char* method,
                const char* url, const HttpResponse& resp) {
    ResponsePtr r(MHD_create_response_from_buffer(
        resp.body.size(), const_cast<char*>(resp.body.data()), MHD_RESPMEM_MUST_COPY));
    return queue(impl, conn, st, method, url, resp.status, resp.headers, std::move(r));
}

HttpRequest basic_request(MHD_Connection* conn, const char* url, const char* method) {
    HttpRequest req;
    req.method = method;
    req.path = url;
    req.origin = header(conn, "Origin");
    return req;
}

// Everything of an API request but its body.
HttpRequest api_request(const HttpServer::Impl& impl, MHD_Connection* conn, const char* url,
                        const char* method) {
    HttpRequest req = basic_request(conn, url, method);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &req.query);
    req.authorization = header(conn, "Authorization");
    req.client_address = client_key(impl, conn);
    return req;
}

MHD_Result too_large(HttpServer::Impl& impl, MHD_Connection* conn, RequestState& st,
                     const char* method, const char* url) {
    return send(impl, conn, st, method, url,
                impl.api.transport_error(basic_request(conn, url, method), 413, "body_too_large",
                                         "request body is too large"));
}

// A path outside /v1 with --static-dir: a file of the web app, streamed from its descriptor
// (sendfile where possible), or an error in the API's shape.
MHD_Result serve_static(HttpServer::Impl& impl, MHD_Connection* conn, RequestState& st,
                        const char* method, const char* url) {
    const HttpRequest req = basic_request(conn, url, method);
    Headers query;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &query);
    if (credential_in_query(query)) {
        return send(impl, conn, st, method, url,
                    impl.api.transport_error(req, 400, "token_in_query",
                                             "credentials must not be sent in the URL"));
    }
    StaticReply file = impl.site->serve(method, st.raw_path);
    if (file.status != 200) {
        HttpResponse resp =
            impl.api.transport_error(req, file.status, file.error_code, file.error_message);
        for (auto& h : file.headers) {  // the API's shape already has some (nosniff)
            const bool present = std::any_of(resp.headers.begin(), resp.headers.end(),
                                             [&](const auto& e) { return e.first == h.first; });
            if (!present) {
                resp.headers.push_back(std::move(h));
            }
        }
        return send(impl, conn, st, method, url, resp);
    }
    ResponsePtr r(MHD_create_response_from_fd64(file.size, file.file.get()));
    if (r) {
        file.file.release();  // now closed by MHD_destroy_response
    }
    return queue(impl, conn, st, method, url, 200, file.headers, std::move(r));
}

MHD_Result handle_request(HttpServer::Impl& impl, MHD_Connection* conn, const char* url,
                          const char* method, const char* upload_data, size_t* upload_data_size,
                          void** con_cls) {
    auto* st = static_cast<RequestState*>(*con_cls);
    if (st == nullptr) {
        st = new RequestState();  // only if on_uri could not allocate one
        *con_cls = st;            // freed in on_completed
    }
    if (!st->seen) {
        st->seen = true;
        impl.guard.headers_done(reinterpret_cast<ConnectionGuard::Id>(conn),
                                std::chrono::steady_clock::now());
        const std::string length = header(conn, "Content-Length");
        const bool has_body =
            (!length.empty() && length != "0") || !header(conn, "Transfer-Encoding").empty();
        if (has_body) {
            // Judged from the headers before a byte of the body is read: a refused request
            // (wrong or missing credential, unknown path, ...) is answered now, and MHD closes
            // the connection afterwards instead of reading the body. Without a body the answer
            // waits for the request's end, so that the connection can stay open.
            if (impl.site != nullptr && !StaticSite::is_api_path(url)) {
                return serve_static(impl, conn, *st, method, url);
            }
            if (auto early = impl.api.before_body(api_request(impl, conn, url, method))) {
                return send(impl, conn, *st, method, url, *early);
            }
        }
        st->limit = impl.api.body_limit(method, url);
        if (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > st->limit) {
            // Refuse before reading a byte of it; MHD closes the connection afterwards.
            return too_large(impl, conn, *st, method, url);
        }
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        // libmicrohttpd 0.9.75 only accepts a response once the body has been read, so an
        // oversized body of unknown length (chunked) is drained and dropped, then answered
        // with 413. Draining is capped: past it the connection is simply closed.
        if (st->too_large || st->body.size() + *upload_data_size > st->limit) {
            st->too_large = true;
            st->body.clear();
            st->discarded += *upload_data_size;
            *upload_data_size = 0;
            return st->discarded > kMaxDrainBytes ? MHD_NO : MHD_YES;
        }
        st->body.append(upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (st->responded) {
        return MHD_YES;
    }
    if (st->too_large) {
        return too_large(impl, conn, *st, method, url);
    }
    if (impl.site != nullptr && !StaticSite::is_api_path(url)) {
        return serve_static(impl, conn, *st, method, url);
    }
    HttpRequest req = api_request(impl, conn, url, method);
    req.body = std::move(st->body);
    return send(impl, conn, *st, method, url, impl.api.handle(req));
}

// C trampolines: no exception may cross into libmicrohttpd.
MHD_Result on_access(void* cls, MHD_Connection* conn, const char* url, const char* method,
                     const char*, const char* upload_data, size_t* upload_data_size,
                     void** con_cls) {
    auto& impl = *static_cast<HttpServer::Impl*>(cls);
    try {
        return handle_request(impl, conn, url, method, upload_data, upload_data_size, con_cls);
    } catch (...) {
        try {
            RequestState fallback;
            auto* st = static_cast<RequestState*>(*con_cls);
            if (st != nullptr && st->responded) {
                return MHD_NO;
            }
            return send(impl, conn, st ? *st : fallback, method, url,
                        impl.api.transport_error(basic_request(conn, url, method), 500,
                                                 "internal_error", "internal server error"));
        } catch (...) {
            return MHD_NO;  // MHD closes the connection
        }
    }
}

// Called with the request target as sent, before libmicrohttpd splits off the query and decodes
// the path: the raw path is what StaticSite judges (an encoded "/" or NUL is visible only here).
void* on_uri(void* cls, const char* uri, MHD_Connection* conn) {
    try {
        static_cast<HttpServer::Impl*>(cls)->guard.request_started(
            reinterpret_cast<ConnectionGuard::Id>(conn), std::chrono::steady_clock::now());
        auto st = std::make_unique<RequestState>();
        const std::string_view target(uri ? uri : "");
        st->raw_path = target.substr(0, target.find_first_of("?#"));
        return st.release();
    } catch (...) {
        return nullptr;  // handle_request creates one
    }
}

void on_completed(void* cls, MHD_Connection* conn, void** con_cls, MHD_RequestTerminationCode) {
    delete static_cast<RequestState*>(*con_cls);
    *con_cls = nullptr;
    try {
        static_cast<HttpServer::Impl*>(cls)->guard.request_done(
            reinterpret_cast<ConnectionGuard::Id>(conn), std::chrono::steady_clock::now());
    } catch (...) {
    }
}

// Every connection, from accept to close: the guard counts it per client and in all.
void on_connection(void* cls, MHD_Connection* conn, void**, MHD_ConnectionNotificationCode code) {
    auto& impl = *static_cast<HttpServer::Impl*>(cls);
    const auto id = reinterpret_cast<ConnectionGuard::Id>(conn);
    try {
        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
            const MHD_ConnectionInfo* info =
                MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
            impl.guard.opened(id, info ? info->connect_fd : -1,
                              impl.trusted_proxies.connection_key(peer_address(conn)),
                              std::chrono::steady_clock::now());
        } else {
            impl.guard.closed(id);
        }
    } catch (...) {
        // Out of memory: the connection goes uncounted (and, if opening, unguarded).
    }
}

void run_watchdog(HttpServer::Impl& impl) {
    std::unique_lock lock(impl.stop_mutex);
    while (!impl.stop_cv.wait_for(lock, std::chrono::milliseconds(200),
                                  [&] { return impl.stopping; })) {
        impl.guard.expire(std::chrono::steady_clock::now());
    }
}

}  // namespace

bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port) {
    std::string_view h, p;
    if (!text.empty() && text[0] == '[') {
        const auto close = text.find("]:");
        if (close == std::string_view::npos) {
            return false;
        }
        h = text.substr(1, close - 1);
        p = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            return false;
        }
        h = text.substr(0, colon);
        p = text.substr(colon + 1);
        if (h.find(':') != std::string_view::npos) {
            return false;  // IPv6 needs brackets: [::1]:8090
        }
    }
    if (p.empty() || p.size() > 5) {
        return false;
    }
    unsigned v = 0;
    for (char c : p) {
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 65535) {
        return false;
    }
    // Only numeric addresses: a name would need resolving, and "localhost" may resolve to ::1.
    if (!IpAddress::parse(h)) {
        return false;
    }
    host = std::string(h);
    port = static_cast<std::uint16_t>(v);
    return true;
}

HttpServer::HttpServer(Api& api, const ServerOptions& o, LogSink log)
    : impl_(std::make_unique<Impl>(api, std::move(log), o)) {
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    const sockaddr* addr = nullptr;
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, o.listen_host.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(o.port);
        addr = reinterpret_cast<const sockaddr*>(&v4);
    } else if (inet_pton(AF_INET6, o.listen_host.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(o.port);
        addr = reinterpret_cast<const sockaddr*>(&v6);
        flags |= MHD_USE_IPv6;
    } else {
        throw std::runtime_error("invalid listen address '" + o.listen_host + "'");
    }
    // libmicrohttpd's own inactivity timeout only backs ours up (and drops a client that stops
    // reading an answer): never shorter than any of ours. Its connection limit lets a few in
    // over ours, which then closes the one that waited longest instead of refusing the newest.
    const unsigned inactivity =
        std::max({o.limits.header_timeout_seconds, o.limits.body_timeout_seconds,
                  o.limits.idle_timeout_seconds});
    impl_->daemon = MHD_start_daemon(
        flags, o.port, nullptr, nullptr, &on_access, impl_.get(), MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_THREAD_POOL_SIZE, o.threads, MHD_OPTION_CONNECTION_TIMEOUT, inactivity,
        MHD_OPTION_CONNECTION_LIMIT, o.limits.max_connections + kConnectionSlack,
        MHD_OPTION_URI_LOG_CALLBACK, &on_uri, impl_.get(), MHD_OPTION_NOTIFY_COMPLETED,
        &on_completed, impl_.get(), MHD_OPTION_NOTIFY_CONNECTION, &on_connection, impl_.get(),
        MHD_OPTION_END);
    if (impl_->daemon == nullptr) {
        throw std::runtime_error("cannot listen on " + o.listen_host + ":" +
                                 std::to_string(o.port) + " (address in use or not permitted?)");
    }
    const MHD_DaemonInfo* info = MHD_get_daemon_info(impl_->daemon, MHD_DAEMON_INFO_BIND_PORT);
    port_ = info ? info->port : o.port;
    impl_->watchdog = std::thread(run_watchdog, std::ref(*impl_));
}

HttpServer::~HttpServer() {
    if (!impl_) {
        return;
    }
    if (impl_->watchdog.joinable()) {
        {
            std::lock_guard lock(impl_->stop_mutex);
            impl_->stopping = true;
        }
        impl_->stop_cv.notify_all();
        impl_->watchdog.join();
    }
    if (impl_->daemon) {
        MHD_stop_daemon(impl_->daemon);
    }
}

}  // namespace isvc
