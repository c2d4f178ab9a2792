// The shape of every id that crosses a boundary (interview, participant and client ids): 1 to 64
// characters of base64url's alphabet. Ids built from it are safe as-is in URLs, paths, headers,
// log lines and Redis keys, so no caller has to escape them. Shared by the plugin and the service.
#pragma once

#include <string_view>

namespace interview::util {

/// One character of [A-Za-z0-9_-] (base64url without padding). ASCII only, whatever the locale.
constexpr bool is_url_safe_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/// ^[A-Za-z0-9_-]{1,64}$
constexpr bool is_url_safe_id(std::string_view id) {
    if (id.empty() || id.size() > 64) {
        return false;
    }
    for (char c : id) {
        if (!is_url_safe_char(c)) {
            return false;
        }
    }
    return true;
}

}  // namespace interview::util
