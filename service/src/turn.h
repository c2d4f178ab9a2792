// Time-limited TURN credentials for the participants' browsers (coturn's `use-auth-secret`,
// the "TURN REST API" scheme): the username is "<expiry unix time>:<participant id>" and the
// password is base64(HMAC-SHA1(shared secret, username)). coturn checks both with the same
// secret, so nothing is stored and a credential stops working by itself at its expiry.
#pragma once

#include "json.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace isvc {

struct TurnConfig {
    std::vector<std::string> urls;  // --turn-url: turn:HOST:PORT?transport=udp, turns:..., ...
    std::string secret;             // --turn-secret-file / INTERVIEW_TURN_SECRET
    int ttl_seconds = 3600;         // --turn-ttl-seconds: valid until the interview's end + this
    bool enabled() const { return !urls.empty(); }
};

// base64 (RFC 4648 section 4, with padding) of HMAC-SHA1(key, message): what coturn compares.
std::string hmac_sha1_base64(std::string_view key, std::string_view message);

// [{"urls": [...], "username": "<expires>:<participant_id>", "credential": "..."}]
JsonPtr ice_servers_json(const TurnConfig& turn, std::string_view participant_id,
                         std::int64_t expires);

// A --turn-url value: turn: or turns: with a host, no credentials ('@'), no spaces or quotes.
// Empty when fine, else why not.
std::string check_turn_url(std::string_view url);

}  // namespace isvc
