// Command-line and environment configuration of interview-service.
#pragma once

#include "client_address.h"
#include "connection_guard.h"
#include "turn.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace isvc {

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Config {
    std::string listen_host = "127.0.0.1";  // loopback unless told otherwise
    std::uint16_t port = 8090;              // 8088 is Janus's own HTTP transport
    std::string db_path = "./interview-service.db";
    std::string admin_key;
    std::string service_key;
    int early_join_minutes = 15;
    std::string cors_origin;
    // Janus instances (WebSocket URLs) serving interviews; each interview goes to one of them,
    // chosen from its id, so all its participants meet on the same instance. Empty: none named.
    std::vector<std::string> janus_urls;
    unsigned threads = 4;
    // --max-connections, --max-connections-per-client, --header/body/idle-timeout-seconds.
    ConnectionLimits limits;
    // The plugin's max_document_bytes: the largest final code (UTF-8 bytes); the final code's
    // body limit is derived from it (docs/REST.md). Keep the two equal.
    std::size_t max_document_bytes = 1048576;
    std::string static_dir;  // --static-dir: the built web app; empty: API only
    // --trusted-proxy: reverse proxies whose X-Forwarded-For is believed (client_address.h).
    std::vector<AddressRange> trusted_proxies;
    // --turn-url, --turn-secret-file, --turn-ttl-seconds: TURN credentials in /me (turn.h).
    TurnConfig turn;
    bool help = false;
    std::vector<std::string> warnings;  // printed at start, not fatal
};

inline constexpr std::size_t kMinKeyLength = 16;
inline constexpr std::size_t kMaxTrustedProxies = 64;

using GetEnv = std::function<const char*(const char*)>;

// Parses argv[1..] (without the program name). Throws ConfigError with a message meant for the
// operator; main() prints it and exits with status 2. Keys come from --admin-key-file /
// --service-key-file or INTERVIEW_ADMIN_KEY / INTERVIEW_SERVICE_KEY, never from argv, because
// argv is visible to every user through /proc and ps.
Config parse_config(const std::vector<std::string>& args, const GetEnv& getenv);

std::string usage();

}  // namespace isvc
