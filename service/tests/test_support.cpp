#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>

namespace isvc::test {
namespace {

size_t write_body(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

size_t write_header(char* data, size_t size, size_t n, void* out) {
    std::string line(data, size * n);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) {
            value.pop_back();
        }
        (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
    }
    return size * n;
}

}  // namespace

const json_t* Reply::at(const char* path) const {
    const json_t* cur = json.get();
    std::stringstream ss(path);
    std::string part;
    while (cur != nullptr && std::getline(ss, part, '.')) {
        cur = json_object_get(cur, part.c_str());
    }
    return cur;
}

std::string Reply::str(const char* path) const {
    const json_t* v = at(path);
    return json_is_string(v) ? json_string_value(v) : std::string();
}

Reply http(const std::string& method, const std::string& url, const std::string& body,
           const std::vector<std::string>& headers, bool path_as_is) {
    Reply r;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    curl_slist* list = nullptr;
    // No "Expect: 100-continue" round trip; Content-Type as a real client sends it.
    list = curl_slist_append(list, "Expect:");
    list = curl_slist_append(list, "Content-Type: application/json");
    for (const auto& h : headers) {
        list = curl_slist_append(list, h.c_str());
    }
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_PATH_AS_IS, path_as_is ? 1L : 0L);
    if (method == "HEAD") {
        curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 1L);  // else libcurl waits for a body
    }
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &r.headers);
    const CURLcode rc = curl_easy_perform(curl.get());
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        ADD_FAILURE() << method << " " << url << ": " << curl_easy_strerror(rc);
        return r;
    }
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
    if (!r.body.empty()) {
        r.json.reset(json_loadb(r.body.data(), r.body.size(), 0, nullptr));
    }
    return r;
}

RawClient::RawClient(std::uint16_t port, const std::string& source) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        return;
    }
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &peer.sin_addr);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd_, reinterpret_cast<const sockaddr*>(&peer), sizeof peer) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

RawClient::~RawClient() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool RawClient::send(const std::string& bytes) {
    std::size_t done = 0;
    while (fd_ >= 0 && done < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return fd_ >= 0;
}

RawClient::Read RawClient::read_some(std::chrono::steady_clock::time_point deadline,
                                     std::string& got) {
    while (fd_ >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) {
            return Read::timeout;
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) {
            continue;
        }
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            return Read::closed;  // EOF, or a reset
        }
        got.append(buf, static_cast<std::size_t>(n));
        return Read::data;
    }
    return Read::closed;
}

bool RawClient::read_until(const std::string& needle, int timeout_ms, std::string& got) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (got.find(needle) == std::string::npos && read_some(deadline, got) == Read::data) {
    }
    return got.find(needle) != std::string::npos;
}

std::string RawClient::read_until_closed(int timeout_ms, bool& closed) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    Read r = Read::data;
    while ((r = read_some(deadline, got)) == Read::data) {
    }
    closed = r == Read::closed && fd_ >= 0;
    return got;
}

Harness::Harness(const std::string& db_path, std::int64_t now, const std::string& cors,
                 int early_join_minutes, const std::string& static_dir,
                 TrustedProxies trusted_proxies, ApiConfig api_config, ConnectionLimits limits)
    : clock(now),
      store(std::make_unique<Store>(db_path)),
      svc(std::make_unique<InterviewService>(*store, clock, early_join_minutes)) {
    api_config.admin_key = kAdminKey;
    api_config.service_key = kServiceKey;
    api_config.cors_origin = cors;
    api = std::make_unique<Api>(*svc, limiter, api_config);
    if (!static_dir.empty()) {
        site = std::make_unique<StaticSite>(static_dir);
    }
    ServerOptions opts;
    opts.port = 0;
    opts.threads = 2;
    opts.static_site = site.get();
    opts.trusted_proxies = std::move(trusted_proxies);
    opts.limits = limits;
    server = std::make_unique<HttpServer>(*api, opts, [this](std::string_view line) {
        std::lock_guard lock(log_mutex_);
        log_.emplace_back(line);
    });
}

Harness::~Harness() {
    server.reset();  // stop serving before the objects it uses go away
}

std::string Harness::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + path;
}

Reply Harness::admin(const std::string& method, const std::string& path, const std::string& body) {
    return http(method, url(path), body, {"Authorization: Bearer " + kAdminKey});
}

Reply Harness::service(const std::string& method, const std::string& path,
                       const std::string& body) {
    return http(method, url(path), body, {"Authorization: Bearer " + kServiceKey});
}

Reply Harness::bearer(const std::string& method, const std::string& path, const std::string& token,
                      const std::string& body) {
    return http(method, url(path), body, {"Authorization: Bearer " + token});
}

Reply Harness::anon(const std::string& method, const std::string& path, const std::string& body) {
    return http(method, url(path), body);
}

std::string Harness::default_body() const {
    return R"({"title":"Backend interview","start":")" + format_rfc3339(clock.now() + 7200) +
           R"(","duration_minutes":60,"applicant":{"name":"Ada"},)"
           R"("recruiters":[{"name":"Grace"}],"observers":[{"name":"Linus"}]})";
}

Reply Harness::create(const std::string& body) {
    Reply r = admin("POST", "/v1/interviews", body.empty() ? default_body() : body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r;
}

std::vector<std::string> Harness::log_lines() {
    std::lock_guard lock(log_mutex_);
    return log_;
}

std::vector<std::string> tokens_of(const Reply& created) {
    std::vector<std::string> out;
    const json_t* arr = created.at("participants");
    for (std::size_t i = 0; i < json_array_size(arr); ++i) {
        const json_t* t = json_object_get(json_array_get(arr, i), "token");
        out.push_back(json_is_string(t) ? json_string_value(t) : "");
    }
    return out;
}

}  // namespace isvc::test
