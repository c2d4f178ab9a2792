#include "config.h"

#include "http_server.h"
#include "static_site.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace isvc {
namespace {

long parse_int(const std::string& flag, const std::string& v, long lo, long hi) {
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
        throw ConfigError(flag + ": expected a whole number, got '" + v + "'");
    }
    const long n = std::stol(v);
    if (n < lo || n > hi) {
        throw ConfigError(flag + ": must be between " + std::to_string(lo) + " and " +
                          std::to_string(hi));
    }
    return n;
}

// A key goes into an HTTP header, so it must be printable ASCII without spaces.
std::string check_key(std::string key, const std::string& what, const char* env_name) {
    while (!key.empty() &&
           (key.back() == '\n' || key.back() == '\r' || key.back() == ' ' || key.back() == '\t')) {
        key.pop_back();
    }
    if (key.empty()) {
        throw ConfigError(what + " is missing: give --" + what + "-file PATH or set " + env_name);
    }
    for (unsigned char c : key) {
        if (c <= 0x20 || c >= 0x7F) {
            throw ConfigError(what + " must be printable ASCII without spaces");
        }
    }
    if (key.size() < kMinKeyLength) {
        throw ConfigError(what + " is too short: at least " + std::to_string(kMinKeyLength) +
                          " characters are required");
    }
    if (key.size() > 512) {
        throw ConfigError(what + " is too long: at most 512 characters");
    }
    return key;
}

std::string read_key_file(const std::string& path, const std::string& what,
                          std::vector<std::string>& warnings) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError(what + "-file: cannot read '" + path + "'");
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    struct stat sb {};
    if (::stat(path.c_str(), &sb) == 0 && (sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        warnings.push_back(what + "-file '" + path +
                           "' is readable by group or others; chmod 600 it");
    }
    return ss.str();
}

void check_janus_url(const std::string& v) {
    const bool scheme = v.rfind("ws://", 0) == 0 || v.rfind("wss://", 0) == 0;
    const std::size_t rest = v.find("://") + 3;
    bool clean = v.size() > rest && v.size() <= 512;
    for (char ch : v) {
        clean = clean && ch > ' ' && ch != 0x7f && ch != '?' && ch != '#' && ch != '"';
    }
    if (!scheme || !clean) {
        throw ConfigError(
            "--janus-url: expected a ws:// or wss:// URL without query or fragment, got '" + v +
            "'");
    }
}

void check_cors_origin(const std::string& v) {
    if (v == "*") {
        return;
    }
    const bool scheme = v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0;
    const auto host_start = v.find("://") + 3;
    if (!scheme || v.size() <= host_start || v.size() > 200 ||
        v.find('/', host_start) != std::string::npos ||
        v.find_first_of(" \t\r\n,", 0) != std::string::npos) {
        throw ConfigError("--cors-origin: expected '*' or an origin such as http://localhost:5173");
    }
}

}  // namespace

