#include "api.h"

#include "contract/time.hpp"
#include "crypto.h"
#include "errors.h"
#include "views.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace isvc {

using interview::access::format_rfc3339;

namespace {

enum class RouteKind {
    health,
    interviews,
    interview,
    me,
    cancel,
    participants,
    revoke,
    reissue_token,
    final_code,
    verify
};

struct Route {
    RouteKind kind;
    const char* allow;  // methods, for the Allow header and 405
    std::string id;
    std::string pid;
};

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    if (path.empty() || path[0] != '/') {
        return parts;
    }
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return parts;
}

std::optional<Route> match(std::string_view path) {
    const auto p = split_path(path);
    for (auto seg : p) {
        if (seg.empty()) {
            return std::nullopt;  // "//" or a trailing slash: not a resource of ours
        }
    }
    if (p.size() < 2 || p[0] != "v1") {
        return std::nullopt;
    }
    if (p.size() == 2 && p[1] == "health") {
        return Route{RouteKind::health, "GET, OPTIONS", {}, {}};
    }
    if (p.size() == 2 && p[1] == "verify") {
        return Route{RouteKind::verify, "POST, OPTIONS", {}, {}};
    }
    if (p[1] != "interviews") {
        return std::nullopt;
    }
    if (p.size() == 2) {
        return Route{RouteKind::interviews, "GET, POST, OPTIONS", {}, {}};
    }
    const std::string id(p[2]);
    if (p.size() == 3) {
        return Route{RouteKind::interview, "GET, PATCH, OPTIONS", id, {}};
    }
    if (p.size() == 4 && p[3] == "me") {
        return Route{RouteKind::me, "GET, OPTIONS", id, {}};
    }
    if (p.size() == 4 && p[3] == "cancel") {
        return Route{RouteKind::cancel, "POST, OPTIONS", id, {}};
    }
    if (p.size() == 4 && p[3] == "final-code") {
        return Route{RouteKind::final_code, "GET, PUT, OPTIONS", id, {}};
    }
    if (p.size() == 4 && p[3] == "participants") {
        return Route{RouteKind::participants, "POST, OPTIONS", id, {}};
    }
    if (p.size() == 6 && p[3] == "participants" && p[5] == "revoke") {
        return Route{RouteKind::revoke, "POST, OPTIONS", id, std::string(p[4])};
    }
    if (p.size() == 6 && p[3] == "participants" && p[5] == "token") {
        return Route{RouteKind::reissue_token, "POST, OPTIONS", id, std::string(p[4])};
    }
    return std::nullopt;
}

bool method_allowed(const Route& r, std::string_view method) {
    std::string_view allow = r.allow;
    while (!allow.empty()) {
        const auto comma = allow.find(", ");
        if (allow.substr(0, comma) == method) {
            return true;
        }
        allow = comma == std::string_view::npos ? std::string_view{} : allow.substr(comma + 2);
    }
    return false;
}

// "Bearer <credential>", scheme case-insensitive (RFC 7235). Empty if absent or another scheme.
std::string bearer(const std::string& header) {
    if (header.size() < 7) {
        return {};
    }
    std::string scheme = header.substr(0, 7);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "bearer ") {
        return {};
    }
    const auto first = header.find_first_not_of(' ', 7);
    return first == std::string::npos ? std::string() : header.substr(first);
}

HttpResponse json_response(int status, const JsonPtr& j) {
    return HttpResponse{status, json_dump(j.get()), {}};
}

}  // namespace

bool credential_in_query(const Headers& query) {
    for (const auto& [name, value] : query) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (lower.find("token") != std::string::npos || lower == "key" ||
            lower.find("api_key") != std::string::npos || lower == "authorization") {
            return true;
        }
    }
    return false;
}

std::size_t Api::body_limit(std::string_view method, std::string_view path) const {
    const auto r = match(path);
    if (method == "PUT" && r && r->kind == RouteKind::final_code) {
        return kEscapedBytesPerByte * config_.max_document_bytes + kFinalCodeEnvelopeBytes;
    }
    return kDefaultBodyLimit;
}

namespace {

// The key a request whose body will be read must carry, or nullopt when this route and method
// take no body (their answer never depends on one).
std::optional<Credential> body_credential(const Route& r, std::string_view method) {
    switch (r.kind) {
        case RouteKind::interviews:
            return method == "POST" ? std::optional(Credential::admin_key) : std::nullopt;
        case RouteKind::interview:
            return method == "PATCH" ? std::optional(Credential::admin_key) : std::nullopt;
        case RouteKind::participants:
        case RouteKind::reissue_token:
            return Credential::admin_key;
        case RouteKind::final_code:
            return method == "PUT" ? std::optional(Credential::service_key) : std::nullopt;
        case RouteKind::verify:
            return Credential::service_key;
        case RouteKind::health:
        case RouteKind::me:
        case RouteKind::cancel:
        case RouteKind::revoke:
            break;
    }
    return std::nullopt;
}

}  // namespace

