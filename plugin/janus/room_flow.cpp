// Joining and leaving an interview's room, and closing rooms whose time is over. Runs on the
// worker thread (leave also on Janus's thread when a handle is destroyed); the decisions are the
// core's (access policy, room registry), this file wires them to Janus and the service.
#include "access/policy.hpp"
#include "protocol/room_events.hpp"
#include "runtime.hpp"

namespace interview::janus {

using protocol::ApiError;
using protocol::ErrorCode;

namespace {
// Join throttling (docs/PROTOCOL.md, `join`): 10 attempts at once per handle, then one a second;
// at most 64 joins waiting for the service at once on this Janus.
constexpr util::RateLimit kJoinAttempts{1, 10};
constexpr int kMaxJoinsVerifying = 64;
}  // namespace

void Runtime::start_join(const SessionPtr& session, const std::string& transaction,
                         protocol::JoinRequest request) {
    if (session->membership()) {
        push_error(*session, transaction,
                   {ErrorCode::already_joined, "this handle has joined already; leave first"},
                   "join");
        return;
    }
    // The plugin throttles its own clients (the service does not count /verify failures against
    // the plugin): per handle, and in flight on this Janus.
    const auto steady_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
    if (!session->join_attempts().take(kJoinAttempts, steady_now)) {
        push_error(*session, transaction,
                   {ErrorCode::rate_limited,
                    "too many join attempts on this handle; try again "
                    "in a few seconds"},
                   "join");
        return;
    }
    if (!session->begin_join()) {
        push_error(*session, transaction,
                   {ErrorCode::already_joined, "a join of this handle is being verified"}, "join");
        return;
    }
    std::optional<access::Verification> cached;
    {
        std::lock_guard lock(rooms_mutex_);
        if (const auto* v = verified_.find(request.interview_id, request.token, now())) {
            cached = *v;
        }
    }
    // The cache only admits: an answer that would refuse (e.g. too early, and the interview has
    // been moved since) is asked again, so a PATCH takes effect at once.
    if (cached && !access::admission_error(*cached, now(), settings_.early_join_minutes,
                                           settings_.grace_minutes)) {
        finish_join(session, transaction, request, *cached);
        return;
    }
    if (joins_verifying_.fetch_add(1) >= kMaxJoinsVerifying) {
        joins_verifying_.fetch_sub(1);
        session->end_join();
        push_error(*session, transaction,
                   {ErrorCode::rate_limited,
                    "too many joins are being verified on this Janus; try again shortly"},
                   "join");
        return;
    }
    verify_with_service(request.interview_id, request.token,
                        [this, session, transaction, request](Verdict verdict) {
                            joins_verifying_.fetch_sub(1);
                            tasks_.push([this, session, transaction, request, verdict] {
                                finish_join(session, transaction, request, verdict);
                            });
                        });
}

void Runtime::verify_with_service(const std::string& interview_id, const std::string& token,
                                  std::function<void(Verdict)> done) {
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "interview_id", json_string(interview_id.c_str()));
    json_object_set_new(body.get(), "token", json_string(token.c_str()));
    service_->send(
        "POST", "/v1/verify", dump_compact(body.get()),
        [this, interview_id, token, done](adapters::HttpResponse response) {
            Verdict verdict = ApiError{ErrorCode::service_unavailable,
                                       "the interview service could not be reached; try again "
                                       "shortly"};
            if (response.status == 0) {
                // Fail closed. The error text is curl's: it names no token.
                IV_LOG(LOG_WARN, "interview service unreachable: %s", response.error.c_str());
            } else {
                verdict =
                    access::parse_verify_response(response.status, response.body, interview_id);
                if (auto* v = std::get_if<access::Verification>(&verdict)) {
                    std::lock_guard lock(rooms_mutex_);
                    verified_.put(interview_id, token, *v, now());
                } else if (std::get<ApiError>(verdict).code == ErrorCode::service_unavailable) {
                    IV_LOG(LOG_WARN, "interview service answered HTTP %ld to a verify",
                           response.status);
                }
            }
            done(std::move(verdict));
        });
}

