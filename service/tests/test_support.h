// Shared fixtures for the service tests: a temporary directory, a libcurl client and a real
// in-process server (libmicrohttpd on an ephemeral loopback port) with a manual clock.
#pragma once

#include "contract/time.hpp"
#include "api.h"
#include "clock.h"
#include "http_server.h"
#include "interview_service.h"
#include "json.h"
#include "rate_limiter.h"
#include "static_site.h"
#include "store.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <chrono>
#include <string>
#include <vector>

namespace isvc {
// The service's times are the contract library's (contract/time.hpp); the tests name them unqualified.
using interview::access::format_rfc3339;
using interview::access::parse_rfc3339;
}  // namespace isvc

namespace isvc::test {

inline const std::string kAdminKey = "admin-key-0123456789abcdef";
inline const std::string kServiceKey = "service-key-0123456789abcdef";

// 2026-11-25T09:00:00Z: "now" for every server test unless a test moves the clock.
inline std::int64_t test_now() {
    return parse_rfc3339("2026-11-25T09:00:00Z").value();
}

class TempDir {
  public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "isvc-test-XXXXXX").string();
        if (mkdtemp(tmpl.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

struct Reply {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lowercase names
    JsonPtr json;                                // parsed body, null if not JSON

    std::string str(const char* path) const;  // dotted path, e.g. "error.code"
    std::string error_code() const { return str("error.code"); }
    const json_t* at(const char* path) const;
};

// One blocking HTTP request with libcurl. `headers` are raw "Name: value" lines. With
// `path_as_is`, libcurl sends "/../x" verbatim instead of normalising it (traversal tests).
Reply http(const std::string& method, const std::string& url, const std::string& body = "",
           const std::vector<std::string>& headers = {}, bool path_as_is = false);

// A raw TCP connection to a test server, for what libcurl will not do: stall in the middle of
// the headers, announce a body and never send it. Connects from `source` (any 127.x.y.z on
// Linux) so that tests can play several clients.
class RawClient {
  public:
    explicit RawClient(std::uint16_t port, const std::string& source = "127.0.0.1");
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return fd_ >= 0; }
    bool send(const std::string& bytes);
    // Reads until the server closes the connection or `timeout_ms` passes. `closed` tells which.
    std::string read_until_closed(int timeout_ms, bool& closed);
    // Reads until `needle` has arrived (true) or the server closed / `timeout_ms` passed.
    bool read_until(const std::string& needle, int timeout_ms, std::string& got);

  private:
    enum class Read { data, timeout, closed };
    /// One recv's worth appended to `got`, or why nothing came before `deadline`.
    Read read_some(std::chrono::steady_clock::time_point deadline, std::string& got);
    int fd_ = -1;
};

class Harness {
  public:
    explicit Harness(const std::string& db_path = ":memory:", std::int64_t now = test_now(),
                     const std::string& cors = "", int early_join_minutes = 15,
                     const std::string& static_dir = "", TrustedProxies trusted_proxies = {},
                     ApiConfig api_config = {}, ConnectionLimits limits = {});
    ~Harness();

    std::string url(const std::string& path) const;
    Reply admin(const std::string& method, const std::string& path, const std::string& body = "");
    Reply service(const std::string& method, const std::string& path, const std::string& body = "");
    Reply bearer(const std::string& method, const std::string& path, const std::string& token,
                 const std::string& body = "");
    Reply anon(const std::string& method, const std::string& path, const std::string& body = "");

    // POST /v1/interviews with the default body (start = now + 2 h, 60 minutes, one applicant,
    // one recruiter, one observer); asserts 201.
    Reply create(const std::string& body = "");
    std::string default_body() const;

    std::vector<std::string> log_lines();

    ManualClock clock;
    RateLimiter limiter;
    std::unique_ptr<Store> store;
    std::unique_ptr<InterviewService> svc;
    std::unique_ptr<Api> api;
    std::unique_ptr<StaticSite> site;  // with a static_dir only
    std::unique_ptr<HttpServer> server;

  private:
    std::mutex log_mutex_;
    std::vector<std::string> log_;
};

// Tokens from a 201 create reply, in participant order.
std::vector<std::string> tokens_of(const Reply& created);

}  // namespace isvc::test
