#include "interview_service.h"

#include "crypto.h"
#include "errors.h"
#include "contract/ids.hpp"

namespace isvc {

using interview::util::is_url_safe_id;

void InterviewService::check_start(std::int64_t start, const char* field) const {
    const std::int64_t now = clock_.now();
    if (start < now - kMaxPastSeconds || start > now + kMaxFutureSeconds) {
        throw invalid_field(field, "must be between one day in the past and 366 days ahead");
    }
}

CreatedInterview InterviewService::create(const NewInterview& req) {
    check_start(req.start, "start");
    CreatedInterview out;
    Interview& iv = out.interview;
    iv.id = new_id();
    iv.title = req.title;
    iv.start = req.start;
    iv.duration_minutes = req.duration_minutes;
    iv.created_at = clock_.now();
    auto add = [&](const std::string& name, Role role) {
        iv.participants.push_back(Participant{new_id(), name, role, false});
        out.tokens.push_back(new_token());
    };
    add(req.applicant, Role::applicant);
    for (const auto& name : req.recruiters) {
        add(name, Role::recruiter);
    }
    for (const auto& name : req.observers) {
        add(name, Role::observer);
    }
    std::vector<std::string> hashes;
    for (const auto& t : out.tokens) {
        hashes.push_back(sha256_hex(t));
    }
    store_.create(iv, hashes);
    return out;
}

Interview InterviewService::get(std::string_view id) {
    auto iv = is_url_safe_id(id) ? store_.get(id) : std::nullopt;
    if (!iv) {
        throw unknown_interview();
    }
    return std::move(*iv);
}

std::vector<Interview> InterviewService::list() {
    return store_.list(kListLimit);
}

Access InterviewService::authorize(std::string_view interview_id, std::string_view token) {
    Interview iv = get(interview_id);
    // Tokens are looked up by their hash; the hash is then compared again in constant time so
    // the decision itself never depends on an early-exit string comparison.
    const std::string hash = sha256_hex(token);
    auto owner = token.empty() || token.size() > 512 ? std::nullopt : store_.find_token(hash);
    if (!owner || !constant_time_equals(owner->token_hash, hash)) {
        throw ApiError(401, "invalid_token", "the join token is not valid");
    }
    if (owner->interview_id != iv.id) {
        throw ApiError(403, "token_other_interview",
                       "the join token belongs to a different interview");
    }
    if (owner->participant.revoked) {
        throw ApiError(403, "token_revoked", "the join token has been revoked");
    }
    return Access{std::move(iv), std::move(owner->participant)};
}

Interview InterviewService::reschedule(std::string_view id, const InterviewPatch& patch) {
    if (!is_url_safe_id(id)) {
        throw unknown_interview();
    }
    if (patch.start) {
        check_start(*patch.start, "start");
    }
    switch (store_.update(id, patch)) {
        case Store::UpdateResult::not_found:
            throw unknown_interview();
        case Store::UpdateResult::cancelled:
            throw ApiError(409, "interview_cancelled", "a cancelled interview cannot be changed");
        case Store::UpdateResult::updated:
            break;
    }
    return get(id);
}

Interview InterviewService::cancel(std::string_view id) {
    if (!is_url_safe_id(id) || !store_.cancel(id)) {
        throw unknown_interview();
    }
    return get(id);
}

Interview InterviewService::revoke(std::string_view id, std::string_view participant_id) {
    get(id);  // 404 unknown_interview takes precedence over unknown_participant
    if (!is_url_safe_id(participant_id) || !store_.revoke(id, participant_id)) {
        throw unknown_participant();
    }
    return get(id);
}

void InterviewService::check_participants_changeable(const Interview& iv) const {
    switch (status(iv)) {
        case Status::cancelled:
            throw ApiError(409, "interview_cancelled",
                           "the participants of a cancelled interview cannot be changed");
        case Status::ended:
            throw ApiError(409, "interview_ended",
                           "the participants of an interview that has ended cannot be changed");
        case Status::scheduled:
        case Status::open:
            break;
    }
}

IssuedToken InterviewService::add_participant(std::string_view id, const NewParticipant& req) {
    if (req.role == Role::applicant) {
        // parse_new_participant refuses it already; kept here so no caller can break the
        // one-applicant rule.
        throw invalid_field("role", "an interview has exactly one applicant");
    }
    if (!is_url_safe_id(id)) {
        throw unknown_interview();
    }
    IssuedToken out;
    out.participant_id = new_id();
    out.token = new_token();
    const Participant p{out.participant_id, req.name, req.role, false};
    const auto change =
        store_.add_participant(id, p, sha256_hex(out.token), [&](const Interview& iv) {
            check_participants_changeable(iv);
            // Revoked participants count: they stay in the details, and counting them keeps the
            // list bounded however often someone is revoked and replaced.
            if (iv.participants.size() >= static_cast<std::size_t>(kMaxParticipants)) {
                throw ApiError(409, "too_many_participants",
                               "an interview has at most " + std::to_string(kMaxParticipants) +
                                   " participants, revoked ones included");
            }
        });
    if (change.outcome != ParticipantChange::Outcome::changed) {
        throw unknown_interview();
    }
    out.interview = change.interview;
    return out;
}

IssuedToken InterviewService::reissue_token(std::string_view id, std::string_view participant_id) {
    if (!is_url_safe_id(id)) {
        throw unknown_interview();
    }
    IssuedToken out;
    out.participant_id = participant_id;
    out.token = new_token();
    // An invalid pid is simply unknown; the store still reports an unknown interview first.
    const std::string_view lookup = is_url_safe_id(participant_id) ? participant_id : "";
    const auto change =
        store_.replace_token(id, lookup, sha256_hex(out.token),
                             [&](const Interview& iv) { check_participants_changeable(iv); });
    switch (change.outcome) {
        case ParticipantChange::Outcome::unknown_interview:
            throw unknown_interview();
        case ParticipantChange::Outcome::unknown_participant:
            throw unknown_participant();
        case ParticipantChange::Outcome::changed:
            break;
    }
    out.interview = change.interview;
    return out;
}

FinalCode InterviewService::put_final_code(std::string_view id, FinalCode code) {
    if (!is_url_safe_id(id)) {
        throw unknown_interview();
    }
    code.updated_at = clock_.now();
    switch (store_.put_final_code(id, code)) {
        case Store::PutCodeResult::not_found:
            throw unknown_interview();
        case Store::PutCodeResult::stale:
            throw ApiError(409, "stale_revision",
                           "a final code with a higher (or the same, different) revision is "
                           "already stored");
        case Store::PutCodeResult::stored:
            break;
    }
    return code;
}

FinalCode InterviewService::get_final_code(std::string_view id) {
    get(id);  // 404 for an unknown interview before "no code yet"
    auto fc = store_.get_final_code(id);
    if (!fc) {
        throw ApiError(404, "no_final_code", "no final code has been stored for this interview");
    }
    return std::move(*fc);
}

std::string InterviewService::janus_url_for(std::string_view interview_id) const {
    if (janus_urls_.empty()) {
        return {};
    }
    std::uint64_t hash = 14695981039346656037ull;
    for (char c : interview_id) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return janus_urls_[hash % janus_urls_.size()];
}

}  // namespace isvc
