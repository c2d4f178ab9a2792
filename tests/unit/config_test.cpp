// The plugin's config file: the jcfg reader and the validation of every setting.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "config/jcfg.hpp"
#include "config/settings.hpp"

using interview::config::ConfigFile;
using interview::config::parse_jcfg;
using interview::config::ParseError;
using interview::config::SettingError;
using interview::config::Settings;
using interview::config::settings_from_text;

namespace {

const char* kMinimal = R"(general: {
    service_url = "http://127.0.0.1:8090"
    service_key_file = "key"
})";

Settings must_parse(const std::string& text) {
    auto r = settings_from_text(text);
    if (auto* e = std::get_if<SettingError>(&r)) {
        ADD_FAILURE() << e->to_string();
        return {};
    }
    return std::get<Settings>(r);
}

SettingError must_fail(const std::string& text) {
    auto r = settings_from_text(text);
    EXPECT_TRUE(std::holds_alternative<SettingError>(r)) << text;
    return std::holds_alternative<SettingError>(r) ? std::get<SettingError>(r) : SettingError{};
}

std::string with(const std::string& line) {
    return "general: {\n service_url = \"http://127.0.0.1:8090\"\n service_key_file = \"k\"\n " +
           line + "\n}\n";
}

}  // namespace

TEST(Jcfg, ParsesGroupsScalarsAndComments) {
    auto r = parse_jcfg(R"(# top comment
general: {
    name = "a \"quoted\" \\ value"   # trailing comment
    count = 42;
    hex = 0x1F,
    ratio = 0.5
    on = true
    off = FALSE
    // another comment
    /* block
       comment */
}
other = { x = -3 }
)");
    ASSERT_TRUE(std::holds_alternative<ConfigFile>(r));
    const auto& f = std::get<ConfigFile>(r);
    EXPECT_EQ(std::get<std::string>(f.find("general", "name")->value), "a \"quoted\" \\ value");
    EXPECT_EQ(std::get<std::int64_t>(f.find("general", "count")->value), 42);
    EXPECT_EQ(std::get<std::int64_t>(f.find("general", "hex")->value), 31);
    EXPECT_DOUBLE_EQ(std::get<double>(f.find("general", "ratio")->value), 0.5);
    EXPECT_TRUE(std::get<bool>(f.find("general", "on")->value));
    EXPECT_FALSE(std::get<bool>(f.find("general", "off")->value));
    EXPECT_EQ(std::get<std::int64_t>(f.find("other", "x")->value), -3);
    EXPECT_EQ(f.find("general", "count")->line, 4);
    EXPECT_EQ(f.find("general", "missing"), nullptr);
}

TEST(Jcfg, SyntaxErrorsNameTheirLine) {
    struct Case {
        const char* text;
        int line;
        const char* fragment;
    };
    const Case cases[] = {
        {"general: {\n  a = \"open\n}", 2, "not closed"},
        {"general: {\n  a = 1\n", 3, "not closed with"},
        {"}", 1, "unexpected '}'"},
        {"general: {\n a = [1, 2]\n}", 2, "lists and arrays"},
        {"general: {\n a: { b = 1 }\n}", 2, "nested group"},
        {"general: {\n a = 1\n a = 2\n}", 3, "set twice"},
        {"general: {\n a = nope\n}", 2, "not a string, number or boolean"},
        {"general: {\n a = 99999999999999999999\n}", 2, "out of range"},
        {"/* never closed", 1, "unterminated"},
        {"general: {\n a = \"bad \\q escape\"\n}", 2, "unknown escape"},
        {"general: {\n = 3\n}", 2, "unexpected character"},
        {"general: {\n a 3\n}", 2, "expected '='"},
    };
    for (const auto& c : cases) {
        auto r = parse_jcfg(c.text);
        ASSERT_TRUE(std::holds_alternative<ParseError>(r)) << c.text;
        const auto& e = std::get<ParseError>(r);
        EXPECT_EQ(e.line, c.line) << c.text;
        EXPECT_NE(e.message.find(c.fragment), std::string::npos) << e.message;
    }
}

