// The plugin's part of Janus's admin API (message_plugin, behind Janus's admin_secret): info
// (with the documents' commit counts and latencies), the interviews live on this Janus, kicking a
// participant and ending an interview.
#include "contract/time.hpp"
#include "protocol/admin_requests.hpp"
#include "protocol/events.hpp"
#include "protocol/room_events.hpp"
#include "runtime.hpp"

namespace interview::janus {

namespace {

json_t* latency_json(const util::LatencyWindow::Summary& s) {
    return json_pack("{s:I, s:f, s:f, s:f}", "samples", static_cast<json_int_t>(s.samples), "p50",
                     s.p50, "p99", s.p99, "max", s.max);
}

json_t* relay_stats_json(const adapters::RelayStats& stats) {
    json_t* out = json_object();
    json_object_set_new(out, "commits", json_integer(static_cast<json_int_t>(stats.commits)));
    json_object_set_new(out, "commit_failures",
                        json_integer(static_cast<json_int_t>(stats.commit_failures)));
    json_object_set_new(out, "redis_commit_ms", latency_json(stats.redis_commit_ms));
    json_object_set_new(out, "edit_ms", latency_json(stats.edit_ms));
    return out;
}

json_t* interviews_json(const std::map<std::string, room::Room>& rooms,
                        const std::vector<adapters::DocumentSummary>& documents, bool redis_up) {
    json_t* list = json_array();
    for (const auto& [id, room] : rooms) {
        json_t* entry = json_object();
        json_object_set_new(entry, "interview_id", json_string(id.c_str()));
        json_object_set_new(entry, "title", json_string(room.title.c_str()));
        json_object_set_new(entry, "start",
                            json_string(access::format_rfc3339(room.start).c_str()));
        json_object_set_new(entry, "end", json_string(access::format_rfc3339(room.end).c_str()));
        json_object_set_new(entry, "closes_at",
                            json_string(access::format_rfc3339(room.window.closes_at).c_str()));
        json_t* members = json_array();
        for (const room::Member& m : room.members) {
            json_array_append_new(members, protocol::participant_json(m.participant).release());
        }
        json_object_set_new(entry, "participants", members);
        json_t* document = json_null();
        for (const auto& d : documents) {
            if (d.interview_id == id) {
                document =
                    json_pack("{s:I, s:s, s:b, s:b, s:b}", "revision",
                              static_cast<json_int_t>(d.revision), "language", d.language.c_str(),
                              "read_only", d.read_only, "paused", d.paused, "loaded", d.loaded);
            }
        }
        json_object_set_new(entry, "document", document);
        json_array_append_new(list, entry);
    }
    json_t* answer = json_object();
    json_object_set_new(answer, "interview", json_string("interviews"));
    json_object_set_new(answer, "redis_up", json_boolean(redis_up));
    json_object_set_new(answer, "interviews", list);
    return answer;
}

}  // namespace

json_t* Runtime::handle_admin_message(json_t* message) {
    using protocol::ErrorCode;
    auto parsed = protocol::parse_admin_request(message);
    if (auto* error = std::get_if<protocol::ApiError>(&parsed)) {
        return protocol::error_event(*error).release();
    }
    const auto& request = std::get<protocol::AdminRequest>(parsed);
    if (std::holds_alternative<protocol::AdminInfo>(request)) {
        protocol::RuntimeStats stats;
        {
            std::lock_guard lock(sessions_mutex_);
            stats.sessions = sessions_.size();
        }
        {
            std::lock_guard lock(rooms_mutex_);
            stats.rooms = rooms_.room_count();
        }
        {
            std::lock_guard lock(media_rooms_mutex_);
            stats.media_rooms = media_rooms_.size();
        }
        stats.queued_requests = tasks_.size();
        stats.uptime_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::steady_clock::now() - started_)
                                   .count();
        JsonPtr info = protocol::admin_info(settings_, stats);
        json_object_set_new(info.get(), "redis_up", json_boolean(hub_->redis_up()));
        json_object_set_new(info.get(), "documents", relay_stats_json(hub_->relay_stats()));
        json_object_set_new(
            info.get(), "rechecks",
            json_pack("{s:I, s:I, s:I}", "checked", static_cast<json_int_t>(rechecks_.load()),
                      "unanswered", static_cast<json_int_t>(rechecks_unanswered_.load()), "removed",
                      static_cast<json_int_t>(recheck_removals_.load())));
        return info.release();
    }
    if (std::holds_alternative<protocol::AdminListInterviews>(request)) {
        const auto documents = hub_->summaries();
        std::lock_guard lock(rooms_mutex_);
        return interviews_json(rooms_.rooms(), documents, hub_->redis_up());
    }
    if (const auto* kick = std::get_if<protocol::AdminKick>(&request)) {
        std::optional<room::SessionKey> key;
        bool room_found = false;
        {
            std::lock_guard lock(rooms_mutex_);
            if (const room::Room* room = rooms_.find(kick->interview_id)) {
                room_found = true;
                for (const room::Member& m : room->members) {
                    if (m.participant.id == kick->participant_id) {
                        key = m.session;
                    }
                }
            }
        }
        if (!room_found) {
            return protocol::error_event(
                       {ErrorCode::unknown_interview, "no room of that interview on this Janus"})
                .release();
        }
        auto session = key ? find(*key) : nullptr;
        if (!session) {
            return protocol::error_event(
                       {ErrorCode::invalid_field, "no such participant in that interview's room"})
                .release();
        }
        IV_LOG(LOG_INFO, "admin kicked participant %s from interview %s",
               kick->participant_id.c_str(), kick->interview_id.c_str());
        remove_member(session, "kicked_by_admin");
        return json_pack("{s:s, s:s}", "interview", "kicked", "participant_id",
                         kick->participant_id.c_str());
    }
    const auto& end = std::get<protocol::AdminEndInterview>(request);
    {
        std::lock_guard lock(rooms_mutex_);
        if (rooms_.find(end.interview_id) == nullptr) {
            return protocol::error_event(
                       {ErrorCode::unknown_interview, "no room of that interview on this Janus"})
                .release();
        }
    }
    end_room(end.interview_id, "ended_by_admin");
    return json_pack("{s:s, s:s}", "interview", "ended", "interview_id", end.interview_id.c_str());
}

}  // namespace interview::janus
