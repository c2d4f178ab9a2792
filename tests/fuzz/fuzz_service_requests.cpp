// Fuzz target: the interview service's body parsers (service/src/requests.*, json.h): the input
// is a request body, read by every parser in turn (each endpoint's). They refuse by throwing
// isvc::ApiError, which the HTTP layer turns into a 400; any other exception, or a crash, is a
// bug. Checked: what a parser accepts obeys the limits it promises, a refusal is a 400 with a
// code and a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "errors.h"
#include "fuzz_support.hpp"
#include "json.h"
#include "requests.h"

namespace {

void check_refusal(const isvc::ApiError& e) {
    FUZZ_CHECK(e.status == 400);
    FUZZ_CHECK(!e.code.empty());
    FUZZ_CHECK(!e.message.empty());
}

void check_name(const std::string& name) {
    const std::size_t n = isvc::utf8_length(name);
    FUZZ_CHECK(n >= 1 && n <= static_cast<std::size_t>(isvc::kMaxNameChars));
    FUZZ_CHECK(!isvc::has_control_chars(name));
}

template <class Parse>
void attempt(Parse parse) {
    try {
        parse();
    } catch (const isvc::ApiError& e) {
        check_refusal(e);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body = interview::fuzz::as_text(data, size);
    attempt([&] { isvc::parse_empty_body(body); });
    isvc::JsonPtr root;
    try {
        root = isvc::parse_json_object(body);
    } catch (const isvc::ApiError& e) {
        check_refusal(e);
        return 0;
    }
    FUZZ_CHECK(root != nullptr && json_is_object(root.get()));
    const json_t* obj = root.get();
    attempt([&] {
        const isvc::NewInterview n = isvc::parse_new_interview(obj);
        const std::size_t title = isvc::utf8_length(n.title);
        FUZZ_CHECK(title >= 1 && title <= static_cast<std::size_t>(isvc::kMaxTitleChars));
        FUZZ_CHECK(n.duration_minutes >= 1 && n.duration_minutes <= isvc::kMaxDurationMinutes);
        FUZZ_CHECK(!n.recruiters.empty());
        FUZZ_CHECK(1 + n.recruiters.size() + n.observers.size() <=
                   static_cast<std::size_t>(isvc::kMaxParticipants));
        check_name(n.applicant);
        for (const auto& r : n.recruiters) {
            check_name(r);
        }
        for (const auto& o : n.observers) {
            check_name(o);
        }
    });
    attempt([&] {
        const isvc::InterviewPatch p = isvc::parse_patch(obj);
        FUZZ_CHECK(p.title || p.start || p.duration_minutes);
    });
    attempt([&] {
        const isvc::NewParticipant p = isvc::parse_new_participant(obj);
        FUZZ_CHECK(p.role != isvc::Role::applicant);
        check_name(p.name);
    });
    attempt([&] {
        const isvc::VerifyRequest v = isvc::parse_verify(obj);
        FUZZ_CHECK(!v.interview_id.empty() && v.interview_id.size() <= 64);
    });
    attempt([&] {
        constexpr std::size_t kMaxDocumentBytes = 1u << 20;  // the default max_document_bytes
        const isvc::FinalCode c = isvc::parse_final_code(obj, kMaxDocumentBytes);
        FUZZ_CHECK(c.code.size() <= kMaxDocumentBytes);
        FUZZ_CHECK(!c.language.empty() && c.language.size() <= 32);
        FUZZ_CHECK(c.revision >= 0);
    });
    // The compact dump reads back as an object.
    const std::string dumped = isvc::json_dump(obj);
    json_error_t error;
    isvc::JsonPtr again(json_loadb(dumped.data(), dumped.size(), 0, &error));
    FUZZ_CHECK(again != nullptr && json_is_object(again.get()));
    return 0;
}