TEST(Settings, DefaultsApplyWhenOnlyRequiredSettingsAreGiven) {
    const Settings s = must_parse(kMinimal);
    EXPECT_EQ(s.service_url, "http://127.0.0.1:8090");
    EXPECT_EQ(s.service_key_file, "key");
    EXPECT_EQ(s.early_join_minutes, 15);
    EXPECT_EQ(s.grace_minutes, 10);
    EXPECT_EQ(s.max_participants, 4);
    EXPECT_EQ(s.service_timeout_ms, 3000);
    EXPECT_EQ(s.verify_cache_seconds, 30);
    EXPECT_TRUE(s.notify_events);
}

TEST(Settings, ReadsEveryOptionalSetting) {
    const Settings s = must_parse(R"(general: {
        service_url = "https://svc.example:9443/base/"
        service_key_file = "/etc/k"
        service_timeout_ms = 500
        verify_cache_seconds = 0
        early_join_minutes = 5
        grace_minutes = 0
        max_participants = 16
        notify_events = false
        video_codec = "h264"
        video_bitrate_cap = 300000
        keyframe_min_interval_ms = 1000
    })");
    EXPECT_EQ(s.service_url, "https://svc.example:9443/base");  // trailing slash trimmed
    EXPECT_EQ(s.service_timeout_ms, 500);
    EXPECT_EQ(s.verify_cache_seconds, 0);
    EXPECT_EQ(s.early_join_minutes, 5);
    EXPECT_EQ(s.grace_minutes, 0);
    EXPECT_EQ(s.max_participants, 16);
    EXPECT_FALSE(s.notify_events);
    EXPECT_EQ(s.video_codec, "h264");
    EXPECT_EQ(s.video_bitrate_cap, 300000);
    EXPECT_EQ(s.keyframe_min_interval_ms, 1000);
}

TEST(Settings, EveryBadSettingIsNamed) {
    struct Case {
        std::string text;
        const char* setting;
        const char* fragment;
    };
    const Case cases[] = {
        {"general: { service_key_file = \"k\" }", "general.service_url", "missing"},
        {"general: { service_url = \"http://x\" }", "general.service_key_file", "missing"},
        {"general: { service_url = \"\"\n service_key_file = \"k\" }", "general.service_url",
         "empty"},
        {"general: { service_url = \"ftp://x\"\n service_key_file = \"k\" }", "general.service_url",
         "http"},
        {"general: { service_url = \"http://x/?token=1\"\n service_key_file = \"k\" }",
         "general.service_url", "query"},
        {"general: { service_url = 8090\n service_key_file = \"k\" }", "general.service_url",
         "expected a string, got integer"},
        {with("early_join_minutes = \"15\""), "general.early_join_minutes", "expected an integer"},
        {with("early_join_minutes = -1"), "general.early_join_minutes", "between 0 and 1440"},
        {with("max_participants = 1"), "general.max_participants", "between 2 and 16"},
        {with("service_timeout_ms = 99"), "general.service_timeout_ms", "between 100"},
        {with("notify_events = 1"), "general.notify_events", "true or false"},
        {with("video_codec = \"vp9\""), "general.video_codec", "\"vp8\" or \"h264\""},
        {with("video_codec = 8"), "general.video_codec", "expected a string"},
        {with("video_bitrate_cap = 1000"), "general.video_bitrate_cap", "between 64000"},
        {with("keyframe_min_interval_ms = 0"), "general.keyframe_min_interval_ms", "between 100"},
        {with("recheck_seconds = -1"), "general.recheck_seconds", "between 0 and 3600"},
        {with("recheck_seconds = 3601"), "general.recheck_seconds", "between 0 and 3600"},
        {with("early_join_minute = 15"), "general.early_join_minute", "unknown setting"},
        {"general: { service_url = \"http://x\"\n service_key_file = \"k\" }\nredis: { a = 1 }",
         "redis", "unknown group"},
        {"service_url = \"http://x\"", "service_url", "inside the 'general' group"},
        {"", "general", "missing group"},
        {"general: {\n a = [1]\n}", "line 2", "lists"},
    };
    for (const auto& c : cases) {
        const SettingError e = must_fail(c.text);
        EXPECT_EQ(e.setting, c.setting) << c.text;
        EXPECT_NE(e.message.find(c.fragment), std::string::npos) << c.text << " -> " << e.message;
    }
}

TEST(Settings, JsonNeverHoldsTheSecretOnlyTheFilePath) {
    Settings s = must_parse(kMinimal);
    auto json = s.to_json();
    EXPECT_STREQ(json_string_value(json_object_get(json.get(), "service_key_file")), "key");
    EXPECT_EQ(json_object_get(json.get(), "service_key"), nullptr);
    EXPECT_EQ(json_integer_value(json_object_get(json.get(), "early_join_minutes")), 15);
}

