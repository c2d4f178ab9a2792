// The plugin's effective settings: read from janus.plugin.interview.jcfg, every value validated,
// defaults applied. A bad or missing required setting is reported with the setting's full name so
// that one log line tells the operator what to fix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/jcfg.hpp"
#include "json_ptr.hpp"

namespace interview::config {

struct RedisEndpoint {
    std::string host;
    int port = 0;
    bool operator==(const RedisEndpoint&) const = default;
};

/// "host:port,host:port" (an IPv6 host in brackets), at most 8; nullopt names no reason, the
/// caller does.
std::optional<std::vector<RedisEndpoint>> parse_endpoints(const std::string& text);

struct Settings {
    // [general]
    std::string service_url;        ///< base URL of the interview service (required)
    std::string service_key_file;   ///< file holding the plugin's service key (required, secret)
    int service_timeout_ms = 3000;  ///< whole-request timeout of one call to the service
    int verify_cache_seconds = 30;  ///< how long a positive verify answer is reused
    int recheck_seconds = 60;     ///< participants' tokens are verified again this often (0: never)
    int early_join_minutes = 15;  ///< the room opens this long before the start
    int grace_minutes = 10;       ///< and admits until this long after the end
    int max_participants = 4;     ///< joined handles per interview, observers included
    bool notify_events = true;    ///< send join/leave/end events to Janus event handlers

    // The shared document and its store
    std::string redis_host = "127.0.0.1";
    int redis_port = 6379;
    std::string redis_password_file;  ///< empty: no AUTH (secret kept in a file)
    /// Redis Sentinels to ask where the master of `redis_sentinel_master` is (instead of
    /// redis_host/redis_port); empty: talk to redis_host directly.
    std::vector<RedisEndpoint> redis_sentinels;
    std::string redis_sentinel_master;
    int redis_wait_replicas = 0;         ///< a commit counts once this many replicas have it (WAIT)
    int redis_timeout_ms = 3000;         ///< a reply slower than this counts as Redis being down
    int key_ttl_hours = 24;              ///< keys expire this long after end + grace
    int op_log_size = 1000;              ///< committed operations kept for transforms and catch-up
    int snapshot_every = 200;            ///< write a snapshot after this many operations
    int max_message_bytes = 60000;       ///< largest data-channel message accepted
    int max_document_bytes = 1048576;    ///< largest document (UTF-8 bytes)
    int max_ops_per_second = 50;         ///< per participant
    int outbound_queue_bytes = 1048576;  ///< per participant; beyond it, a snapshot replaces ops
    int slow_consumer_seconds = 30;  ///< a participant over its budget this long is disconnected
    std::string default_language = "python";

    // Audio and video
    std::string video_codec = "vp8";     ///< "vp8" or "h264": every camera in a room uses it
    int video_bitrate_cap = 1000000;     ///< REMB sent to each publisher, bits per second
    int keyframe_min_interval_ms = 500;  ///< PLIs to one publisher at most this often

    /// The settings as JSON for `info` and the startup log. Secrets are never included: the key
    /// file's path is shown, its content is not even loaded here.
    JsonPtr to_json() const;
};

struct SettingError {
    std::string setting;  ///< e.g. "general.service_url"
    std::string message;  ///< what is wrong and what is expected

    std::string to_string() const { return setting + ": " + message; }
};

/// Validates a parsed file: unknown groups or settings are errors too (a typo in a security
/// setting must not silently fall back to a default).
std::variant<Settings, SettingError> settings_from_config(const ConfigFile& file);

/// Parses the text of a .jcfg file and validates it; a syntax error names its line.
std::variant<Settings, SettingError> settings_from_text(const std::string& text);

}  // namespace interview::config
