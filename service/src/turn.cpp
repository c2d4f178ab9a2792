#include "turn.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace isvc {

std::string hmac_sha1_base64(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
             &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA1 failed");
    }
    std::string out(4 * ((length + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest.data(),
                                        static_cast<int>(length));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

JsonPtr ice_servers_json(const TurnConfig& turn, std::string_view participant_id,
                         std::int64_t expires) {
    const std::string username = std::to_string(expires) + ":" + std::string(participant_id);
    JsonPtr server(json_object());
    json_t* urls = json_array();
    for (const std::string& url : turn.urls) {
        json_array_append_new(urls, json_stringn(url.data(), url.size()));
    }
    json_object_set_new(server.get(), "urls", urls);
    json_object_set_new(server.get(), "username", json_stringn(username.data(), username.size()));
    const std::string credential = hmac_sha1_base64(turn.secret, username);
    json_object_set_new(server.get(), "credential",
                        json_stringn(credential.data(), credential.size()));
    JsonPtr list(json_array());
    json_array_append_new(list.get(), server.release());
    return list;
}

std::string check_turn_url(std::string_view url) {
    std::string_view rest;
    if (url.substr(0, 5) == "turn:") {
        rest = url.substr(5);
    } else if (url.substr(0, 6) == "turns:") {
        rest = url.substr(6);
    } else {
        return "expected turn:HOST[:PORT][?transport=udp|tcp] or turns:...";
    }
    if (rest.empty() || rest[0] == ':' || rest[0] == '?' || url.size() > 256) {
        return "expected a host after the scheme (at most 256 characters in all)";
    }
    for (char c : url) {
        if (c <= ' ' || c == 0x7f || c == '"' || c == '\\' || c == '#') {
            return "no spaces, quotes, backslashes or fragments";
        }
        if (c == '@') {
            return "no credentials in the URL: they are made per participant from the secret";
        }
    }
    if (const auto q = url.find('?'); q != std::string_view::npos) {
        const std::string_view query = url.substr(q + 1);
        if (query != "transport=udp" && query != "transport=tcp") {
            return "the only query allowed is ?transport=udp or ?transport=tcp";
        }
    }
    return {};
}

}  // namespace isvc
