// Persistent storage of interviews, participants (with token hashes) and final code, in SQLite.
// The schema is created and migrated on open; the database never holds a join token, only its
// SHA-256 hash.
#pragma once

#include "contract/roles.hpp"
#include "sqlite.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace isvc {

// The plugin's roles: the names stored here are the names the plugin parses from /v1/verify.
using Role = interview::access::Role;

struct Participant {
    std::string id;
    std::string name;
    Role role = Role::applicant;
    bool revoked = false;
};

struct Interview {
    std::string id;
    std::string title;
    std::int64_t start = 0;  // UTC epoch seconds
    int duration_minutes = 0;
    bool cancelled = false;
    std::int64_t created_at = 0;
    std::vector<Participant> participants;
};

struct FinalCode {
    std::string code;
    std::string language;
    std::int64_t revision = 0;
    std::int64_t updated_at = 0;
};

// The participant a token hash belongs to.
struct TokenOwner {
    std::string interview_id;
    std::string token_hash;
    Participant participant;
};

// Called inside a write transaction with the interview as stored, before a participant change;
// it refuses the change by throwing, which rolls the transaction back. This way a rule that
// depends on the stored state (status, participant count) is decided on the same state the
// change is applied to, with no window for a concurrent reschedule or cancel in between.
using ParticipantChangeCheck = std::function<void(const Interview&)>;

// The outcome of a participant change; `interview` is the state after it, when it happened.
struct ParticipantChange {
    enum class Outcome { changed, unknown_interview, unknown_participant };
    Outcome outcome = Outcome::unknown_interview;
    Interview interview;
};

struct InterviewPatch {
    std::optional<std::string> title;
    std::optional<std::int64_t> start;
    std::optional<int> duration_minutes;
};

class Store {
  public:
    static constexpr int kSchemaVersion = 1;

    // Opens or creates the database at `path` (":memory:" works for tests), switches it to WAL
    // and applies pending migrations. Throws SqliteError if the file is unusable or was written
    // by a newer version of the service.
    explicit Store(const std::string& path);

    int schema_version();

    // Inserts an interview and its participants; token_hashes[i] belongs to participants[i].
    void create(const Interview& interview, const std::vector<std::string>& token_hashes);
    std::optional<Interview> get(std::string_view id);
    // Upcoming-first list, capped so a huge table cannot produce a huge response.
    std::vector<Interview> list(int limit);
    std::optional<TokenOwner> find_token(std::string_view token_hash);

    enum class UpdateResult { updated, not_found, cancelled };
    UpdateResult update(std::string_view id, const InterviewPatch& patch);
    // Idempotent; false if the interview does not exist.
    bool cancel(std::string_view id);
    // Idempotent; false if `pid` is not a participant of interview `id`.
    bool revoke(std::string_view id, std::string_view pid);

    // Adds participant `p` with its token hash to interview `id`, in one transaction after
    // `check` accepted the stored interview. It takes the position after the last participant
    // of its role and the ones after it move down one, so the stored order stays applicant,
    // recruiters, observers, each in order of addition.
    ParticipantChange add_participant(std::string_view id, const Participant& p,
                                      std::string_view token_hash,
                                      const ParticipantChangeCheck& check);
    // Replaces the token hash of participant `pid` of interview `id` and clears its revoked
    // flag, in one transaction after `check` accepted the stored interview. The old hash is
    // gone from the database at commit, so the old token is unknown from then on.
    ParticipantChange replace_token(std::string_view id, std::string_view pid,
                                    std::string_view token_hash,
                                    const ParticipantChangeCheck& check);

    enum class PutCodeResult { stored, stale, not_found };
    // Keeps the highest revision: a lower one is stale; an equal one is accepted only when it is
    // the same content (a retried PUT), otherwise it is stale too.
    PutCodeResult put_final_code(std::string_view id, const FinalCode& code);
    std::optional<FinalCode> get_final_code(std::string_view id);

  private:
    void migrate();
    std::optional<Interview> get_locked(std::string_view id);
    // One participant change in one write transaction: `apply` gets the interview as stored
    // (it may throw to refuse, which rolls back) and returns false when the participant it
    // needs is not there; the outcome carries the interview as it is after the change.
    ParticipantChange change_participants(std::string_view id,
                                          const std::function<bool(const Interview&)>& apply);

    std::mutex mutex_;  // one connection shared by the HTTP threads; SQLite calls are short
    Database db_;
};

}  // namespace isvc
