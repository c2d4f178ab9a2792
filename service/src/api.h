// The REST API as a function from request to response, with no sockets: routing, credentials,
// rate limiting, CORS and the error shape. HttpServer feeds it from libmicrohttpd; tests can
// also call it directly.
#pragma once

#include "turn.h"

#include "errors.h"
#include "interview_service.h"
#include "rate_limiter.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isvc {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method;
    std::string path;  // without the query string
    Headers query;     // decoded query arguments
    std::string authorization;
    std::string origin;
    std::string body;
    std::string client_address;  // the client as the rate limiter counts it (client_address.h)
};

struct HttpResponse {
    int status = 200;
    std::string body;  // empty for 204
    Headers headers;
};

struct ApiConfig {
    std::string admin_key;
    std::string service_key;
    std::string cors_origin;  // empty: no CORS headers at all; "*": any origin
    // The plugin's max_document_bytes (--max-document-bytes): the largest final code, in UTF-8
    // bytes once decoded. The final code's body limit is derived from it.
    std::size_t max_document_bytes = 1048576;
    TurnConfig turn;  // enabled: /me carries ice_servers while the interview is open
};

// True when a query argument is named like a credential (token, key, api_key, authorization).
// Credentials in a URL end up in proxy logs, browser history and Referer headers; refusing
// them outright (400 token_in_query, on every path) teaches clients early instead of silently
// accepting a leak.
bool credential_in_query(const Headers& query);

// The three kinds of credential (docs/REST.md, "Conventions"); failures are counted per client
// and per kind.
enum class Credential { admin_key, service_key, join_token };

class Api {
  public:
    static constexpr std::size_t kDefaultBodyLimit = 64 * 1024;
    // The final code's body: every byte of the document JSON-escaped at worst (\u0001 is six
    // bytes for one), plus the envelope (the other fields, whitespace).
    static constexpr std::size_t kEscapedBytesPerByte = 6;
    static constexpr std::size_t kFinalCodeEnvelopeBytes = 4096;

    Api(InterviewService& service, RateLimiter& limiter, ApiConfig config)
        : service_(service), limiter_(limiter), config_(std::move(config)) {}

    // Never throws: every failure becomes an error response (500 internal_error at worst).
    HttpResponse handle(const HttpRequest& req) noexcept;

    // Called with the headers only (`req.body` empty) of a request that announces a body:
    // nullopt when the body is wanted (a route that reads one, with its right key); else the
    // whole answer, which does not depend on the body (401, 429, 404, 405, ...), so an
    // unauthenticated body is never read.
    std::optional<HttpResponse> before_body(const HttpRequest& req) noexcept;

    // Largest body accepted for this request; bigger ones get 413 body_too_large.
    std::size_t body_limit(std::string_view method, std::string_view path) const;

    static HttpResponse error_response(int status, const std::string& code,
                                       const std::string& message);

    // An error decided by the transport (413 before the body is read, 500 when a callback
    // failed), with the same headers (CORS included) as every other response.
    HttpResponse transport_error(const HttpRequest& req, int status, const std::string& code,
                                 const std::string& message) const noexcept;

  private:
    HttpResponse dispatch(const HttpRequest& req);
    // Returns when the request carries the right key of this kind; throws 401 (counted as a
    // failure of its client) or, while that client is throttled for this kind, 429.
    void require_key(const HttpRequest& req, Credential kind);
    // Throws `refusal` after counting it against the client, or 429 when already throttled.
    [[noreturn]] void refuse_guess(const HttpRequest& req, Credential kind,
                                   const ApiError& refusal);
    void finish(const HttpRequest& req, HttpResponse& resp) const;

    InterviewService& service_;
    RateLimiter& limiter_;
    ApiConfig config_;
};

}  // namespace isvc