TEST(Settings, TheShippedConfigFileIsValid) {
    std::ifstream in(INTERVIEW_SOURCE_DIR "/janus-config/janus.plugin.interview.jcfg");
    ASSERT_TRUE(in.good());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Settings s = must_parse(text);
    EXPECT_EQ(s.service_url, "http://127.0.0.1:8090");
    EXPECT_EQ(s.early_join_minutes, 15);
}

TEST(Settings, RedisSentinelsReplaceTheDirectAddress) {
    const Settings s = must_parse(
        with("redis_sentinels = \"10.0.0.1:26379, sentinel-b.internal:26380,[fd00::7]:26379\"\n"
             " redis_sentinel_master = \"interview_main-1\"\n redis_wait_replicas = 1"));
    using interview::config::RedisEndpoint;
    ASSERT_EQ(s.redis_sentinels.size(), 3U);
    EXPECT_EQ(s.redis_sentinels[0], (RedisEndpoint{"10.0.0.1", 26379}));
    EXPECT_EQ(s.redis_sentinels[1], (RedisEndpoint{"sentinel-b.internal", 26380}));
    EXPECT_EQ(s.redis_sentinels[2], (RedisEndpoint{"fd00::7", 26379}));
    EXPECT_EQ(s.redis_sentinel_master, "interview_main-1");
    EXPECT_EQ(s.redis_wait_replicas, 1);
    auto json = s.to_json();
    const json_t* listed = json_object_get(json.get(), "redis_sentinels");
    ASSERT_EQ(json_array_size(listed), 3U);
    EXPECT_STREQ(json_string_value(json_array_get(listed, 2)), "[fd00::7]:26379");
    EXPECT_EQ(json_integer_value(json_object_get(json.get(), "redis_wait_replicas")), 1);
    const Settings plain = must_parse(kMinimal);
    EXPECT_TRUE(plain.redis_sentinels.empty());
    EXPECT_EQ(plain.redis_wait_replicas, 0);
}

TEST(Settings, BadRedisSentinelSettingsAreNamed) {
    const std::string master = "\n redis_sentinel_master = \"m\"";
    struct Case {
        std::string text;
        const char* setting;
        const char* fragment;
    };
    const Case cases[] = {
        {with("redis_sentinels = \"10.0.0.1\"" + master), "general.redis_sentinels", "host:port"},
        {with("redis_sentinels = \"10.0.0.1:0\"" + master), "general.redis_sentinels", "host:port"},
        {with("redis_sentinels = \"10.0.0.1:65536\"" + master), "general.redis_sentinels",
         "host:port"},
        {with("redis_sentinels = \"a:1,\"" + master), "general.redis_sentinels", "host:port"},
        {with("redis_sentinels = \"fd00::7:26379\"" + master), "general.redis_sentinels",
         "[::1]:26379"},
        {with("redis_sentinels = \"a b:1\"" + master), "general.redis_sentinels", "host:port"},
        {with("redis_sentinels = \"a:1,b:1,c:1,d:1,e:1,f:1,g:1,h:1,i:1\"" + master),
         "general.redis_sentinels", "1 to 8"},
        {with("redis_sentinels = \"a:26379\""), "general.redis_sentinel_master", "required"},
        {with("redis_sentinels = \"a:26379\"\n redis_sentinel_master = \"my master\""),
         "general.redis_sentinel_master", "A-Z"},
        {with("redis_sentinel_master = \"m\""), "general.redis_sentinel_master",
         "only meaningful with redis_sentinels"},
        {with("redis_sentinels = \"a:26379\"" + master + "\n redis_host = \"redis\""),
         "general.redis_host", "not both"},
        {with("redis_sentinels = \"a:26379\"" + master + "\n redis_port = 6380"),
         "general.redis_port", "not both"},
        {with("redis_wait_replicas = 9"), "general.redis_wait_replicas", "between 0 and 8"},
        {with("redis_sentinels = 26379"), "general.redis_sentinels", "expected a string"},
    };
    for (const auto& c : cases) {
        const SettingError e = must_fail(c.text);
        EXPECT_EQ(e.setting, c.setting) << c.text;
        EXPECT_NE(e.message.find(c.fragment), std::string::npos) << c.text << " -> " << e.message;
    }
}
