// --static-dir: the web app's files on the same origin as the API, against the real server.
#include "test_support.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace {

using namespace isvc;
using namespace isvc::test;

const std::string kIndex = "<!doctype html><title>interview</title><div id=root></div>";
const std::string kAppJs = "console.log('app');\n";
const std::string kSecret = "root:x:0:0:secret outside the static dir\n";

void write(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    ASSERT_TRUE(out.good()) << path;
}

// base/site is DIR; base/secret.txt and base/outside/ lie outside it.
class StaticFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        site = base.file("site");
        ASSERT_EQ(::mkdir(site.c_str(), 0755), 0);
        ASSERT_EQ(::mkdir((site + "/assets").c_str(), 0755), 0);
        ASSERT_EQ(::mkdir((site + "/.git").c_str(), 0755), 0);
        ASSERT_EQ(::mkdir(base.file("outside").c_str(), 0755), 0);
        write(site + "/index.html", kIndex);
        write(site + "/assets/index-3f9a.js", kAppJs);
        write(site + "/assets/index-3f9a.css", "body{margin:0}");
        write(site + "/assets/codicon-1.ttf", "ttf");
        write(site + "/favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        write(site + "/config.json", R"({"janusUrl":""})");
        write(site + "/.env", "SECRET=1");
        write(site + "/.git/config", "[core]");
        write(base.file("secret.txt"), kSecret);
        write(base.file("outside/secret.txt"), kSecret);
        ASSERT_EQ(::symlink("../secret.txt", (site + "/leak.txt").c_str()), 0);
        ASSERT_EQ(::symlink("../secret.txt", (site + "/leak").c_str()), 0);
        ASSERT_EQ(::symlink("../outside", (site + "/outside").c_str()), 0);
        ASSERT_EQ(::symlink("assets/index-3f9a.js", (site + "/alias.js").c_str()), 0);
        ASSERT_EQ(::symlink(".env", (site + "/env.txt").c_str()), 0);
        h = std::make_unique<Harness>(":memory:", test_now(), "", 15, site);
    }
    void TearDown() override { h.reset(); }

    Reply get(const std::string& path, const std::string& method = "GET") {
        return http(method, h->url(path), "", {}, /*path_as_is=*/true);
    }

    // Refused, in the API's error shape, and nothing of the secret or of index.html.
    void expect_refused(const std::string& path, long status) {
        SCOPED_TRACE(path);
        Reply r = get(path);
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.body.find("secret"), std::string::npos);
        EXPECT_EQ(r.body.find("doctype"), std::string::npos);
        EXPECT_EQ(r.error_code(), status == 400 ? "bad_path" : "not_found");
    }

    TempDir base;
    std::string site;
    std::unique_ptr<Harness> h;
};

// The policy the built demo works under (tests/e2e run it and fail on any violation): no
// inline or eval'd script; Monaco's workers (same origin or blob:) and inline styles; Janus
// over ws:/wss: or its HTTP transport on another port, a service on another origin; media
// from blob:/mediastream:; no framing, no <base>, no plugins.
const char* const kExpectedPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self' ws: wss: http: https:; media-src 'self' blob: mediastream:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

void expect_security_headers(Reply& r) {
    EXPECT_EQ(r.headers["content-security-policy"], kExpectedPolicy);
    EXPECT_EQ(r.headers["x-frame-options"], "DENY");
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
    EXPECT_EQ(r.headers["referrer-policy"], "no-referrer");
}

TEST_F(StaticFiles, ServesIndexWithSecurityHeaders) {
    for (const char* path : {"/", "/index.html"}) {
        SCOPED_TRACE(path);
        Reply r = get(path);
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, kIndex);
        EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
        EXPECT_EQ(r.headers["cache-control"], "no-cache");
        EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
        EXPECT_EQ(r.headers["referrer-policy"], "no-referrer");
        expect_security_headers(r);
        EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
    }
    Reply head = get("/", "HEAD");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.headers["content-length"], std::to_string(kIndex.size()));
    EXPECT_EQ(head.headers["content-type"], "text/html; charset=utf-8");
}

