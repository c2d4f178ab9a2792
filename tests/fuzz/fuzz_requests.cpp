// Fuzz target: the plugin's request parsers (plugin/core/protocol/requests.*, admin_requests.*):
// the input is the JSON body of a Janus "message" (or of an admin request). Checked: a request
// that parses has a name, its interview id and token obey the rules the parser promises, and a
// refusal carries a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz_support.hpp"
#include "json_ptr.hpp"
#include "protocol/admin_requests.hpp"
#include "api/errors.hpp"
#include "protocol/requests.hpp"

namespace protocol = interview::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(interview::fuzz::as_text(data, size));
    // The id and token rules alone, on any bytes.
    (void)protocol::is_valid_interview_id(text);
    (void)protocol::is_plausible_token(text);

    json_error_t error;
    interview::JsonPtr root(json_loadb(text.data(), text.size(), JSON_DECODE_ANY, &error));
    if (!root) {
        return 0;
    }
    auto request = protocol::parse_request(root.get());
    if (const auto* r = std::get_if<protocol::Request>(&request)) {
        FUZZ_CHECK(protocol::request_name(*r) != nullptr);
        if (const auto* join = std::get_if<protocol::JoinRequest>(r)) {
            FUZZ_CHECK(protocol::is_valid_interview_id(join->interview_id));
            FUZZ_CHECK(protocol::is_plausible_token(join->token));
        }
        if (const auto* configure = std::get_if<protocol::ConfigureRequest>(r)) {
            FUZZ_CHECK(configure->audio || configure->video);
        }
    } else {
        const auto& refused = std::get<protocol::ApiError>(request);
        FUZZ_CHECK(!refused.message.empty());
        interview::JsonPtr event = protocol::error_event(refused);
        FUZZ_CHECK(event != nullptr);
    }
    auto admin = protocol::parse_admin_request(root.get());
    if (const auto* refused = std::get_if<protocol::ApiError>(&admin)) {
        FUZZ_CHECK(!refused->message.empty());
    }
    return 0;
}