std::optional<HttpResponse> Api::before_body(const HttpRequest& req) noexcept {
    try {
        const auto route = match(req.path);
        if (route && req.method != "OPTIONS" && method_allowed(*route, req.method) &&
            !credential_in_query(req.query)) {
            if (const auto kind = body_credential(*route, req.method)) {
                const std::string given = bearer(req.authorization);
                const std::string& expected =
                    *kind == Credential::admin_key ? config_.admin_key : config_.service_key;
                if (!given.empty() && constant_time_equals(given, expected)) {
                    return std::nullopt;  // the body is wanted
                }
            }
        }
        // Refused (or a route that reads no body): the answer is the same without the body.
        return handle(req);
    } catch (...) {
        return handle(req);
    }
}

HttpResponse Api::error_response(int status, const std::string& code, const std::string& message) {
    return json_response(status, error_json(code, message));
}

HttpResponse Api::handle(const HttpRequest& req) noexcept {
    HttpResponse resp;
    try {
        try {
            resp = dispatch(req);
        } catch (const ApiError& e) {
            resp = error_response(e.status, e.code, e.message);
            if (e.retry_after > 0) {
                resp.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
            }
            if (e.status == 401) {
                resp.headers.emplace_back("WWW-Authenticate", "Bearer");
            }
        } catch (const std::exception& e) {
            // The details (e.g. an SQLite message) stay out of the response, which is not the
            // place for them, and go to the operator's log. SQLite messages never contain bound
            // values, so no token or body text can appear here.
            std::fprintf(stderr, "interview-service: internal error on %s %s: %s\n",
                         req.method.c_str(), req.path.c_str(), e.what());
            resp = error_response(500, "internal_error", "internal server error");
        }
        finish(req, resp);
        return resp;
    } catch (...) {
        // Only allocation failure can get here; answer with what needs no allocation.
        HttpResponse fallback;
        fallback.status = 500;
        return fallback;
    }
}

HttpResponse Api::transport_error(const HttpRequest& req, int status, const std::string& code,
                                  const std::string& message) const noexcept {
    try {
        HttpResponse resp = error_response(status, code, message);
        finish(req, resp);
        return resp;
    } catch (...) {
        HttpResponse fallback;
        fallback.status = status;
        return fallback;
    }
}

void Api::finish(const HttpRequest& req, HttpResponse& resp) const {
    if (!resp.body.empty()) {
        resp.headers.emplace_back("Content-Type", "application/json");
    }
    // Responses can carry join tokens: no cache may keep them.
    resp.headers.emplace_back("Cache-Control", "no-store");
    resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (config_.cors_origin.empty() || req.origin.empty()) {
        return;
    }
    if (config_.cors_origin == "*" || req.origin == config_.cors_origin) {
        resp.headers.emplace_back("Access-Control-Allow-Origin",
                                  config_.cors_origin == "*" ? "*" : req.origin);
        resp.headers.emplace_back("Vary", "Origin");
        resp.headers.emplace_back("Access-Control-Expose-Headers", "Retry-After");
    }
}

namespace {

// The rate limiter counts failures per client and per kind of credential, so guessing join
// tokens does not throttle the keys and the other way round.
std::string limiter_key(Credential kind, const std::string& client) {
    switch (kind) {
        case Credential::admin_key:
            return "admin|" + client;
        case Credential::service_key:
            return "service|" + client;
        case Credential::join_token:
            break;
    }
    return "token|" + client;
}

}  // namespace

void Api::refuse_guess(const HttpRequest& req, Credential kind, const ApiError& refusal) {
    const std::string key = limiter_key(kind, req.client_address);
    // A client that is throttled for this kind of credential gets 429 for every further wrong
    // one; the window is not extended. The right credential never gets here.
    if (const auto wait = limiter_.retry_after(key, service_.now()); wait > 0) {
        ApiError e(429, "rate_limited", "too many failed attempts; retry later");
        e.retry_after = wait;
        throw e;
    }
    limiter_.record_failure(key, service_.now());
    throw refusal;
}

void Api::require_key(const HttpRequest& req, Credential kind) {
    const std::string& expected =
        kind == Credential::admin_key ? config_.admin_key : config_.service_key;
    const std::string given = bearer(req.authorization);
    // The right key is always served, however many wrong ones came from the same client: the
    // plugin's address is shared by everything on its host.
    if (!given.empty() && constant_time_equals(given, expected)) {
        return;
    }
    refuse_guess(req, kind, ApiError(401, "unauthorized", "missing or wrong API key"));
}

