#include "static_site.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>

namespace isvc {
namespace {

std::optional<std::string> real_path(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr),
                                                         &std::free);
    if (!resolved) {
        return std::nullopt;
    }
    return std::string(resolved.get());
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool is_control(unsigned char c) {
    return c < 0x20 || c == 0x7F;
}

enum class PathCheck { ok, bad, hidden };

// Percent-decodes the raw path into `rel` (without the leading slash) and judges it. Refused
// as bad: anything but an absolute path, a malformed escape, NUL and other control characters,
// a backslash, an encoded slash, "." and ".." segments, empty segments ("//", which would make
// the rest an absolute path). A segment starting with a dot (".env", ".git") is hidden.
PathCheck decode_path(std::string_view raw, std::string& rel) {
    if (raw.empty() || raw[0] != '/') {
        return PathCheck::bad;
    }
    rel.clear();
    for (std::size_t i = 1; i < raw.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(raw[i]);
        if (c == '%') {
            if (i + 2 >= raw.size()) {
                return PathCheck::bad;
            }
            const int hi = hex_value(raw[i + 1]);
            const int lo = hex_value(raw[i + 2]);
            if (hi < 0 || lo < 0) {
                return PathCheck::bad;
            }
            c = static_cast<unsigned char>(hi * 16 + lo);
            i += 2;
            if (c == '/') {
                return PathCheck::bad;  // an encoded slash is never a separator
            }
        }
        if (is_control(c) || c == '\\') {
            return PathCheck::bad;
        }
        rel.push_back(static_cast<char>(c));
    }
    PathCheck result = PathCheck::ok;
    std::size_t start = 0;
    while (start <= rel.size()) {
        const auto slash = rel.find('/', start);
        const bool last = slash == std::string::npos;
        const std::string_view seg =
            std::string_view(rel).substr(start, last ? std::string::npos : slash - start);
        if (seg == "." || seg == "..") {
            return PathCheck::bad;
        }
        if (seg.empty() && !last) {
            return PathCheck::bad;
        }
        if (!seg.empty() && seg[0] == '.') {
            result = PathCheck::hidden;
        }
        if (last) {
            break;
        }
        start = slash + 1;
    }
    return result;
}

// The extension of the last segment, lowercased; empty when there is none.
std::string extension_of(std::string_view rel) {
    const auto slash = rel.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? rel : rel.substr(slash + 1);
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) {
        return {};
    }
    std::string ext(name.substr(dot + 1));
    for (auto& c : ext) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return ext;
}

// On every file and every error: any of them opened on its own is a page (an SVG or HTML file
// can run script; a JSON answer should not be framed or sniffed).
void add_security_headers(Headers& h) {
    h.emplace_back("Content-Security-Policy", StaticSite::kContentSecurityPolicy);
    h.emplace_back("X-Frame-Options", "DENY");
    h.emplace_back("X-Content-Type-Options", "nosniff");
    h.emplace_back("Referrer-Policy", "no-referrer");
}

StaticReply error_reply(int status, const char* code, const char* message) {
    StaticReply r;
    add_security_headers(r.headers);
    r.status = status;
    r.error_code = code;
    r.error_message = message;
    return r;
}

}  // namespace

FileHandle::~FileHandle() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

FileHandle& FileHandle::operator=(FileHandle&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = o.release();
    }
    return *this;
}

