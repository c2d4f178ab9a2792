// The plugin's HTTP client for the interview service: libcurl's multi interface on one thread of
// its own, so no Janus thread ever waits on the network. Every request has a bounded timeout;
// its completion callback runs on the client's thread and should only hand the result on.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "secret_file.hpp"

namespace interview::adapters {

struct HttpResponse {
    long status = 0;    ///< HTTP status, 0 when the request did not complete
    std::string body;   ///< at most 1 MiB; longer answers are an error, never cut
    std::string error;  ///< why the request failed (empty on an HTTP answer)
};

class ServiceClient {
  public:
    using Callback = std::function<void(HttpResponse)>;

    /// `base_url` without a trailing slash; `key` is sent as `Authorization: Bearer`.
    ServiceClient(std::string base_url, Secret key, int timeout_ms);
    /// Stops the thread; requests still in flight complete with error "shutting down".
    ~ServiceClient();
    ServiceClient(const ServiceClient&) = delete;
    ServiceClient& operator=(const ServiceClient&) = delete;

    /// Sends `body` (JSON) to `path` (e.g. "/v1/verify") with the given method (POST or PUT).
    void send(const std::string& method, const std::string& path, std::string body, Callback done);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace interview::adapters
