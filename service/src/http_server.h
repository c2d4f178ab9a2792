// The HTTP transport: GNU libmicrohttpd in front of Api (and, with --static-dir, StaticSite for
// every path outside /v1). Thin on purpose: it collects the request (bounded body), calls
// Api::handle or StaticSite::serve, sends the response and logs one line.
#pragma once

#include "api.h"
#include "client_address.h"
#include "connection_guard.h"
#include "static_site.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

struct MHD_Daemon;

namespace isvc {

struct ServerOptions {
    std::string listen_host = "127.0.0.1";  // IPv4 or IPv6 literal
    std::uint16_t port = 8090;              // 0: pick a free port (tests)
    unsigned threads = 4;                   // internal thread pool size
    // Connection caps and timeouts (--max-connections, --header-timeout-seconds, ...).
    ConnectionLimits limits;
    // The web app's files for every path outside /v1 (--static-dir); null: API only. Not owned.
    const StaticSite* static_site = nullptr;
    // --trusted-proxy: peers whose X-Forwarded-For names the client the rate limiter counts.
    TrustedProxies trusted_proxies;
};

// Receives one line per request. Default: stderr.
using LogSink = std::function<void(std::string_view line)>;

class HttpServer {
  public:
    // Binds and starts serving at once; throws std::runtime_error if it cannot.
    HttpServer(Api& api, const ServerOptions& options, LogSink log = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // The port actually bound (useful with port 0).
    std::uint16_t port() const { return port_; }

    // Called by libmicrohttpd through C trampolines; public only for them.
    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
    std::uint16_t port_ = 0;
};

// Parses "ADDR:PORT" ("127.0.0.1:8090", "[::1]:8090") into host and port.
bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace isvc
