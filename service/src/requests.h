// Parsing and validation of request bodies: JSON -> typed structs, or an ApiError naming the
// field. Shape and size rules live here; rules that need the clock (start within range) live in
// InterviewService.
#pragma once

#include "json.h"
#include "store.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace isvc {

inline constexpr int kMaxTitleChars = 200;
inline constexpr int kMaxNameChars = 100;
inline constexpr int kMaxParticipants = 10;
inline constexpr int kMaxDurationMinutes = 480;

struct NewInterview {
    std::string title;
    std::int64_t start = 0;
    int duration_minutes = 0;
    std::string applicant;
    std::vector<std::string> recruiters;
    std::vector<std::string> observers;
};

// POST /v1/interviews/{id}/participants. Only a recruiter or an observer: an interview has
// exactly one applicant, named at scheduling.
struct NewParticipant {
    Role role = Role::recruiter;
    std::string name;
};

struct VerifyRequest {
    std::string interview_id;
    std::string token;
};

// Parses a body that must be one JSON object: 400 malformed_json if it is not JSON at all,
// 400 invalid_field if it is JSON but not an object.
JsonPtr parse_json_object(std::string_view body);

NewInterview parse_new_interview(const json_t* body);
InterviewPatch parse_patch(const json_t* body);
NewParticipant parse_new_participant(const json_t* body);
// For endpoints that take no parameters in the body: an empty body (or only whitespace) or an
// empty JSON object `{}`; anything else is refused like any other bad body, so a client that
// thinks it is sending options learns that they are not read.
void parse_empty_body(std::string_view body);
VerifyRequest parse_verify(const json_t* body);
// `code` longer than `max_document_bytes` (UTF-8, as decoded) is 413 document_too_large.
FinalCode parse_final_code(const json_t* body, std::size_t max_document_bytes);

// Number of Unicode code points in valid UTF-8 (Jansson only hands us valid UTF-8).
std::size_t utf8_length(std::string_view s);
// True if `s` contains a C0 control, DEL or a C1 control character.
bool has_control_chars(std::string_view s);

}  // namespace isvc
