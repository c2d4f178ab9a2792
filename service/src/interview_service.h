// The service's logic, independent of HTTP: scheduling, token issue and verification,
// rescheduling, cancellation, revocation and final code. Everything time-dependent reads the
// injected Clock.
#pragma once

#include "clock.h"
#include "requests.h"
#include "schedule.h"
#include "store.h"

#include <string>
#include <string_view>
#include <vector>

namespace isvc {

struct CreatedInterview {
    Interview interview;
    std::vector<std::string> tokens;  // tokens[i] belongs to interview.participants[i]
};

// An interview after one participant was given a new join token (added, or its token
// reissued). The token is shown in this answer only.
struct IssuedToken {
    Interview interview;
    std::string participant_id;
    std::string token;
};

// Who a valid token lets in, and where.
struct Access {
    Interview interview;
    Participant participant;
};

class InterviewService {
  public:
    // Start times outside [now - 1 day, now + 366 days] are refused as absurd.
    static constexpr std::int64_t kMaxPastSeconds = 86400;
    static constexpr std::int64_t kMaxFutureSeconds = 366 * 86400;
    static constexpr int kListLimit = 500;

    InterviewService(Store& store, const Clock& clock, int early_join_minutes)
        : store_(store), clock_(clock), early_join_minutes_(early_join_minutes) {}

    CreatedInterview create(const NewInterview& req);
    // Throws 404 unknown_interview.
    Interview get(std::string_view id);
    std::vector<Interview> list();

    // Checks a join token against an interview: 404 unknown_interview, 401 invalid_token,
    // 403 token_other_interview, 403 token_revoked. Cancelled interviews are not an error here:
    // the caller sees the status and decides.
    Access authorize(std::string_view interview_id, std::string_view token);

    Interview reschedule(std::string_view id, const InterviewPatch& patch);
    Interview cancel(std::string_view id);
    Interview revoke(std::string_view id, std::string_view participant_id);
    // Adds a recruiter or observer with a new join token: 404 unknown_interview,
    // 409 interview_cancelled, 409 interview_ended, 409 too_many_participants (revoked ones
    // count), 400 invalid_field for an applicant.
    IssuedToken add_participant(std::string_view id, const NewParticipant& req);
    // Gives a participant a new join token; the old one is unknown from then on, and a revoked
    // participant is revoked no more: 404 unknown_interview, 404 unknown_participant,
    // 409 interview_cancelled, 409 interview_ended.
    IssuedToken reissue_token(std::string_view id, std::string_view participant_id);
    // Returns what was stored (with its updated_at).
    FinalCode put_final_code(std::string_view id, FinalCode code);
    FinalCode get_final_code(std::string_view id);

    Window window(const Interview& iv) const {
        return window_for(iv.start, iv.duration_minutes, early_join_minutes_);
    }
    Status status(const Interview& iv) const {
        return status_at(window(iv), iv.cancelled, clock_.now());
    }
    std::int64_t now() const { return clock_.now(); }

    void set_janus_urls(std::vector<std::string> urls) { janus_urls_ = std::move(urls); }
    // The Janus instance that serves an interview: the same for every participant and every
    // call, derived from the id (FNV-1a), so no state is needed. Empty when none is configured.
    // Adding or removing an instance reassigns some interviews: change the list between
    // interviews, not during them.
    std::string janus_url_for(std::string_view interview_id) const;

  private:
    void check_start(std::int64_t start, const char* field) const;
    // Throws 409 interview_cancelled / interview_ended: who may take part is settled once the
    // interview can no longer happen.
    void check_participants_changeable(const Interview& iv) const;

    Store& store_;
    const Clock& clock_;
    int early_join_minutes_;
    std::vector<std::string> janus_urls_;
};

}  // namespace isvc
