#include "service_client.hpp"

#include <curl/curl.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace interview::adapters {

namespace {

constexpr size_t kMaxResponseBytes = 1 << 20;

struct Request {
    std::string method;
    std::string url;
    std::string body;
    ServiceClient::Callback done;
    std::string response;
    bool too_large = false;
    curl_slist* headers = nullptr;
    CURL* easy = nullptr;
    char error[CURL_ERROR_SIZE] = {0};

    ~Request() {
        if (easy != nullptr) {
            curl_easy_cleanup(easy);
        }
        curl_slist_free_all(headers);
    }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* request = static_cast<Request*>(user);
    const size_t bytes = size * count;
    if (request->response.size() + bytes > kMaxResponseBytes) {
        request->too_large = true;
        return 0;  // makes curl fail the transfer: an answer is never silently cut
    }
    request->response.append(data, bytes);
    return bytes;
}

}  // namespace

struct ServiceClient::Impl {
    std::string base_url;
    Secret key;
    int timeout_ms;
    CURLM* multi = nullptr;
    std::mutex mutex;
    std::deque<std::unique_ptr<Request>> incoming;
    std::map<CURL*, std::unique_ptr<Request>> running;
    std::atomic<bool> stopping{false};
    std::thread thread;

    void loop();
    void start(std::unique_ptr<Request> request);
    static void finish(std::unique_ptr<Request> request, CURLcode code);
};

void ServiceClient::Impl::start(std::unique_ptr<Request> request) {
    CURL* easy = curl_easy_init();
    if (easy == nullptr) {
        finish(std::move(request), CURLE_FAILED_INIT);
        return;
    }
    request->easy = easy;
    const std::string auth = "Authorization: Bearer " + key.reveal();
    request->headers = curl_slist_append(request->headers, auth.c_str());
    request->headers = curl_slist_append(request->headers, "Content-Type: application/json");
    request->headers = curl_slist_append(request->headers, "Accept: application/json");
    curl_easy_setopt(easy, CURLOPT_URL, request->url.c_str());
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request->method.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request->body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request->body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, request->headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, request.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, request->error);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_PRIVATE, request.get());
    curl_multi_add_handle(multi, easy);
    running.emplace(easy, std::move(request));
}

void ServiceClient::Impl::finish(std::unique_ptr<Request> request, CURLcode code) {
    HttpResponse response;
    if (code == CURLE_OK) {
        curl_easy_getinfo(request->easy, CURLINFO_RESPONSE_CODE, &response.status);
        response.body = std::move(request->response);
    } else if (request->too_large) {
        response.error = "answer larger than 1 MiB";
    } else {
        response.error = request->error[0] != '\0' ? request->error : curl_easy_strerror(code);
    }
    auto done = std::move(request->done);
    request.reset();
    try {
        done(std::move(response));
    } catch (...) {
        // A callback's failure is its own; the client thread goes on.
    }
}

void ServiceClient::Impl::loop() {
    while (!stopping.load()) {
        {
            std::deque<std::unique_ptr<Request>> batch;
            {
                std::lock_guard lock(mutex);
                batch.swap(incoming);
            }
            for (auto& request : batch) {
                start(std::move(request));
            }
        }
        int active = 0;
        curl_multi_perform(multi, &active);
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
            if (msg->msg != CURLMSG_DONE) {
                continue;
            }
            CURL* easy = msg->easy_handle;
            const CURLcode code = msg->data.result;
            curl_multi_remove_handle(multi, easy);
            auto it = running.find(easy);
            if (it != running.end()) {
                auto request = std::move(it->second);
                running.erase(it);
                finish(std::move(request), code);
            }
        }
        curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    for (auto& [easy, request] : running) {
        curl_multi_remove_handle(multi, easy);
    }
    auto abandoned = std::move(running);
    std::deque<std::unique_ptr<Request>> waiting;
    {
        std::lock_guard lock(mutex);
        waiting.swap(incoming);
    }
    for (auto& [easy, request] : abandoned) {
        HttpResponse r;
        r.error = "shutting down";
        auto done = std::move(request->done);
        request.reset();
        done(std::move(r));
    }
    for (auto& request : waiting) {
        HttpResponse r;
        r.error = "shutting down";
        request->done(std::move(r));
    }
}

ServiceClient::ServiceClient(std::string base_url, Secret key, int timeout_ms)
    : impl_(std::make_unique<Impl>()) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    impl_->base_url = std::move(base_url);
    impl_->key = std::move(key);
    impl_->timeout_ms = timeout_ms;
    impl_->multi = curl_multi_init();
    impl_->thread = std::thread([impl = impl_.get()] { impl->loop(); });
}

ServiceClient::~ServiceClient() {
    impl_->stopping.store(true);
    curl_multi_wakeup(impl_->multi);
    if (impl_->thread.joinable()) {
        impl_->thread.join();
    }
    curl_multi_cleanup(impl_->multi);
    curl_global_cleanup();
}

void ServiceClient::send(const std::string& method, const std::string& path, std::string body,
                         Callback done) {
    auto request = std::make_unique<Request>();
    request->method = method;
    request->url = impl_->base_url + path;
    request->body = std::move(body);
    request->done = std::move(done);
    {
        std::lock_guard lock(impl_->mutex);
        impl_->incoming.push_back(std::move(request));
    }
    curl_multi_wakeup(impl_->multi);
}

}  // namespace interview::adapters