void Runtime::finish_join(const SessionPtr& session, const std::string& transaction,
                          const protocol::JoinRequest& request,
                          const std::variant<access::Verification, ApiError>& verdict) {
    session->end_join();
    if (session->destroyed()) {
        return;
    }
    const auto refuse = [&](const ApiError& error) {
        push_error(*session, transaction, error, "join");
        // Operators see refusals too (never the token: it is not in the event).
        JsonPtr event = protocol::room_event("join_refused", request.interview_id, nullptr,
                                             protocol::error_name(error.code));
        notify(session.get(), event.get());
    };
    if (const auto* error = std::get_if<ApiError>(&verdict)) {
        refuse(*error);
        return;
    }
    const auto& v = std::get<access::Verification>(verdict);
    const access::UnixSeconds at = now();
    if (auto refusal =
            access::admission_error(v, at, settings_.early_join_minutes, settings_.grace_minutes)) {
        refuse(*refusal);
        return;
    }
    const access::Window window =
        access::join_window(v.start, v.end, settings_.early_join_minutes, settings_.grace_minutes);
    std::variant<room::Joined, ApiError> result;
    {
        // destroy_session marks the session under this lock too: either it sees the member in
        // the room (and its leave takes it out) or the join sees it destroyed.
        std::lock_guard lock(rooms_mutex_);
        if (session->destroyed()) {
            return;
        }
        result = rooms_.join(v, session->key(), window, settings_.max_participants);
    }
    if (const auto* error = std::get_if<ApiError>(&result)) {
        refuse(*error);
        return;
    }
    const auto& joined = std::get<room::Joined>(result);
    session->set_membership(Membership{
        v.interview_id, v.participant, request.token,
        std::chrono::steady_clock::now() + std::chrono::seconds(settings_.recheck_seconds)});
    IV_LOG(LOG_INFO, "participant %s (%s) joined interview %s", v.participant.id.c_str(),
           access::role_name(v.participant.role), v.interview_id.c_str());

    hub_->member_joined(v.interview_id, session->key(), v.participant, window.closes_at);
    if (session->destroyed()) {
        // destroy_session's leave may have run between the join above and here, before the
        // membership and the document knew of it: undo both, so no ghost stays behind.
        leave_room(session, "detached", "");
        return;
    }
    if (joined.replaced) {
        hub_->member_left(*joined.replaced);
        if (auto old = find(*joined.replaced)) {
            old->set_membership(std::nullopt);
            const auto event = protocol::room_event("replaced", v.interview_id, &v.participant,
                                                    "joined again from another connection");
            push_event(*old, "", event.get());
            gateway_->close_pc(old->handle());
        }
    }
    push_event(
        *session, transaction,
        protocol::joined_event(v, window, joined.others, at, settings_.max_participants).get());
    const auto event = protocol::room_event("participant_joined", v.interview_id, &v.participant,
                                            joined.replaced ? "rejoined" : nullptr);
    for (const room::Member& other : joined.others) {
        if (auto s = find(other.session)) {
            push_event(*s, "", event.get());
        }
    }
    notify(session.get(), event.get());
}

void Runtime::leave_room(const SessionPtr& session, const char* reason,
                         const std::string& transaction) {
    std::optional<room::Left> left;
    {
        std::lock_guard lock(rooms_mutex_);
        left = rooms_.leave(session->key());
    }
    session->set_membership(std::nullopt);
    // Leaving ends the handle's media too: nobody keeps seeing someone who left.
    drop_media(*session);
    if (session->has_pc() && !session->destroyed()) {
        gateway_->close_pc(session->handle());
    }
    if (!left) {
        return;
    }
    hub_->member_left(session->key());
    IV_LOG(LOG_INFO, "participant %s left interview %s (%s)", left->member.participant.id.c_str(),
           left->interview_id.c_str(), reason);
    const auto event = protocol::room_event("participant_left", left->interview_id,
                                            &left->member.participant, reason);
    if (!transaction.empty()) {
        const auto answer =
            protocol::room_event("left", left->interview_id, &left->member.participant, reason);
        push_event(*session, transaction, answer.get());
    }
    for (const room::Member& other : left->others) {
        if (auto s = find(other.session)) {
            push_event(*s, "", event.get());
        }
    }
    notify(session.get(), event.get());
}