HttpResponse Api::dispatch(const HttpRequest& req) {
    if (credential_in_query(req.query)) {
        throw ApiError(400, "token_in_query",
                       "credentials must not be sent in the URL; use the Authorization header or "
                       "the JSON body");
    }
    const auto route = match(req.path);
    if (!route) {
        throw ApiError(404, "not_found", "no such endpoint");
    }
    if (req.method == "OPTIONS") {
        // CORS preflight (or a plain OPTIONS): tell what this resource accepts.
        HttpResponse resp{204, {}, {{"Allow", route->allow}}};
        if (!config_.cors_origin.empty()) {
            resp.headers.emplace_back("Access-Control-Allow-Methods", route->allow);
            resp.headers.emplace_back("Access-Control-Allow-Headers",
                                      "Authorization, Content-Type");
            resp.headers.emplace_back("Access-Control-Max-Age", "600");
        }
        return resp;
    }
    if (!method_allowed(*route, req.method)) {
        ApiError e(405, "method_not_allowed", req.method + " is not allowed here");
        HttpResponse resp = error_response(e.status, e.code, e.message);
        resp.headers.emplace_back("Allow", route->allow);
        return resp;
    }
    const bool get = req.method == "GET";
    switch (route->kind) {
        case RouteKind::health: {
            JsonPtr j(json_object());
            set_str(j.get(), "status", "ok");
            set_str(j.get(), "time", format_rfc3339(service_.now()));
            return json_response(200, j);
        }
        case RouteKind::interviews: {
            require_key(req, Credential::admin_key);
            if (get) {
                JsonPtr arr(json_array());
                for (const auto& iv : service_.list()) {
                    json_array_append_new(arr.get(), interview_details(service_, iv).release());
                }
                JsonPtr j(json_object());
                json_object_set_new(j.get(), "interviews", arr.release());
                return json_response(200, j);
            }
            const JsonPtr body = parse_json_object(req.body);
            const auto created = service_.create(parse_new_interview(body.get()));
            HttpResponse resp = json_response(201, created_interview(service_, created));
            resp.headers.emplace_back("Location", "/v1/interviews/" + created.interview.id);
            return resp;
        }
        case RouteKind::interview: {
            require_key(req, Credential::admin_key);
            if (get) {
                return json_response(200, interview_details(service_, service_.get(route->id)));
            }
            const JsonPtr body = parse_json_object(req.body);
            const InterviewPatch patch = parse_patch(body.get());
            return json_response(
                200, interview_details(service_, service_.reschedule(route->id, patch)));
        }
        case RouteKind::me: {
            try {
                const std::string token = bearer(req.authorization);
                const Access access = service_.authorize(route->id, token);
                JsonPtr j = access_json(service_, access);
                // TURN credentials only while the room is open (when the browser can join):
                // a link opened days ahead gets none, so none lives for days.
                if (config_.turn.enabled() && service_.status(access.interview) == Status::open) {
                    const std::int64_t expires =
                        service_.window(access.interview).end + config_.turn.ttl_seconds;
                    json_object_set_new(
                        j.get(), "ice_servers",
                        ice_servers_json(config_.turn, access.participant.id, expires).release());
                }
                return json_response(200, j);
            } catch (const ApiError& e) {
                if (e.code == "invalid_token") {
                    refuse_guess(req, Credential::join_token, e);
                }
                throw;
            }
        }
        case RouteKind::cancel:
            require_key(req, Credential::admin_key);
            return json_response(200, interview_details(service_, service_.cancel(route->id)));
        case RouteKind::participants: {
            require_key(req, Credential::admin_key);
            const JsonPtr body = parse_json_object(req.body);
            const IssuedToken added =
                service_.add_participant(route->id, parse_new_participant(body.get()));
            HttpResponse resp = json_response(201, issued_token_details(service_, added));
            // The new participant has no resource of its own: the interview is where it lives.
            resp.headers.emplace_back("Location", "/v1/interviews/" + added.interview.id);
            return resp;
        }
        case RouteKind::revoke:
            require_key(req, Credential::admin_key);
            return json_response(
                200, interview_details(service_, service_.revoke(route->id, route->pid)));
        case RouteKind::reissue_token:
            require_key(req, Credential::admin_key);
            parse_empty_body(req.body);
            return json_response(
                200, issued_token_details(service_, service_.reissue_token(route->id, route->pid)));
        case RouteKind::final_code: {
            if (get) {
                require_key(req, Credential::admin_key);
                return json_response(
                    200, final_code_json(route->id, service_.get_final_code(route->id), true));
            }
            require_key(req, Credential::service_key);
            const JsonPtr body = parse_json_object(req.body);
            const FinalCode stored = service_.put_final_code(
                route->id, parse_final_code(body.get(), config_.max_document_bytes));
            return json_response(200, final_code_json(route->id, stored, false));
        }
        case RouteKind::verify: {
            require_key(req, Credential::service_key);
            const JsonPtr body = parse_json_object(req.body);
            const VerifyRequest v = parse_verify(body.get());
            const Access access = service_.authorize(v.interview_id, v.token);
            // /verify's documented field order puts the participant first.
            JsonPtr j(json_object());
            json_object_set_new(j.get(), "participant",
                                participant_json(access.participant).release());
            json_object_set_new(j.get(), "interview",
                                interview_summary(service_, access.interview).release());
            set_str(j.get(), "server_time", format_rfc3339(service_.now()));
            return json_response(200, j);
        }
    }
    throw ApiError(404, "not_found", "no such endpoint");
}

}  // namespace isvc
