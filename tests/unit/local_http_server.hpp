// A small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the service client's tests: one
// thread per connection, every request recorded, answered by a handler (status, body and an
// optional delay before answering). Connection: close after each answer.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace interview::test {

struct HttpRequest {
    std::string method;
    std::string path;
    std::string authorization;
    std::string body;
};

struct HttpAnswer {
    int status = 200;
    std::string body;
    int delay_ms = 0;
};

class LocalHttpServer {
  public:
    using Handler = std::function<HttpAnswer(const HttpRequest&)>;

    explicit LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listen_fd_ < 0) {
            throw std::runtime_error("socket failed");
        }
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listen_fd_, 64) != 0 ||
            ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            ::close(listen_fd_);
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        port_ = ntohs(addr.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~LocalHttpServer() {
        stop_ = true;
        acceptor_.join();
        ::close(listen_fd_);
        std::vector<std::thread> connections;
        {
            std::lock_guard lock(mutex_);
            connections.swap(connections_);
        }
        for (auto& c : connections) {
            c.join();
        }
    }
    LocalHttpServer(const LocalHttpServer&) = delete;
    LocalHttpServer& operator=(const LocalHttpServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<HttpRequest> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    void accept_loop() {
        while (!stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) {
                continue;
            }
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                continue;
            }
            std::lock_guard lock(mutex_);
            connections_.emplace_back([this, fd] { serve(fd); });
        }
    }

    // Reads until `done` says the data is complete, the peer closes or the server stops.
    bool read_more(int fd, std::string& data) {
        char buf[4096];
        while (!stop_) {
            pollfd p{fd, POLLIN, 0};
            const int ready = ::poll(&p, 1, 20);
            if (ready == 0) {
                continue;
            }
            const ssize_t n = ready > 0 ? ::recv(fd, buf, sizeof buf, 0) : -1;
            if (n <= 0) {
                return false;
            }
            data.append(buf, static_cast<std::size_t>(n));
            return true;
        }
        return false;
    }

    void serve(int fd) {
        std::string data;
        std::size_t header_end = std::string::npos;
        while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
            if (!read_more(fd, data)) {
                ::close(fd);
                return;
            }
        }
        HttpRequest r;
        const std::string head = data.substr(0, header_end);
        const std::size_t sp1 = head.find(' ');
        const std::size_t sp2 = head.find(' ', sp1 + 1);
        r.method = head.substr(0, sp1);
        r.path = head.substr(sp1 + 1, sp2 - sp1 - 1);
        std::size_t content_length = 0;
        std::size_t at = head.find("\r\n");
        while (at != std::string::npos && at < head.size()) {
            const std::size_t next = head.find("\r\n", at + 2);
            const std::string line = head.substr(at + 2, next - at - 2);
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (char& c : name) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                const std::string value = line.substr(line.find_first_not_of(' ', colon + 1));
                if (name == "content-length") {
                    content_length = std::strtoul(value.c_str(), nullptr, 10);
                } else if (name == "authorization") {
                    r.authorization = value;
                }
            }
            at = next;
        }
        while (data.size() < header_end + 4 + content_length) {
            if (!read_more(fd, data)) {
                ::close(fd);
                return;
            }
        }
        r.body = data.substr(header_end + 4, content_length);
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(r);
        }
        const HttpAnswer answer = handler_(r);
        const auto until =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(answer.delay_ms);
        while (!stop_ && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        const std::string reply = "HTTP/1.1 " + std::to_string(answer.status) +
                                  " X\r\nContent-Type: application/json\r\nContent-Length: " +
                                  std::to_string(answer.body.size()) +
                                  "\r\nConnection: close\r\n\r\n" + answer.body;
        std::size_t sent = 0;
        while (sent < reply.size()) {
            const ssize_t n = ::send(fd, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                break;
            }
            sent += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread acceptor_;
    mutable std::mutex mutex_;
    std::vector<std::thread> connections_;  // guarded by mutex_
    std::vector<HttpRequest> requests_;     // guarded by mutex_
};

}  // namespace interview::test
