#include "config.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <map>

namespace {

using namespace isvc;

struct Env {
    std::map<std::string, std::string> vars = {{"INTERVIEW_ADMIN_KEY", "admin-0123456789abcdef"},
                                               {"INTERVIEW_SERVICE_KEY", "svc-0123456789abcdef"}};
    GetEnv fn() const {
        return [this](const char* name) -> const char* {
            auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};

Config parse(const std::vector<std::string>& args, const Env& env = Env{}) {
    return parse_config(args, env.fn());
}

std::string error_of(const std::vector<std::string>& args, const Env& env = Env{}) {
    try {
        parse(args, env);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(Config, Defaults) {
    const Config c = parse({});
    EXPECT_EQ(c.listen_host, "127.0.0.1");
    EXPECT_EQ(c.port, 8090);  // not 8088: that is Janus's HTTP transport
    EXPECT_EQ(c.db_path, "./interview-service.db");
    EXPECT_EQ(c.early_join_minutes, 15);
    EXPECT_EQ(c.admin_key, "admin-0123456789abcdef");
    EXPECT_EQ(c.service_key, "svc-0123456789abcdef");
    EXPECT_TRUE(c.cors_origin.empty());
    EXPECT_TRUE(c.warnings.empty());
    EXPECT_TRUE(c.static_dir.empty());
}

TEST(Config, MaxDocumentBytes) {
    EXPECT_EQ(parse({}).max_document_bytes, 1048576u);
    EXPECT_EQ(parse({"--max-document-bytes", "2048"}).max_document_bytes, 2048u);
    EXPECT_EQ(parse({"--max-document-bytes=16777216"}).max_document_bytes, 16777216u);
    for (const char* bad : {"1023", "16777217", "-1", "1e6", ""}) {
        EXPECT_NE(error_of({"--max-document-bytes", bad}).find("--max-document-bytes"),
                  std::string::npos)
            << bad;
    }
}

TEST(Config, ConnectionLimits) {
    const Config d = parse({});
    EXPECT_EQ(d.limits.max_connections, 512u);
    EXPECT_EQ(d.limits.max_per_client, 32u);
    EXPECT_EQ(d.limits.header_timeout_seconds, 10u);
    EXPECT_EQ(d.limits.body_timeout_seconds, 30u);
    EXPECT_EQ(d.limits.idle_timeout_seconds, 15u);
    const Config c = parse({"--max-connections", "100", "--max-connections-per-client=100",
                            "--header-timeout-seconds", "3", "--body-timeout-seconds", "60",
                            "--idle-timeout-seconds", "1"});
    EXPECT_EQ(c.limits.max_connections, 100u);
    EXPECT_EQ(c.limits.max_per_client, 100u);
    EXPECT_EQ(c.limits.header_timeout_seconds, 3u);
    EXPECT_EQ(c.limits.body_timeout_seconds, 60u);
    EXPECT_EQ(c.limits.idle_timeout_seconds, 1u);
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"--max-connections", "15"},           {"--max-connections", "10001"},
        {"--max-connections-per-client", "0"}, {"--header-timeout-seconds", "0"},
        {"--header-timeout-seconds", "301"},   {"--body-timeout-seconds", "3601"},
        {"--idle-timeout-seconds", "0"},       {"--idle-timeout-seconds", "1.5"}};
    for (const auto& [flag, value] : bad) {
        EXPECT_NE(error_of({flag, value}).find(flag), std::string::npos) << flag << " " << value;
    }
    EXPECT_NE(error_of({"--max-connections", "64", "--max-connections-per-client", "65"})
                  .find("must not exceed --max-connections"),
              std::string::npos);
}

TEST(Config, UsageNamesTheNewDefaultPort) {
    EXPECT_NE(usage().find("127.0.0.1:8090"), std::string::npos);
    EXPECT_EQ(usage().find("default 127.0.0.1:8088"), std::string::npos);
    EXPECT_NE(usage().find("--static-dir DIR"), std::string::npos);
}

TEST(Config, StaticDirMustHoldIndexHtml) {
    test::TempDir dir;
    EXPECT_NE(error_of({"--static-dir", dir.file("")}).find("no index.html"), std::string::npos);
    EXPECT_NE(error_of({"--static-dir", dir.file("missing")}).find("not a directory"),
              std::string::npos);
    std::ofstream(dir.file("index.html")) << "<!doctype html>";
    EXPECT_NE(error_of({"--static-dir", dir.file("index.html")}).find("not a directory"),
              std::string::npos);
    EXPECT_EQ(parse({"--static-dir=" + dir.file("")}).static_dir, dir.file(""));
}

TEST(Config, ParsesFlagsInBothForms) {
    const Config c = parse({"--listen", "[::1]:9000", "--db=/tmp/x.db", "--early-join-minutes", "0",
                            "--cors-origin=http://localhost:5173", "--threads", "8"});
    EXPECT_EQ(c.listen_host, "::1");
    EXPECT_EQ(c.port, 9000);
    EXPECT_EQ(c.db_path, "/tmp/x.db");
    EXPECT_EQ(c.early_join_minutes, 0);
    EXPECT_EQ(c.cors_origin, "http://localhost:5173");
    EXPECT_EQ(c.threads, 8u);
    EXPECT_TRUE(parse({"--help"}).help);
}

TEST(Config, WarnsWhenNotOnLoopback) {
    EXPECT_FALSE(parse({"--listen", "0.0.0.0:8090"}).warnings.empty());
}

TEST(Config, RejectsBadFlags) {
    EXPECT_NE(error_of({"--listen", "localhost:8090"}), "");  // names are not resolved
    EXPECT_NE(error_of({"--listen", "127.0.0.1"}), "");
    EXPECT_NE(error_of({"--listen", "127.0.0.1:65536"}), "");
    EXPECT_NE(error_of({"--listen", "127.0.0.1:-1"}), "");
    EXPECT_NE(error_of({"--listen", "::1:8090"}), "");
    EXPECT_NE(error_of({"--listen", "999.0.0.1:80"}), "");
    EXPECT_NE(error_of({"--early-join-minutes", "-1"}), "");
    EXPECT_NE(error_of({"--early-join-minutes", "1441"}), "");
    EXPECT_NE(error_of({"--early-join-minutes", "ten"}), "");
    EXPECT_NE(error_of({"--threads", "0"}), "");
    EXPECT_NE(error_of({"--db", ""}), "");
    EXPECT_NE(error_of({"--cors-origin", "localhost:5173"}), "");
    EXPECT_NE(error_of({"--cors-origin", "http://a.example/path"}), "");
    EXPECT_NE(error_of({"--db"}), "");
    EXPECT_NE(error_of({"--verbose"}), "");
    EXPECT_NE(error_of({"positional"}), "");
}

TEST(Config, KeysNeverOnTheCommandLine) {
    EXPECT_NE(error_of({"--admin-key", "admin-0123456789abcdef"}).find("command line"),
              std::string::npos);
    EXPECT_NE(error_of({"--service-key=svc-0123456789abcdef"}), "");
}

TEST(Config, MissingShortOrEqualKeysRefused) {
    Env env;
    env.vars.erase("INTERVIEW_ADMIN_KEY");
    EXPECT_NE(error_of({}, env).find("admin-key is missing"), std::string::npos);
    env = Env{};
    env.vars["INTERVIEW_SERVICE_KEY"] = "short";
    EXPECT_NE(error_of({}, env).find("too short"), std::string::npos);
    env = Env{};
    env.vars["INTERVIEW_SERVICE_KEY"] = "has a space in it!!";
    EXPECT_NE(error_of({}, env), "");
    env = Env{};
    env.vars["INTERVIEW_SERVICE_KEY"] = env.vars["INTERVIEW_ADMIN_KEY"];
    EXPECT_NE(error_of({}, env).find("different"), std::string::npos);
}

TEST(Config, KeyFiles) {
    test::TempDir dir;
    const std::string admin = dir.file("admin.key");
    std::ofstream(admin) << "file-admin-key-0123456789\n";
    chmod(admin.c_str(), 0600);
    const std::string svc = dir.file("svc.key");
    std::ofstream(svc) << "file-service-key-0123456789\r\n";
    chmod(svc.c_str(), 0644);
    const Config c = parse({"--admin-key-file", admin, "--service-key-file", svc});
    EXPECT_EQ(c.admin_key, "file-admin-key-0123456789");  // trailing newline stripped
    EXPECT_EQ(c.service_key, "file-service-key-0123456789");
    ASSERT_EQ(c.warnings.size(), 1u);  // svc.key is world-readable
    EXPECT_NE(c.warnings[0].find("chmod 600"), std::string::npos);
    EXPECT_NE(error_of({"--admin-key-file", dir.file("missing")}).find("cannot read"),
              std::string::npos);
}

int run_binary(const std::string& args) {
    const std::string cmd = std::string("env -u INTERVIEW_ADMIN_KEY -u INTERVIEW_SERVICE_KEY ") +
                            INTERVIEW_SERVICE_BIN + " " + args + " >/dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Config, BinaryExitCodes) {
    EXPECT_EQ(run_binary("--help"), 0);
    EXPECT_EQ(run_binary("--bogus"), 2);
    EXPECT_EQ(run_binary(""), 2);  // no keys
    EXPECT_EQ(run_binary("--listen nowhere"), 2);
    test::TempDir empty;  // no index.html: refused before anything else is opened
    EXPECT_EQ(run_binary("--static-dir " + empty.file("")), 2);
}

}  // namespace

namespace {

TEST(Config, JanusUrlsAreRepeatableAndChecked) {
    const Config c =
        parse({"--janus-url", "wss://a.example/janus", "--janus-url=ws://10.0.0.2:8188"});
    ASSERT_EQ(c.janus_urls.size(), 2u);
    EXPECT_EQ(c.janus_urls[1], "ws://10.0.0.2:8188");
    for (const char* bad : {"http://a.example", "wss://", "wss://a b", "wss://a/?token=x", "a"}) {
        EXPECT_NE(error_of({"--janus-url", bad}).find("--janus-url"), std::string::npos) << bad;
    }
}

}  // namespace
