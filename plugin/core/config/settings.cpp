#include "config/settings.hpp"

#include <functional>
#include <set>
#include <vector>

namespace interview::config {

namespace {

constexpr const char* kGroup = "general";

struct IntRule {
    const char* name;
    int Settings::*field;
    std::int64_t min;
    std::int64_t max;
};

const IntRule kIntRules[] = {
    {"service_timeout_ms", &Settings::service_timeout_ms, 100, 60000},
    {"verify_cache_seconds", &Settings::verify_cache_seconds, 0, 600},
    {"recheck_seconds", &Settings::recheck_seconds, 0, 3600},
    {"early_join_minutes", &Settings::early_join_minutes, 0, 1440},
    {"grace_minutes", &Settings::grace_minutes, 0, 1440},
    {"max_participants", &Settings::max_participants, 2, 16},
    {"redis_port", &Settings::redis_port, 1, 65535},
    {"redis_timeout_ms", &Settings::redis_timeout_ms, 100, 60000},
    {"redis_wait_replicas", &Settings::redis_wait_replicas, 0, 8},
    {"key_ttl_hours", &Settings::key_ttl_hours, 1, 24 * 366},
    {"op_log_size", &Settings::op_log_size, 10, 100000},
    {"snapshot_every", &Settings::snapshot_every, 1, 100000},
    {"max_message_bytes", &Settings::max_message_bytes, 1024, 65000},
    {"max_document_bytes", &Settings::max_document_bytes, 1024, 16 * 1048576},
    {"max_ops_per_second", &Settings::max_ops_per_second, 1, 100000},
    {"outbound_queue_bytes", &Settings::outbound_queue_bytes, 65536, 256 * 1048576},
    {"slow_consumer_seconds", &Settings::slow_consumer_seconds, 5, 3600},
    {"video_bitrate_cap", &Settings::video_bitrate_cap, 64000, 20000000},
    {"keyframe_min_interval_ms", &Settings::keyframe_min_interval_ms, 100, 10000},
};

std::string full_name(const std::string& name) {
    return std::string(kGroup) + "." + name;
}

SettingError wrong_type(const std::string& name, const Setting& s, const char* expected) {
    return SettingError{full_name(name), std::string("expected ") + expected + ", got " +
                                             type_name(s.value) + " (line " +
                                             std::to_string(s.line) + ")"};
}

bool is_http_url(const std::string& url) {
    const auto rest_after = [&](const std::string& scheme) -> std::string {
        return url.rfind(scheme, 0) == 0 ? url.substr(scheme.size()) : std::string();
    };
    std::string rest = rest_after("http://");
    if (rest.empty()) {
        rest = rest_after("https://");
    }
    if (rest.empty() || rest[0] == '/') {
        return false;
    }
    for (char c : rest) {
        if (c <= ' ' || c == 0x7f || c == '?' || c == '#') {
            return false;
        }
    }
    return true;
}

bool is_language(const std::string& s) {
    if (s.empty() || s.size() > 32) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '#' ||
              c == '.' || c == '-')) {
            return false;
        }
    }
    return true;
}

