// The built web demo (a single-page app) served from a directory on the same origin as the API,
// so the browser needs no CORS. Pure file-system logic with no sockets: HttpServer hands it the
// request's method and raw path and sends what it answers.
#pragma once

#include "api.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace isvc {

// An open file descriptor, closed unless released (to libmicrohttpd, which then closes it).
class FileHandle {
  public:
    FileHandle() = default;
    explicit FileHandle(int fd) : fd_(fd) {}
    ~FileHandle();
    FileHandle(FileHandle&& o) noexcept : fd_(o.release()) {}
    FileHandle& operator=(FileHandle&& o) noexcept;
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;

    int get() const { return fd_; }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

  private:
    int fd_ = -1;
};

struct StaticReply {
    int status = 200;
    Headers headers;  // on success: Content-Type, Cache-Control, security headers; 405: Allow
    FileHandle file;  // the body when status is 200 (a regular file, opened read-only)
    std::uint64_t size = 0;
    std::string error_code;  // when status is not 200, for the API's error shape
    std::string error_message;
    std::string served;  // path of the served file relative to the root (tests, debugging)
};

class StaticSite {
  public:
    static constexpr std::uint64_t kMaxFileSize = 64ull * 1024 * 1024;
    // For the Vite + React + Monaco app: no inline or eval'd script; Monaco's workers (same
    // origin or blob:) and its inline styles; Janus over ws:/wss: or its HTTP transport on
    // another port, a service on another origin (config.json); media from blob:/mediastream:.
    // Sent with every file and every error outside /v1 (docs/REST.md).
    static constexpr const char* kContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; "
        "connect-src 'self' ws: wss: http: https:; media-src 'self' blob: mediastream:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
    static constexpr const char* kImmutable = "public, max-age=31536000, immutable";

    // Resolves `dir` (realpath) and checks it holds index.html; throws std::runtime_error.
    explicit StaticSite(const std::string& dir);

    // Empty when `dir` is a directory holding a regular index.html, else a reason for the
    // operator (the service then refuses to start).
    static std::string check_dir(const std::string& dir);

    // True for paths (as decoded by libmicrohttpd) that belong to the API: "/v1" and "/v1/...".
    // Those never reach the files, whatever they are.
    static bool is_api_path(std::string_view path);

    // Content-Type for a file extension (without the dot, any case).
    static std::string content_type(std::string_view extension);

    // `raw_path` is the request target's path exactly as sent: still percent-encoded, without
    // the query. Never throws but std::bad_alloc.
    StaticReply serve(std::string_view method, std::string_view raw_path) const;

    const std::string& root() const { return root_; }

  private:
    enum class Lookup { found, missing, forbidden };
    Lookup open_file(const std::string& rel, StaticReply& out) const;

    std::string root_;  // canonical, without a trailing slash
};

}  // namespace isvc