std::string usage() {
    return "Usage: interview-service [options]\n"
           "\n"
           "Schedules interviews, issues join tokens and verifies them for the Janus plugin.\n"
           "\n"
           "Options:\n"
           "  --listen ADDR:PORT        address to listen on (default 127.0.0.1:8090;\n"
           "                            IPv6 as [::1]:8090; port 0 picks a free port;\n"
           "                            8088 is Janus's HTTP transport, avoid it)\n"
           "  --db PATH                 SQLite database file (default ./interview-service.db)\n"
           "  --admin-key-file PATH     file holding the admin API key\n"
           "                            (or env INTERVIEW_ADMIN_KEY)\n"
           "  --service-key-file PATH   file holding the key the plugin uses\n"
           "                            (or env INTERVIEW_SERVICE_KEY)\n"
           "  --early-join-minutes N    room opens N minutes before the start (default 15)\n"
           "  --cors-origin ORIGIN      allow this browser origin, e.g. http://localhost:5173,\n"
           "                            or '*' (default: no CORS)\n"
           "  --threads N               HTTP worker threads (default 4)\n"
           "  --max-connections N       connections open at once, all clients (default 512;\n"
           "                            16..10000); over it, the one waiting longest for a\n"
           "                            request is closed\n"
           "  --max-connections-per-client N\n"
           "                            per client address, IPv6 by /64 (default 32; at most\n"
           "                            --max-connections); trusted proxies count only in all\n"
           "  --header-timeout-seconds N  a request's headers must arrive within N s of the\n"
           "                            connection or of its request line (default 10; 1..300)\n"
           "  --body-timeout-seconds N  its body within N s of the headers (default 30; 1..3600)\n"
           "  --idle-timeout-seconds N  a kept-alive connection is closed after N s without a\n"
           "                            request (default 15; 1..3600)\n"
           "  --max-document-bytes N    largest final code in bytes, as the plugin's\n"
           "                            max_document_bytes (default 1048576; 1024..16777216)\n"
           "  --janus-url URL           a Janus instance (ws:// or wss://) that serves "
           "interviews;\n"
           "                            repeat for several: each interview is assigned one\n"
           "  --static-dir DIR          also serve the built web app (web-demo/dist) from DIR\n"
           "                            on every path outside /v1 (DIR must hold index.html)\n"
           "  --trusted-proxy RANGE     a reverse proxy in front of the service (an address or\n"
           "                            network, e.g. 172.28.0.0/16); the rate limiter then\n"
           "                            counts the client its X-Forwarded-For names; repeat\n"
           "                            for several (default: none, every peer is the client)\n"
           "  --turn-url URL            a TURN server for the browsers, e.g.\n"
           "                            turn:turn.example.com:3478?transport=udp or\n"
           "                            turns:turn.example.com:5349; repeat for several;\n"
           "                            /me then gives each participant credentials\n"
           "  --turn-secret-file PATH   file holding coturn's static-auth-secret\n"
           "                            (or env INTERVIEW_TURN_SECRET); needed with --turn-url\n"
           "  --turn-ttl-seconds N      credentials last until the interview's end + N s\n"
           "                            (default 3600; 60..86400)\n"
           "  --help                    show this help\n"
           "\n"
           "Keys must be at least 16 characters; they are never accepted on the command line.\n"
           "Exit status: 0 on clean shutdown, 1 on runtime failure, 2 on bad configuration.\n";
}