std::string StaticSite::check_dir(const std::string& dir) {
    struct stat sb {};
    if (dir.empty() || ::stat(dir.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        return "'" + dir + "' is not a directory";
    }
    const std::string index = dir + "/index.html";
    if (::stat(index.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        return "'" + dir + "' holds no index.html (build the web demo first: npm run build)";
    }
    if (::access(index.c_str(), R_OK) != 0) {
        return "'" + index + "' is not readable";
    }
    return {};
}

StaticSite::StaticSite(const std::string& dir) {
    if (const std::string why = check_dir(dir); !why.empty()) {
        throw std::runtime_error("--static-dir: " + why);
    }
    const auto root = real_path(dir);
    if (!root) {
        throw std::runtime_error("--static-dir: cannot resolve '" + dir + "'");
    }
    root_ = *root;
    if (root_ == "/") {
        throw std::runtime_error("--static-dir: refusing to serve the whole file system");
    }
}

bool StaticSite::is_api_path(std::string_view path) {
    return path == "/v1" || path.rfind("/v1/", 0) == 0;
}

std::string StaticSite::content_type(std::string_view ext) {
    static const std::pair<const char*, const char*> kTypes[] = {
        {"html", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},
        {"map", "application/json"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"ico", "image/x-icon"},
        {"woff2", "font/woff2"},
        {"ttf", "font/ttf"},
        {"wasm", "application/wasm"},
        {"txt", "text/plain; charset=utf-8"},
    };
    std::string lower(ext);
    for (auto& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    for (const auto& [e, type] : kTypes) {
        if (lower == e) {
            return type;
        }
    }
    return "application/octet-stream";  // with nosniff: downloaded, never rendered
}

// Opens root/rel if it is a regular file that really lies under the root (after following
// every symlink) and is not hidden. `rel` has already passed decode_path.
StaticSite::Lookup StaticSite::open_file(const std::string& rel, StaticReply& out) const {
    if (rel.empty() || rel.back() == '/') {
        return Lookup::missing;  // a directory-like path: the app's route, not a file
    }
    const auto resolved = real_path(root_ + "/" + rel);
    if (!resolved) {
        return errno == ENOENT || errno == ENOTDIR ? Lookup::missing : Lookup::forbidden;
    }
    if (resolved->size() <= root_.size() + 1 || resolved->compare(0, root_.size(), root_) != 0 ||
        (*resolved)[root_.size()] != '/') {
        return Lookup::forbidden;  // a symlink leading outside the root
    }
    const std::string inside = resolved->substr(root_.size() + 1);
    if (inside[0] == '.' || inside.find("/.") != std::string::npos) {
        return Lookup::forbidden;  // a symlink to a hidden file
    }
    // O_NONBLOCK: opening a FIFO must not hang a worker; O_NOFOLLOW: the path is resolved.
    FileHandle fd(::open(resolved->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (fd.get() < 0) {
        return errno == ENOENT ? Lookup::missing : Lookup::forbidden;
    }
    struct stat sb {};
    if (::fstat(fd.get(), &sb) != 0) {
        return Lookup::forbidden;
    }
    if (S_ISDIR(sb.st_mode)) {
        return Lookup::missing;
    }
    if (!S_ISREG(sb.st_mode) || static_cast<std::uint64_t>(sb.st_size) > kMaxFileSize) {
        return Lookup::forbidden;
    }
    const int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
        return Lookup::forbidden;
    }
    out.file = std::move(fd);
    out.size = static_cast<std::uint64_t>(sb.st_size);
    out.served = rel;
    return Lookup::found;
}

StaticReply StaticSite::serve(std::string_view method, std::string_view raw_path) const {
    if (method != "GET" && method != "HEAD") {
        StaticReply r = error_reply(405, "method_not_allowed",
                                    "only GET and HEAD are allowed for the web app's files");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    std::string rel;
    switch (decode_path(raw_path, rel)) {
        case PathCheck::bad:
            return error_reply(400, "bad_path", "malformed or forbidden path");
        case PathCheck::hidden:
            return error_reply(404, "not_found", "no such file");
        case PathCheck::ok:
            break;
    }
    StaticReply r;
    const std::string request_ext = extension_of(rel);
    switch (open_file(rel.empty() ? "index.html" : rel, r)) {
        case Lookup::found:
            break;
        case Lookup::forbidden:
            return error_reply(404, "not_found", "no such file");
        case Lookup::missing:
            if (!request_ext.empty()) {
                return error_reply(404, "not_found", "no such file");
            }
            // A client-side route such as /interview/abc: the app's shell decides.
            if (open_file("index.html", r) != Lookup::found) {
                return error_reply(404, "not_found", "no such file");
            }
            break;
    }
    const std::string ext = extension_of(r.served);
    r.headers.emplace_back("Content-Type", content_type(ext));
    const bool immutable = r.served.rfind("assets/", 0) == 0;
    r.headers.emplace_back("Cache-Control", immutable ? kImmutable : "no-cache");
    add_security_headers(r.headers);
    return r;
}

}  // namespace isvc