TEST_F(StaticFiles, AssetsAreImmutableWithTheirContentType) {
    Reply js = get("/assets/index-3f9a.js");
    EXPECT_EQ(js.status, 200);
    EXPECT_EQ(js.body, kAppJs);
    EXPECT_EQ(js.headers["content-type"], "text/javascript; charset=utf-8");
    EXPECT_EQ(js.headers["cache-control"], "public, max-age=31536000, immutable");
    // Every file has the headers, not only HTML: an asset opened on its own is a page too.
    expect_security_headers(js);
    EXPECT_EQ(get("/assets/index-3f9a.css").headers["content-type"], "text/css; charset=utf-8");
    EXPECT_EQ(get("/assets/codicon-1.ttf").headers["content-type"], "font/ttf");
    // Outside assets/: revalidated every time (config.json changes without a new build).
    Reply cfg = get("/config.json");
    EXPECT_EQ(cfg.status, 200);
    EXPECT_EQ(cfg.headers["content-type"], "application/json");
    EXPECT_EQ(cfg.headers["cache-control"], "no-cache");
    Reply svg = get("/favicon.svg");
    EXPECT_EQ(svg.headers["content-type"], "image/svg+xml");
    expect_security_headers(svg);
    expect_security_headers(cfg);
    Reply css = get("/assets/index-3f9a.css");
    expect_security_headers(css);
    // So do the errors outside /v1 (a missing file, a client-side route's fallback).
    Reply missing = get("/assets/nothing-here.js");
    EXPECT_EQ(missing.status, 404);
    expect_security_headers(missing);
    Reply route = get("/interview/abc");
    EXPECT_EQ(route.status, 200);
    expect_security_headers(route);
    // A symlink that stays inside the directory is fine.
    EXPECT_EQ(get("/alias.js").body, kAppJs);
    EXPECT_EQ(get("/assets/index-3f9a.js", "HEAD").headers["content-length"],
              std::to_string(kAppJs.size()));
}

TEST(StaticSite, ContentTypes) {
    const std::pair<const char*, const char*> cases[] = {{"html", "text/html; charset=utf-8"},
                                                         {"js", "text/javascript; charset=utf-8"},
                                                         {"mjs", "text/javascript; charset=utf-8"},
                                                         {"css", "text/css; charset=utf-8"},
                                                         {"json", "application/json"},
                                                         {"svg", "image/svg+xml"},
                                                         {"png", "image/png"},
                                                         {"ico", "image/x-icon"},
                                                         {"woff2", "font/woff2"},
                                                         {"wasm", "application/wasm"},
                                                         {"map", "application/json"},
                                                         {"txt", "text/plain; charset=utf-8"},
                                                         {"ttf", "font/ttf"},
                                                         {"PNG", "image/png"},
                                                         {"exe", "application/octet-stream"},
                                                         {"", "application/octet-stream"}};
    for (const auto& [ext, type] : cases) {
        EXPECT_EQ(StaticSite::content_type(ext), type) << ext;
    }
}

TEST_F(StaticFiles, ClientSideRoutesFallBackToIndex) {
    for (const char* path : {"/interview/abc", "/interview/abc/", "/join", "/assets"}) {
        SCOPED_TRACE(path);
        Reply r = get(path);
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, kIndex);
        EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
        EXPECT_EQ(r.headers["cache-control"], "no-cache");
        EXPECT_NE(r.headers["content-security-policy"], "");
    }
}

TEST_F(StaticFiles, MissingFileWithAnExtensionIs404) {
    for (const char* path : {"/assets/index-0000.js", "/missing.png", "/interview/abc.map"}) {
        expect_refused(path, 404);
    }
    Reply r = get("/assets/index-0000.js");
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_EQ(r.headers["cache-control"], "no-store");
}

TEST_F(StaticFiles, TraversalIsRefused) {
    for (const char* path :
         {"/../etc/passwd", "/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
          "/%2E%2E/%2e%2e/etc/passwd", "/assets/..%2f..%2fsecret.txt", "/assets%2findex-3f9a.js",
          "/..%2Fsecret.txt", "/..%5csecret.txt", "/assets%5Cindex-3f9a.js", "/index.html%00.png",
          "/%00", "//etc/passwd", "/assets//index-3f9a.js", "/./index.html", "/assets/.", "/%zz",
          "/a%2", "/%0aforged"}) {
        expect_refused(path, 400);
    }
    // A raw backslash, sent as is (curl would otherwise keep it too, but say so explicitly).
    expect_refused("/assets\\index-3f9a.js", 400);
}