Config parse_config(const std::vector<std::string>& args, const GetEnv& getenv) {
    Config c;
    std::string admin_file, service_file, turn_secret_file, listen;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        std::string value;
        bool has_value = false;
        if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
            has_value = true;
        }
        if (flag == "--help" || flag == "-h") {
            c.help = true;
            return c;
        }
        if (flag == "--admin-key" || flag == "--service-key") {
            throw ConfigError(flag +
                              ": keys are not accepted on the command line (visible in ps);"
                              " use " +
                              flag + "-file PATH or the environment variable");
        }
        static const char* kWithValue[] = {"--listen",
                                           "--db",
                                           "--admin-key-file",
                                           "--service-key-file",
                                           "--early-join-minutes",
                                           "--cors-origin",
                                           "--threads",
                                           "--max-document-bytes",
                                           "--max-connections",
                                           "--max-connections-per-client",
                                           "--header-timeout-seconds",
                                           "--body-timeout-seconds",
                                           "--idle-timeout-seconds",
                                           "--static-dir",
                                           "--janus-url",
                                           "--trusted-proxy",
                                           "--turn-url",
                                           "--turn-secret-file",
                                           "--turn-ttl-seconds"};
        bool known = false;
        for (const char* k : kWithValue) {
            known = known || flag == k;
        }
        if (!known) {
            throw ConfigError("unknown option '" + flag + "' (see --help)");
        }
        if (!has_value) {
            if (i + 1 >= args.size()) {
                throw ConfigError(flag + ": missing value");
            }
            value = args[++i];
        }
        if (flag == "--listen") {
            listen = value;
            if (!parse_listen(value, c.listen_host, c.port)) {
                throw ConfigError(
                    "--listen: expected ADDR:PORT with a numeric address, e.g. "
                    "127.0.0.1:8090 or [::1]:8090, got '" +
                    value + "'");
            }
        } else if (flag == "--db") {
            if (value.empty()) {
                throw ConfigError("--db: empty path");
            }
            c.db_path = value;
        } else if (flag == "--admin-key-file") {
            admin_file = value;
        } else if (flag == "--service-key-file") {
            service_file = value;
        } else if (flag == "--early-join-minutes") {
            c.early_join_minutes = static_cast<int>(parse_int(flag, value, 0, 1440));
        } else if (flag == "--cors-origin") {
            check_cors_origin(value);
            c.cors_origin = value;
        } else if (flag == "--threads") {
            c.threads = static_cast<unsigned>(parse_int(flag, value, 1, 64));
        } else if (flag == "--max-document-bytes") {
            c.max_document_bytes =
                static_cast<std::size_t>(parse_int(flag, value, 1024, 16 * 1048576));
        } else if (flag == "--max-connections") {
            c.limits.max_connections = static_cast<unsigned>(parse_int(flag, value, 16, 10000));
        } else if (flag == "--max-connections-per-client") {
            c.limits.max_per_client = static_cast<unsigned>(parse_int(flag, value, 1, 10000));
        } else if (flag == "--header-timeout-seconds") {
            c.limits.header_timeout_seconds = static_cast<unsigned>(parse_int(flag, value, 1, 300));
        } else if (flag == "--body-timeout-seconds") {
            c.limits.body_timeout_seconds = static_cast<unsigned>(parse_int(flag, value, 1, 3600));
        } else if (flag == "--idle-timeout-seconds") {
            c.limits.idle_timeout_seconds = static_cast<unsigned>(parse_int(flag, value, 1, 3600));
        } else if (flag == "--janus-url") {
            check_janus_url(value);
            c.janus_urls.push_back(value);
        } else if (flag == "--turn-url") {
            if (const std::string why = check_turn_url(value); !why.empty()) {
                throw ConfigError("--turn-url: " + why + ", got '" + value + "'");
            }
            if (c.turn.urls.size() >= 8) {
                throw ConfigError("--turn-url: at most 8 URLs");
            }
            c.turn.urls.push_back(value);
        } else if (flag == "--turn-secret-file") {
            turn_secret_file = value;
        } else if (flag == "--turn-ttl-seconds") {
            c.turn.ttl_seconds = static_cast<int>(parse_int(flag, value, 60, 86400));
        } else if (flag == "--trusted-proxy") {
            if (c.trusted_proxies.size() >= kMaxTrustedProxies) {
                throw ConfigError("--trusted-proxy: at most " + std::to_string(kMaxTrustedProxies) +
                                  " ranges");
            }
            try {
                c.trusted_proxies.push_back(AddressRange::parse(value));
            } catch (const std::invalid_argument& e) {
                throw ConfigError(std::string("--trusted-proxy: ") + e.what());
            }
        } else if (flag == "--static-dir") {
            if (const std::string why = StaticSite::check_dir(value); !why.empty()) {
                throw ConfigError("--static-dir: " + why);
            }
            c.static_dir = value;
        }
    }
    if (c.limits.max_per_client > c.limits.max_connections) {
        throw ConfigError("--max-connections-per-client: must not exceed --max-connections (" +
                          std::to_string(c.limits.max_connections) + ")");
    }
    auto env = [&](const char* name) {
        const char* v = getenv ? getenv(name) : nullptr;
        return std::string(v ? v : "");
    };
    c.admin_key = check_key(admin_file.empty() ? env("INTERVIEW_ADMIN_KEY")
                                               : read_key_file(admin_file, "admin-key", c.warnings),
                            "admin-key", "INTERVIEW_ADMIN_KEY");
    c.service_key =
        check_key(service_file.empty() ? env("INTERVIEW_SERVICE_KEY")
                                       : read_key_file(service_file, "service-key", c.warnings),
                  "service-key", "INTERVIEW_SERVICE_KEY");
    const std::string turn_secret =
        turn_secret_file.empty() ? env("INTERVIEW_TURN_SECRET")
                                 : read_key_file(turn_secret_file, "turn-secret", c.warnings);
    if (!c.turn.urls.empty()) {
        c.turn.secret = check_key(turn_secret, "turn-secret", "INTERVIEW_TURN_SECRET");
    } else if (!turn_secret_file.empty()) {
        throw ConfigError("--turn-secret-file: give --turn-url too (the TURN servers to use)");
    }
    if (c.admin_key == c.service_key) {
        // The plugin holds the service key; it must not also be able to schedule or cancel.
        throw ConfigError("admin-key and service-key must be different");
    }
    if (c.listen_host != "127.0.0.1" && c.listen_host != "::1") {
        c.warnings.push_back("listening on " + c.listen_host +
                             " without TLS: put a TLS-terminating proxy in front");
    }
    return c;
}

}  // namespace isvc
