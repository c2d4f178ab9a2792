// JSON renderings of the service's objects. One place decides each wire shape, so /me, /verify
// and the admin endpoints cannot drift apart.
#pragma once

#include "interview_service.h"
#include "json.h"

#include <string>
#include <vector>

namespace isvc {

// {"id","title","start","end","opens_at","status"}
JsonPtr interview_summary(const InterviewService& svc, const Interview& iv);
// summary + duration_minutes, created_at, participants [{id,name,role,revoked}]
JsonPtr interview_details(const InterviewService& svc, const Interview& iv);
// details, but each participant carries its token instead of the revoked flag (shown once)
JsonPtr created_interview(const InterviewService& svc, const CreatedInterview& created);
// details, where the one participant that was just given a token also carries it (shown once)
JsonPtr issued_token_details(const InterviewService& svc, const IssuedToken& issued);
// {"id","name","role"}
JsonPtr participant_json(const Participant& p);
// {"interview": summary, "participant": {...}, "server_time"}
JsonPtr access_json(const InterviewService& svc, const Access& access);
JsonPtr final_code_json(const std::string& interview_id, const FinalCode& fc, bool with_code);
JsonPtr error_json(const std::string& code, const std::string& message);

}  // namespace isvc
