// Messages on the data channel (label "interview"): parsing and validation of what clients send,
// and the text of what the plugin sends. docs/PROTOCOL.md describes each one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "json_ptr.hpp"
#include "ot/json.hpp"
#include "ot/operation.hpp"
#include "api/errors.hpp"

namespace interview::protocol {

struct HelloMessage {
    std::string client_id;
    std::optional<std::uint64_t> last_revision;
};

struct OpMessage {
    std::string client_id;
    std::uint64_t seq = 0;
    std::uint64_t revision = 0;
    ot::Operation op;
};

/// The seed's `{"op":"insert","char":"x","pos":10}`: an edit on the current revision.
struct SimpleOpMessage {
    ot::SimpleEdit edit;
};

struct PresenceMessage {
    std::uint64_t revision = 0;
    std::size_t cursor = 0;
    std::vector<std::pair<std::size_t, std::size_t>> selection;  ///< at most 32 ranges
};

struct LanguageMessage {
    std::string language;  ///< [a-z0-9+#.-]{1,32}
};

struct CheckMessage {
    std::uint64_t revision = 0;
    std::string checksum;  ///< 64 lowercase hex digits
};

struct PingMessage {
    double t = 0;
};

using DataMessage = std::variant<HelloMessage, OpMessage, SimpleOpMessage, PresenceMessage,
                                 LanguageMessage, CheckMessage, PingMessage>;

/// A refusal, plus the seq of the op it is about (so the author can match it).
struct DataError {
    ApiError error;
    std::optional<std::uint64_t> seq;
    std::string reason;  ///< the OT engine's code for invalid_operation
};

/// Parses one text message. Never throws; every refusal says what was wrong.
std::variant<DataMessage, DataError> parse_data_message(std::string_view text,
                                                        const ot::Limits& limits);

bool is_valid_client_id(std::string_view id);
bool is_valid_language(std::string_view language);

// ---- what the plugin sends ----

/// {"type":"error","error_code":...,"error":...,"message":...,"seq"?,"reason"?}
std::string error_text(const DataError& error);

/// One committed operation, as broadcast to everyone (the author's acknowledgement).
std::string op_text(std::uint64_t revision, std::string_view client_id, std::uint64_t seq,
                    std::string_view author, const ot::Operation& op);
/// The same with the op's JSON already written (ot::operation_to_json_text): what the store
/// keeps, spliced in as it is rather than encoded again.
std::string op_text(std::uint64_t revision, std::string_view client_id, std::uint64_t seq,
                    std::string_view author, std::string_view op_json);

/// The document in parts of at most `max_part_bytes` of text each, split on code points.
std::vector<std::string> snapshot_texts(std::uint64_t revision, const std::string& language,
                                        bool read_only, const std::string& utf8_text,
                                        std::size_t max_part_bytes);

std::string simple_text(const char* type, const char* key = nullptr, const char* value = nullptr);
std::string revision_text(const char* type, std::uint64_t revision);
std::string pong_text(double t);
std::string language_text(const std::string& language, const std::string& by_participant_id);
std::string presence_text(const std::string& participant_id, const std::string& name,
                          const char* role, const char* colour, std::uint64_t revision,
                          std::size_t cursor,
                          const std::vector<std::pair<std::size_t, std::size_t>>& selection);

}  // namespace interview::protocol
