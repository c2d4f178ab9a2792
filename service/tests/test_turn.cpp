// TURN credentials (turn.h): coturn's use-auth-secret scheme, its configuration, and /me
// handing them out only while the interview is open.
#include "config.h"
#include "test_support.h"
#include "turn.h"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace isvc;
using namespace isvc::test;

GetEnv env_of(const std::map<std::string, std::string>& vars) {
    return [vars](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

const std::map<std::string, std::string> kKeys = {
    {"INTERVIEW_ADMIN_KEY", "admin-0123456789abcdef"},
    {"INTERVIEW_SERVICE_KEY", "svc-0123456789abcdef"}};

std::string config_error(const std::vector<std::string>& args,
                         std::map<std::string, std::string> vars = kKeys) {
    try {
        parse_config(args, env_of(vars));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(Turn, HmacSha1Base64MatchesKnownVectors) {
    // RFC 2202 test case 2, and what `printf %s 1700000000:p | openssl dgst -sha1 -hmac s
    // -binary | base64` prints.
    EXPECT_EQ(hmac_sha1_base64("Jefe", "what do ya want for nothing?"),
              "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    EXPECT_EQ(hmac_sha1_base64("", ""), "+9sdGxiqbAgyS31ktx+3Y3BpDh0=");
}

TEST(Turn, IceServersCarryAnExpiringUsernameAndItsHmac) {
    TurnConfig turn;
    turn.urls = {"turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"};
    turn.secret = "a-shared-secret-of-coturn";
    JsonPtr list = ice_servers_json(turn, "participant-1", 1764590400);
    ASSERT_EQ(json_array_size(list.get()), 1u);
    const json_t* server = json_array_get(list.get(), 0);
    const json_t* urls = json_object_get(server, "urls");
    ASSERT_EQ(json_array_size(urls), 2u);
    EXPECT_STREQ(json_string_value(json_array_get(urls, 1)), "turns:turn.example.com:5349");
    EXPECT_STREQ(json_string_value(json_object_get(server, "username")),
                 "1764590400:participant-1");
    EXPECT_EQ(json_string_value(json_object_get(server, "credential")),
              hmac_sha1_base64(turn.secret, "1764590400:participant-1"));
}

TEST(Turn, ConfigNeedsUrlsAndASecretTogether) {
    auto vars = kKeys;
    vars["INTERVIEW_TURN_SECRET"] = "turn-secret-0123456789";
    const Config c =
        parse_config({"--turn-url", "turn:198.51.100.7:3478?transport=tcp",
                      "--turn-url=turns:turn.example.com", "--turn-ttl-seconds", "600"},
                     env_of(vars));
    EXPECT_TRUE(c.turn.enabled());
    EXPECT_EQ(c.turn.urls.size(), 2u);
    EXPECT_EQ(c.turn.secret, "turn-secret-0123456789");
    EXPECT_EQ(c.turn.ttl_seconds, 600);
    EXPECT_FALSE(parse_config({}, env_of(vars)).turn.enabled());  // the secret alone: no TURN

    EXPECT_NE(config_error({"--turn-url", "turn:turn.example.com"}).find("turn-secret"),
              std::string::npos);
    EXPECT_NE(config_error({"--turn-secret-file", "/nonexistent"}).find("turn-secret"),
              std::string::npos);
    for (const char* bad :
         {"stun:turn.example.com", "turn:", "turn:user:pw@turn.example.com", "turn:a b",
          "turn:example.com?transport=sctp", "http://turn.example.com"}) {
        EXPECT_NE(config_error({"--turn-url", bad}, vars).find("--turn-url"), std::string::npos)
            << bad;
    }
    for (const char* bad : {"59", "86401", "x"}) {
        EXPECT_NE(config_error({"--turn-ttl-seconds", bad}, vars).find("--turn-ttl-seconds"),
                  std::string::npos)
            << bad;
    }
    vars["INTERVIEW_TURN_SECRET"] = "short";
    EXPECT_NE(config_error({"--turn-url", "turn:turn.example.com"}, vars).find("too short"),
              std::string::npos);
}

TEST(Turn, MeGivesCredentialsOnlyWhileTheInterviewIsOpen) {
    ApiConfig api;
    api.turn.urls = {"turn:turn.example.com:3478?transport=udp"};
    api.turn.secret = "turn-secret-0123456789";
    api.turn.ttl_seconds = 900;
    Harness h(":memory:", test_now(), "", 15, "", {}, api);
    Reply c = h.create();
    const std::string path = "/v1/interviews/" + c.str("id") + "/me";
    const std::string token = tokens_of(c)[0];
    const std::int64_t opens = parse_rfc3339(c.str("opens_at")).value();
    const std::int64_t end = parse_rfc3339(c.str("end")).value();

    h.clock.set(opens - 1);
    EXPECT_EQ(h.bearer("GET", path, token).at("ice_servers"), nullptr);  // scheduled

    h.clock.set(opens);
    Reply open = h.bearer("GET", path, token);
    ASSERT_EQ(open.status, 200) << open.body;
    const json_t* server = json_array_get(open.at("ice_servers"), 0);
    ASSERT_NE(server, nullptr) << open.body;
    const std::string username = json_string_value(json_object_get(server, "username"));
    EXPECT_EQ(username, std::to_string(end + 900) + ":" + open.str("participant.id"));
    EXPECT_EQ(json_string_value(json_object_get(server, "credential")),
              hmac_sha1_base64(api.turn.secret, username));
    EXPECT_EQ(open.body.find(api.turn.secret), std::string::npos);

    h.clock.set(end);
    EXPECT_EQ(h.bearer("GET", path, token).at("ice_servers"), nullptr);  // ended
    h.clock.set(opens);
    h.admin("POST", "/v1/interviews/" + c.str("id") + "/cancel");
    EXPECT_EQ(h.bearer("GET", path, token).at("ice_servers"), nullptr);  // cancelled
}

TEST(Turn, WithoutTurnConfiguredMeHasNoIceServers) {
    Harness h;
    Reply c = h.create();
    h.clock.set(parse_rfc3339(c.str("opens_at")).value());
    Reply me = h.bearer("GET", "/v1/interviews/" + c.str("id") + "/me", tokens_of(c)[0]);
    EXPECT_EQ(me.status, 200);
    EXPECT_EQ(me.at("ice_servers"), nullptr);
}

}  // namespace