TEST_F(StaticFiles, SymlinksLeavingTheDirectoryAndDotfilesAre404) {
    for (const char* path : {"/leak.txt", "/leak", "/outside/secret.txt", "/.env", "/.git/config",
                             "/.git/", "/assets/.hidden.js", "/env.txt", "/%2eenv"}) {
        expect_refused(path, 404);
    }
}

TEST_F(StaticFiles, OnlyGetAndHead) {
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
        for (const char* path : {"/", "/assets/index-3f9a.js", "/interview/abc"}) {
            SCOPED_TRACE(std::string(method) + " " + path);
            Reply r = http(method, h->url(path), "{}");
            EXPECT_EQ(r.status, 405);
            EXPECT_EQ(r.error_code(), "method_not_allowed");
            EXPECT_EQ(r.headers["allow"], "GET, HEAD");
        }
    }
}

TEST_F(StaticFiles, V1AlwaysGoesToTheApi) {
    Reply health = get("/v1/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.str("status"), "ok");
    EXPECT_EQ(health.headers["content-type"], "application/json");
    for (const char* path : {"/v1", "/v1/", "/v1/interview/abc", "/v1/index.html", "/v1/../"}) {
        SCOPED_TRACE(path);
        Reply r = get(path);
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(r.error_code(), "not_found");
        EXPECT_EQ(r.body.find("doctype"), std::string::npos);
    }
    EXPECT_EQ(h->create().status, 201);  // and the API works as ever
    EXPECT_EQ(http("POST", h->url("/v1/health"), "{}").headers["allow"], "GET, OPTIONS");
}

TEST_F(StaticFiles, QueriesAreNeverLoggedAndCredentialsInThemRefused) {
    Reply r = get("/interview/abc?lang=en&x=q-secret-value");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(get("/interview/abc?token=abc").error_code(), "token_in_query");
    get("/%0aforged");
    bool seen = false;
    for (const auto& line : h->log_lines()) {
        EXPECT_EQ(line.find("q-secret-value"), std::string::npos) << line;
        EXPECT_EQ(line.find('?' + std::string("lang")), std::string::npos) << line;
        EXPECT_EQ(line.find('\n'), std::string::npos);
        seen = seen || line.rfind("GET /interview/abc 200 ", 0) == 0;
    }
    EXPECT_TRUE(seen);
}

TEST_F(StaticFiles, SpecialAndOversizedFilesAreNotServed) {
    ASSERT_EQ(::mkfifo((site + "/pipe.txt").c_str(), 0644), 0);
    expect_refused("/pipe.txt", 404);  // and the worker did not hang opening it
    { std::ofstream(site + "/big.wasm"); }
    ASSERT_EQ(
        ::truncate((site + "/big.wasm").c_str(), static_cast<off_t>(StaticSite::kMaxFileSize) + 1),
        0);  // sparse: no disk used
    expect_refused("/big.wasm", 404);
    ASSERT_EQ(::truncate((site + "/big.wasm").c_str(), 8), 0);
    EXPECT_EQ(get("/big.wasm").headers["content-type"], "application/wasm");
}

TEST_F(StaticFiles, IndexRemovedLaterIs404NotACrash) {
    ASSERT_EQ(::unlink((site + "/index.html").c_str()), 0);
    expect_refused("/", 404);
    expect_refused("/interview/abc", 404);
}

TEST(StaticSite, RefusesADirectoryWithoutIndex) {
    TempDir dir;
    EXPECT_THROW(StaticSite(dir.file("")), std::runtime_error);
    EXPECT_THROW(StaticSite(dir.file("nope")), std::runtime_error);
    EXPECT_NE(StaticSite::check_dir(dir.file("")).find("index.html"), std::string::npos);
    ASSERT_EQ(::mkdir(dir.file("index.html").c_str(), 0755), 0);  // a directory is no file
    EXPECT_NE(StaticSite::check_dir(dir.file("")), "");
}

TEST(StaticSite, WithoutStaticDirEverythingIsTheApi) {
    Harness h;
    Reply r = http("GET", h.url("/"));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code(), "not_found");
    EXPECT_EQ(http("GET", h.url("/interview/abc")).error_code(), "not_found");
}

}  // namespace
