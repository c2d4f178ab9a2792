#include "requests.h"

#include "contract/time.hpp"
#include "crypto.h"
#include "errors.h"
#include "contract/ids.hpp"

#include <initializer_list>

namespace isvc {

using interview::access::parse_rfc3339;
using interview::util::is_url_safe_id;

namespace {

// Unknown fields are refused rather than ignored: a typo such as "duration" for
// "duration_minutes" must not silently fall back to something else.
void reject_unknown(const json_t* obj, std::initializer_list<std::string_view> allowed,
                    const std::string& prefix) {
    const char* key;
    json_t* value;
    json_object_foreach(const_cast<json_t*>(obj), key, value) {
        bool known = false;
        for (auto a : allowed) {
            known = known || a == key;
        }
        if (!known) {
            throw invalid_field(prefix + key, "unknown field");
        }
    }
}

std::string string_value(const json_t* v, const std::string& field) {
    if (!json_is_string(v)) {
        throw invalid_field(field, "must be a string");
    }
    return std::string(json_string_value(v), json_string_length(v));
}

// A human-readable one-line text (title, name): 1..max characters, no control characters,
// not only blanks.
std::string text_field(const json_t* obj, const char* key, const std::string& field, int max) {
    const json_t* v = json_object_get(obj, key);
    if (v == nullptr) {
        throw invalid_field(field, "is required");
    }
    std::string s = string_value(v, field);
    const std::size_t len = utf8_length(s);
    if (len < 1 || len > static_cast<std::size_t>(max)) {
        throw invalid_field(field, "must be 1 to " + std::to_string(max) + " characters");
    }
    if (has_control_chars(s)) {
        throw invalid_field(field, "must not contain control characters");
    }
    if (s.find_first_not_of(' ') == std::string::npos) {
        throw invalid_field(field, "must not be blank");
    }
    return s;
}

std::int64_t integer_field(const json_t* v, const std::string& field, std::int64_t lo,
                           std::int64_t hi) {
    // json_is_integer is false for 60.0: a duration must be a whole number in the JSON too.
    if (!json_is_integer(v)) {
        throw invalid_field(field, "must be an integer");
    }
    const json_int_t n = json_integer_value(v);
    if (n < lo || n > hi) {
        throw invalid_field(field,
                            "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
    return n;
}

std::int64_t time_field(const json_t* v, const std::string& field) {
    const std::string s = string_value(v, field);
    const auto t = parse_rfc3339(s);
    if (!t) {
        throw invalid_field(field, "must be an RFC 3339 date-time such as 2026-11-25T10:00:00Z");
    }
    return *t;
}

std::string person_name(const json_t* person, const std::string& field) {
    if (!json_is_object(person)) {
        throw invalid_field(field, "must be an object with a name");
    }
    reject_unknown(person, {"name"}, field + ".");
    return text_field(person, "name", field + ".name", kMaxNameChars);
}

std::vector<std::string> people(const json_t* obj, const char* key, bool required) {
    const json_t* arr = json_object_get(obj, key);
    if (arr == nullptr) {
        if (required) {
            throw invalid_field(key, "is required");
        }
        return {};
    }
    if (!json_is_array(arr)) {
        throw invalid_field(key, "must be an array");
    }
    if (json_array_size(arr) > static_cast<std::size_t>(kMaxParticipants)) {
        throw invalid_field(key, "too many participants");
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < json_array_size(arr); ++i) {
        out.push_back(
            person_name(json_array_get(arr, i), std::string(key) + "[" + std::to_string(i) + "]"));
    }
    return out;
}

bool valid_language(std::string_view s) {
    if (s.empty() || s.size() > 32) {
        return false;
    }
    for (char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '#' || c == '.' ||
                        c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        n += (c & 0xC0) != 0x80;  // count every byte that is not a continuation byte
    }
    return n;
}

bool has_control_chars(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            return true;
        }
        // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
        if (c == 0xC2 && i + 1 < s.size()) {
            const auto next = static_cast<unsigned char>(s[i + 1]);
            if (next >= 0x80 && next <= 0x9F) {
                return true;
            }
        }
    }
    return false;
}

JsonPtr parse_json_object(std::string_view body) {
    json_error_t err;
    // Duplicate keys are refused: two "start"s in one body would make the outcome ambiguous.
    JsonPtr root(
        json_loadb(body.data(), body.size(), JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err));
    if (!root) {
        throw ApiError(400, "malformed_json",
                       std::string("request body is not valid JSON: ") + err.text);
    }
    if (!json_is_object(root.get())) {
        throw invalid_field("(body)", "must be a JSON object");
    }
    return root;
}

NewInterview parse_new_interview(const json_t* body) {
    reject_unknown(
        body, {"title", "start", "duration_minutes", "applicant", "recruiters", "observers"}, "");
    NewInterview n;
    n.title = text_field(body, "title", "title", kMaxTitleChars);
    const json_t* start = json_object_get(body, "start");
    if (start == nullptr) {
        throw invalid_field("start", "is required");
    }
    n.start = time_field(start, "start");
    const json_t* duration = json_object_get(body, "duration_minutes");
    if (duration == nullptr) {
        throw invalid_field("duration_minutes", "is required");
    }
    n.duration_minutes =
        static_cast<int>(integer_field(duration, "duration_minutes", 1, kMaxDurationMinutes));
    const json_t* applicant = json_object_get(body, "applicant");
    if (applicant == nullptr) {
        throw invalid_field("applicant", "is required");
    }
    n.applicant = person_name(applicant, "applicant");
    n.recruiters = people(body, "recruiters", true);
    if (n.recruiters.empty()) {
        throw invalid_field("recruiters", "at least one recruiter is required");
    }
    n.observers = people(body, "observers", false);
    if (1 + n.recruiters.size() + n.observers.size() > static_cast<std::size_t>(kMaxParticipants)) {
        throw invalid_field(
            "recruiters", "at most " + std::to_string(kMaxParticipants) + " participants in total");
    }
    return n;
}

InterviewPatch parse_patch(const json_t* body) {
    reject_unknown(body, {"title", "start", "duration_minutes"}, "");
    InterviewPatch p;
    if (json_object_get(body, "title") != nullptr) {
        p.title = text_field(body, "title", "title", kMaxTitleChars);
    }
    if (const json_t* v = json_object_get(body, "start")) {
        p.start = time_field(v, "start");
    }
    if (const json_t* v = json_object_get(body, "duration_minutes")) {
        p.duration_minutes =
            static_cast<int>(integer_field(v, "duration_minutes", 1, kMaxDurationMinutes));
    }
    if (!p.title && !p.start && !p.duration_minutes) {
        throw invalid_field("(body)", "give at least one of title, start, duration_minutes");
    }
    return p;
}

NewParticipant parse_new_participant(const json_t* body) {
    reject_unknown(body, {"role", "name"}, "");
    NewParticipant n;
    const json_t* role = json_object_get(body, "role");
    if (role == nullptr) {
        throw invalid_field("role", "is required");
    }
    const auto parsed = interview::access::parse_role(string_value(role, "role"));
    if (!parsed) {
        throw invalid_field("role", "must be \"recruiter\" or \"observer\"");
    }
    if (*parsed == Role::applicant) {
        throw invalid_field("role",
                            "an interview has exactly one applicant, named when it was scheduled; "
                            "to give the applicant a new join link, issue a new token");
    }
    n.role = *parsed;
    n.name = text_field(body, "name", "name", kMaxNameChars);
    return n;
}

void parse_empty_body(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return;
    }
    const JsonPtr obj = parse_json_object(body);
    reject_unknown(obj.get(), {}, "");
}

VerifyRequest parse_verify(const json_t* body) {
    reject_unknown(body, {"interview_id", "token"}, "");
    VerifyRequest r;
    const json_t* id = json_object_get(body, "interview_id");
    if (id == nullptr) {
        throw invalid_field("interview_id", "is required");
    }
    r.interview_id = string_value(id, "interview_id");
    if (!is_url_safe_id(r.interview_id)) {
        throw invalid_field("interview_id", "must match ^[A-Za-z0-9_-]{1,64}$");
    }
    const json_t* token = json_object_get(body, "token");
    if (token == nullptr) {
        throw invalid_field("token", "is required");
    }
    r.token = string_value(token, "token");
    return r;
}

FinalCode parse_final_code(const json_t* body, std::size_t max_document_bytes) {
    reject_unknown(body, {"code", "language", "revision"}, "");
    FinalCode fc;
    const json_t* code = json_object_get(body, "code");
    if (code == nullptr) {
        throw invalid_field("code", "is required");
    }
    fc.code = string_value(code, "code");
    if (fc.code.size() > max_document_bytes) {
        throw ApiError(413, "document_too_large",
                       "field 'code': must be at most " + std::to_string(max_document_bytes) +
                           " bytes (max_document_bytes)");
    }
    const json_t* lang = json_object_get(body, "language");
    if (lang == nullptr) {
        throw invalid_field("language", "is required");
    }
    fc.language = string_value(lang, "language");
    if (!valid_language(fc.language)) {
        throw invalid_field("language", "must match ^[A-Za-z0-9_+#.-]{1,32}$");
    }
    const json_t* rev = json_object_get(body, "revision");
    if (rev == nullptr) {
        throw invalid_field("revision", "is required");
    }
    // 2^53: the largest integer a JavaScript client can hold exactly.
    fc.revision = integer_field(rev, "revision", 0, 9007199254740992LL);
    return fc;
}

}  // namespace isvc