bool is_sentinel_master_name(const std::string& s) {
    if (s.empty() || s.size() > 64) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<std::vector<RedisEndpoint>> parse_endpoints(const std::string& text) {
    std::vector<RedisEndpoint> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        std::string item =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        while (!item.empty() && item.front() == ' ') {
            item.erase(0, 1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.pop_back();
        }
        const auto colon = item.rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size() ||
            item.size() - colon - 1 > 5 || out.size() == 8) {
            return std::nullopt;
        }
        std::string host = item.substr(0, colon);
        const std::string port = item.substr(colon + 1);
        if (port.find_first_not_of("0123456789") != std::string::npos) {
            return std::nullopt;
        }
        if (host.front() == '[') {
            if (host.size() < 3 || host.back() != ']') {
                return std::nullopt;
            }
            host = host.substr(1, host.size() - 2);
        } else if (host.find(':') != std::string::npos) {
            return std::nullopt;  // an IPv6 address without brackets: where does it end?
        }
        for (char c : host) {
            if (c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == '/' || c == '@') {
                return std::nullopt;
            }
        }
        const int number = std::stoi(port);
        if (host.size() > 253 || number < 1 || number > 65535) {
            return std::nullopt;
        }
        out.push_back(RedisEndpoint{host, number});
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return out;
}

std::variant<Settings, SettingError> settings_from_config(const ConfigFile& file) {
    for (const auto& [group, settings] : file.groups) {
        if (group != kGroup) {
            const std::string where = group.empty() ? std::string("(top level)") : group;
            if (group.empty() && !settings.empty()) {
                return SettingError{settings.begin()->first,
                                    "settings must be inside the 'general' group"};
            }
            if (!group.empty()) {
                return SettingError{where, "unknown group (only 'general' is read)"};
            }
        }
    }
    Settings out;
    const auto general = file.groups.find(kGroup);
    if (general == file.groups.end()) {
        return SettingError{kGroup, "missing group (the file needs 'general: { ... }')"};
    }
    std::set<std::string> known;
    for (const auto& [name, setting] : general->second) {
        known.insert(name);
    }

    const auto take_string = [&](const char* name, std::string& field,
                                 bool required) -> std::variant<bool, SettingError> {
        const Setting* s = file.find(kGroup, name);
        known.erase(name);
        if (s == nullptr) {
            if (required) {
                return SettingError{full_name(name), "missing (required)"};
            }
            return false;
        }
        const auto* text = std::get_if<std::string>(&s->value);
        if (text == nullptr) {
            return wrong_type(name, *s, "a string");
        }
        if (required && text->empty()) {
            return SettingError{full_name(name),
                                "must not be empty (line " + std::to_string(s->line) + ")"};
        }
        field = *text;
        return true;
    };

    if (auto r = take_string("service_url", out.service_url, true);
        std::holds_alternative<SettingError>(r)) {
        return std::get<SettingError>(r);
    }
    if (!is_http_url(out.service_url)) {
        return SettingError{full_name("service_url"),
                            "must be an http:// or https:// URL without query or fragment, got '" +
                                out.service_url + "'"};
    }
    while (!out.service_url.empty() && out.service_url.back() == '/') {
        out.service_url.pop_back();
    }
    if (auto r = take_string("service_key_file", out.service_key_file, true);
        std::holds_alternative<SettingError>(r)) {
        return std::get<SettingError>(r);
    }

    if (auto r = take_string("redis_host", out.redis_host, false);
        std::holds_alternative<SettingError>(r)) {
        return std::get<SettingError>(r);
    }
    if (out.redis_host.empty()) {
        return SettingError{full_name("redis_host"), "must not be empty"};
    }
    if (auto r = take_string("redis_password_file", out.redis_password_file, false);
        std::holds_alternative<SettingError>(r)) {
        return std::get<SettingError>(r);
    }
    std::string sentinels;
    if (auto r = take_string("redis_sentinels", sentinels, false);
        std::holds_alternative<SettingError>(r)) {
        return std::get<SettingError>(r);
    }
    if (auto r = take_string("redis_sentinel_master", out.redis_sentinel_master, false);
        std::holds_alternative<SettingError>(r)) {
        return std::get<SettingError>(r);
    }
    if (!sentinels.empty()) {
        auto endpoints = parse_endpoints(sentinels);
        if (!endpoints) {
            return SettingError{full_name("redis_sentinels"),
                                "expected 1 to 8 host:port separated by commas (IPv6 as "
                                "[::1]:26379), got '" +
                                    sentinels.substr(0, 200) + "'"};
        }
        out.redis_sentinels = std::move(*endpoints);
        if (!is_sentinel_master_name(out.redis_sentinel_master)) {
            return SettingError{full_name("redis_sentinel_master"),
                                "required with redis_sentinels: the name the Sentinels monitor "
                                "(1 to 64 of A-Z a-z 0-9 . _ -)"};
        }
        // One source of truth for where Redis is: a redis_host next to Sentinels would be
        // silently ignored, so it is refused.
        for (const char* direct : {"redis_host", "redis_port"}) {
            if (file.find(kGroup, direct) != nullptr) {
                return SettingError{
                    full_name(direct),
                    "set either redis_host/redis_port or redis_sentinels, not both"};
            }
        }
    } else if (!out.redis_sentinel_master.empty()) {
        return SettingError{full_name("redis_sentinel_master"),
                            "only meaningful with redis_sentinels"};
    }
    if (auto r = take_string("default_language", out.default_language, false);
        std::holds_alternative<SettingError>(r)) {
        return std::get<SettingError>(r);
    }
    if (!is_language(out.default_language)) {
        return SettingError{full_name("default_language"),
                            "must be 1 to 32 characters of a-z 0-9 + # . -"};
    }

    if (auto r = take_string("video_codec", out.video_codec, false);
        std::holds_alternative<SettingError>(r)) {
        return std::get<SettingError>(r);
    }
    if (out.video_codec != "vp8" && out.video_codec != "h264") {
        return SettingError{full_name("video_codec"), "must be \"vp8\" or \"h264\", got '" +
                                                          out.video_codec.substr(0, 32) + "'"};
    }

    for (const IntRule& rule : kIntRules) {
        const Setting* s = file.find(kGroup, rule.name);
        known.erase(rule.name);
        if (s == nullptr) {
            continue;
        }
        const auto* value = std::get_if<std::int64_t>(&s->value);
        if (value == nullptr) {
            return wrong_type(rule.name, *s, "an integer");
        }
        if (*value < rule.min || *value > rule.max) {
            return SettingError{full_name(rule.name),
                                "must be between " + std::to_string(rule.min) + " and " +
                                    std::to_string(rule.max) + ", got " + std::to_string(*value)};
        }
        out.*rule.field = static_cast<int>(*value);
    }

    if (const Setting* s = file.find(kGroup, "notify_events")) {
        known.erase("notify_events");
        const auto* value = std::get_if<bool>(&s->value);
        if (value == nullptr) {
            return wrong_type("notify_events", *s, "true or false");
        }
        out.notify_events = *value;
    }

    if (!known.empty()) {
        return SettingError{full_name(*known.begin()), "unknown setting"};
    }
    return out;
}

std::variant<Settings, SettingError> settings_from_text(const std::string& text) {
    auto parsed = parse_jcfg(text);
    if (auto* error = std::get_if<ParseError>(&parsed)) {
        return SettingError{"line " + std::to_string(error->line), error->message};
    }
    return settings_from_config(std::get<ConfigFile>(parsed));
}

JsonPtr Settings::to_json() const {
    JsonPtr obj(json_object());
    json_object_set_new(obj.get(), "service_url", json_string(service_url.c_str()));
    json_object_set_new(obj.get(), "service_key_file", json_string(service_key_file.c_str()));
    json_object_set_new(obj.get(), "service_timeout_ms", json_integer(service_timeout_ms));
    json_object_set_new(obj.get(), "verify_cache_seconds", json_integer(verify_cache_seconds));
    json_object_set_new(obj.get(), "recheck_seconds", json_integer(recheck_seconds));
    json_object_set_new(obj.get(), "early_join_minutes", json_integer(early_join_minutes));
    json_object_set_new(obj.get(), "grace_minutes", json_integer(grace_minutes));
    json_object_set_new(obj.get(), "max_participants", json_integer(max_participants));
    json_object_set_new(obj.get(), "notify_events", json_boolean(notify_events));
    json_object_set_new(obj.get(), "redis_host", json_string(redis_host.c_str()));
    json_object_set_new(obj.get(), "redis_port", json_integer(redis_port));
    json_object_set_new(obj.get(), "redis_password_file", json_string(redis_password_file.c_str()));
    json_object_set_new(obj.get(), "redis_timeout_ms", json_integer(redis_timeout_ms));
    json_t* sentinels = json_array();
    for (const auto& e : redis_sentinels) {
        const bool v6 = e.host.find(':') != std::string::npos;
        const std::string text = (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(e.port);
        json_array_append_new(sentinels, json_string(text.c_str()));
    }
    json_object_set_new(obj.get(), "redis_sentinels", sentinels);
    json_object_set_new(obj.get(), "redis_sentinel_master",
                        json_string(redis_sentinel_master.c_str()));
    json_object_set_new(obj.get(), "redis_wait_replicas", json_integer(redis_wait_replicas));
    json_object_set_new(obj.get(), "key_ttl_hours", json_integer(key_ttl_hours));
    json_object_set_new(obj.get(), "op_log_size", json_integer(op_log_size));
    json_object_set_new(obj.get(), "snapshot_every", json_integer(snapshot_every));
    json_object_set_new(obj.get(), "max_message_bytes", json_integer(max_message_bytes));
    json_object_set_new(obj.get(), "max_document_bytes", json_integer(max_document_bytes));
    json_object_set_new(obj.get(), "max_ops_per_second", json_integer(max_ops_per_second));
    json_object_set_new(obj.get(), "outbound_queue_bytes", json_integer(outbound_queue_bytes));
    json_object_set_new(obj.get(), "slow_consumer_seconds", json_integer(slow_consumer_seconds));
    json_object_set_new(obj.get(), "default_language", json_string(default_language.c_str()));
    json_object_set_new(obj.get(), "video_codec", json_string(video_codec.c_str()));
    json_object_set_new(obj.get(), "video_bitrate_cap", json_integer(video_bitrate_cap));
    json_object_set_new(obj.get(), "keyframe_min_interval_ms",
                        json_integer(keyframe_min_interval_ms));
    return obj;
}

}  // namespace interview::config