void Runtime::close_due_rooms() {
    std::vector<room::Closed> closed;
    {
        std::lock_guard lock(rooms_mutex_);
        closed = rooms_.close_due(now());
        for (const auto& room : closed) {
            verified_.forget_interview(room.interview_id);
        }
    }
    for (const auto& room : closed) {
        IV_LOG(LOG_INFO, "interview %s is over; closing its room", room.interview_id.c_str());
        const auto event = protocol::room_event("interview_over", room.interview_id, nullptr,
                                                "the interview's time is over");
        hand_over_final_code(room.interview_id, "interview_over");
        for (const room::Member& member : room.members) {
            hub_->member_left(member.session);
            if (auto s = find(member.session)) {
                s->set_membership(std::nullopt);
                push_event(*s, "", event.get());
                gateway_->close_pc(s->handle());
            }
        }
        notify(nullptr, event.get());
    }
}

void Runtime::recheck_members() {
    std::vector<room::SessionKey> keys;
    {
        std::lock_guard lock(rooms_mutex_);
        for (const auto& [id, room] : rooms_.rooms()) {
            for (const room::Member& m : room.members) {
                keys.push_back(m.session);
            }
        }
    }
    const auto now = std::chrono::steady_clock::now();
    const std::chrono::seconds period(settings_.recheck_seconds);
    for (const room::SessionKey key : keys) {
        const auto session = find(key);
        const auto member = session ? session->take_recheck(now, period) : std::nullopt;
        if (!member) {
            continue;  // gone, or not due yet
        }
        ++rechecks_;
        verify_with_service(
            member->interview_id, member->token, [this, key, member = *member](Verdict verdict) {
                const auto reason = access::recheck_verdict(verdict, member.participant.id);
                if (!reason) {
                    if (std::holds_alternative<ApiError>(verdict)) {
                        ++rechecks_unanswered_;  // kept: the service could not say
                    }
                    return;
                }
                {
                    // Not even a cached answer may let this token in again.
                    std::lock_guard lock(rooms_mutex_);
                    verified_.forget(member.interview_id, member.token);
                }
                tasks_.push([this, key, member, reason] {
                    const auto session = find(key);
                    const auto now_member = session ? session->membership() : std::nullopt;
                    // Still the same admission (not left, not joined again with a new token)?
                    if (!now_member || now_member->token != member.token ||
                        now_member->interview_id != member.interview_id) {
                        return;
                    }
                    IV_LOG(LOG_INFO, "participant %s removed from interview %s: %s",
                           member.participant.id.c_str(), member.interview_id.c_str(),
                           protocol::error_name(*reason));
                    ++recheck_removals_;
                    remove_member(session, protocol::error_name(*reason));
                });
            });
    }
}

void Runtime::remove_member(const SessionPtr& session, const char* reason) {
    if (const auto member = session->membership()) {
        const auto event =
            protocol::room_event("kicked", member->interview_id, &member->participant, reason);
        push_event(*session, "", event.get());
    }
    leave_room(session, "kicked", "");
    gateway_->close_pc(session->handle());
}

void Runtime::end_room(const std::string& interview_id, const char* reason) {
    // The room stays open (people may still talk), but the document becomes read-only.
    std::vector<room::Member> members;
    {
        std::lock_guard lock(rooms_mutex_);
        if (const room::Room* room = rooms_.find(interview_id)) {
            members = room->members;
        }
    }
    IV_LOG(LOG_INFO, "interview %s ended (%s)", interview_id.c_str(), reason);
    hand_over_final_code(interview_id, reason);
    const auto event = protocol::room_event("interview_ended", interview_id, nullptr, reason);
    for (const room::Member& member : members) {
        if (auto s = find(member.session)) {
            push_event(*s, "", event.get());
        }
    }
    notify(nullptr, event.get());
}

void Runtime::hand_over_final_code(const std::string& interview_id, const char* reason) {
    hub_->end_interview(
        interview_id, reason,
        [this, interview_id](std::string text, std::string language, std::uint64_t revision) {
            JsonPtr body(json_object());
            json_object_set_new(body.get(), "code", json_stringn(text.data(), text.size()));
            json_object_set_new(body.get(), "language", json_string(language.c_str()));
            json_object_set_new(body.get(), "revision",
                                json_integer(static_cast<json_int_t>(revision)));
            service_->send("PUT", "/v1/interviews/" + interview_id + "/final-code",
                           dump_compact(body.get()), [interview_id](adapters::HttpResponse r) {
                               if (r.status != 200) {
                                   IV_LOG(LOG_WARN,
                                          "final code of interview %s not taken by the service "
                                          "(HTTP %ld %s); it stays in Redis until the keys expire",
                                          interview_id.c_str(), r.status, r.error.c_str());
                               }
                           });
        });
}

}  // namespace interview::janus
