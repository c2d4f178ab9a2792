#include "interview_service.h"

#include "crypto.h"
#include "errors.h"
#include "util/ids.hpp"

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
        throw ApiError(404, "unknown_participant", "no participant with this id in the interview");
    }
    return get(id);
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
