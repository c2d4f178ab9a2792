#include "views.h"

#include "contract/time.hpp"

namespace isvc {

using interview::access::format_rfc3339;

JsonPtr interview_summary(const InterviewService& svc, const Interview& iv) {
    const Window w = svc.window(iv);
    JsonPtr j(json_object());
    set_str(j.get(), "id", iv.id);
    set_str(j.get(), "title", iv.title);
    set_str(j.get(), "start", format_rfc3339(w.start));
    set_str(j.get(), "end", format_rfc3339(w.end));
    set_str(j.get(), "opens_at", format_rfc3339(w.opens_at));
    set_str(j.get(), "status", std::string(to_string(svc.status(iv))));
    if (const std::string janus = svc.janus_url_for(iv.id); !janus.empty()) {
        set_str(j.get(), "janus_url", janus);
    }
    return j;
}

JsonPtr participant_json(const Participant& p) {
    JsonPtr j(json_object());
    set_str(j.get(), "id", p.id);
    set_str(j.get(), "name", p.name);
    set_str(j.get(), "role", interview::access::role_name(p.role));
    return j;
}

namespace {

// `token_of(i)` is the token to show for participant i, or null to show none.
template <typename TokenOf>
JsonPtr details_with(const InterviewService& svc, const Interview& iv, bool with_revoked,
                     TokenOf token_of) {
    JsonPtr j = interview_summary(svc, iv);
    set_int(j.get(), "duration_minutes", iv.duration_minutes);
    set_str(j.get(), "created_at", format_rfc3339(iv.created_at));
    json_t* arr = json_array();
    for (std::size_t i = 0; i < iv.participants.size(); ++i) {
        JsonPtr p = participant_json(iv.participants[i]);
        if (with_revoked) {
            set_bool(p.get(), "revoked", iv.participants[i].revoked);
        }
        if (const std::string* token = token_of(i)) {
            set_str(p.get(), "token", *token);
        }
        json_array_append_new(arr, p.release());
    }
    json_object_set_new(j.get(), "participants", arr);
    return j;
}

}  // namespace

JsonPtr interview_details(const InterviewService& svc, const Interview& iv) {
    return details_with(svc, iv, true, [](std::size_t) -> const std::string* { return nullptr; });
}

JsonPtr created_interview(const InterviewService& svc, const CreatedInterview& created) {
    // At creation nobody is revoked yet, so the flag is left out (the documented shape).
    return details_with(svc, created.interview, false,
                        [&](std::size_t i) { return &created.tokens.at(i); });
}

JsonPtr issued_token_details(const InterviewService& svc, const IssuedToken& issued) {
    // The usual details, so the caller sees everyone's revoked flag, plus the one new token.
    const auto& ps = issued.interview.participants;
    return details_with(svc, issued.interview, true, [&](std::size_t i) -> const std::string* {
        return ps[i].id == issued.participant_id ? &issued.token : nullptr;
    });
}

JsonPtr access_json(const InterviewService& svc, const Access& access) {
    JsonPtr j(json_object());
    json_object_set_new(j.get(), "interview", interview_summary(svc, access.interview).release());
    json_object_set_new(j.get(), "participant", participant_json(access.participant).release());
    set_str(j.get(), "server_time", format_rfc3339(svc.now()));
    return j;
}

JsonPtr final_code_json(const std::string& interview_id, const FinalCode& fc, bool with_code) {
    JsonPtr j(json_object());
    set_str(j.get(), "interview_id", interview_id);
    if (with_code) {
        set_str(j.get(), "code", fc.code);
    }
    set_str(j.get(), "language", fc.language);
    set_int(j.get(), "revision", fc.revision);
    set_str(j.get(), "updated_at", format_rfc3339(fc.updated_at));
    return j;
}

JsonPtr error_json(const std::string& code, const std::string& message) {
    JsonPtr inner(json_object());
    set_str(inner.get(), "code", code);
    set_str(inner.get(), "message", message);
    JsonPtr j(json_object());
    json_object_set_new(j.get(), "error", inner.release());
    return j;
}

}  // namespace isvc
