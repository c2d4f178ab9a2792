#include "store.h"

#include <algorithm>

namespace isvc {
namespace {

// Migration N brings the schema from version N-1 to N. Append only; never edit a shipped one.
constexpr const char* kMigrations[] = {
    // 1: initial schema.
    "CREATE TABLE interviews ("
    "  id TEXT PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  start_at INTEGER NOT NULL,"
    "  duration_minutes INTEGER NOT NULL,"
    "  cancelled INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX interviews_start ON interviews(start_at);"
    "CREATE TABLE participants ("
    "  id TEXT PRIMARY KEY,"
    "  interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('applicant', 'recruiter', 'observer')),"
    "  token_sha256 TEXT NOT NULL UNIQUE,"
    "  revoked INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX participants_interview ON participants(interview_id, position);"
    "CREATE TABLE final_code ("
    "  interview_id TEXT PRIMARY KEY REFERENCES interviews(id) ON DELETE CASCADE,"
    "  code TEXT NOT NULL,"
    "  language TEXT NOT NULL,"
    "  revision INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);",
};
constexpr int kMigrationCount = sizeof kMigrations / sizeof kMigrations[0];
static_assert(kMigrationCount == Store::kSchemaVersion);

Participant read_participant(const Statement& st, int first_col) {
    Participant p;
    p.id = st.column_text(first_col);
    p.name = st.column_text(first_col + 1);
    p.role = interview::access::parse_role(st.column_text(first_col + 2)).value_or(Role::observer);
    p.revoked = st.column_int(first_col + 3) != 0;
    return p;
}

// The stored order of the roles: applicant, recruiters, observers.
std::int64_t rank_of(Role role) {
    switch (role) {
        case Role::applicant:
            return 0;
        case Role::recruiter:
            return 1;
        case Role::observer:
            return 2;
    }
    return 2;
}

constexpr const char* kInsertParticipant =
    "INSERT INTO participants (id, interview_id, position, name, role, token_sha256, revoked)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

Statement& bind_participant(Statement& ins, std::string_view interview_id, std::int64_t position,
                            const Participant& p, std::string_view token_hash) {
    return ins.bind(1, p.id)
        .bind(2, interview_id)
        .bind(3, position)
        .bind(4, p.name)
        .bind(5, interview::access::role_name(p.role))
        .bind(6, token_hash)
        .bind(7, std::int64_t{p.revoked ? 1 : 0});
}

}  // namespace

Store::Store(const std::string& path) : db_(path) {
    // WAL: readers (token checks) never wait for the writer; busy_timeout covers a second
    // process (an admin's sqlite3 shell) holding a lock briefly.
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");
    db_.exec("PRAGMA foreign_keys=ON");
    db_.exec("PRAGMA busy_timeout=5000");
    migrate();
}

void Store::migrate() {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    db_.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    Statement read = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    read.step();
    const int current = static_cast<int>(read.column_int(0));
    if (current > kSchemaVersion) {
        throw SqliteError("database schema version " + std::to_string(current) +
                          " is newer than this service understands (" +
                          std::to_string(kSchemaVersion) + ")");
    }
    for (int v = current + 1; v <= kSchemaVersion; ++v) {
        db_.exec(kMigrations[v - 1]);
        db_.prepare("DELETE FROM schema_version").run();
        db_.prepare("INSERT INTO schema_version (version) VALUES (?1)").bind(1, v).run();
    }
    tx.commit();
}

int Store::schema_version() {
    std::lock_guard lock(mutex_);
    Statement st = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    st.step();
    return static_cast<int>(st.column_int(0));
}

void Store::create(const Interview& iv, const std::vector<std::string>& token_hashes) {
    if (token_hashes.size() != iv.participants.size()) {
        throw std::invalid_argument("one token hash per participant");
    }
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    db_.prepare(
           "INSERT INTO interviews (id, title, start_at, duration_minutes, cancelled, created_at)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, iv.id)
        .bind(2, iv.title)
        .bind(3, iv.start)
        .bind(4, std::int64_t{iv.duration_minutes})
        .bind(5, std::int64_t{iv.cancelled ? 1 : 0})
        .bind(6, iv.created_at)
        .run();
    Statement ins = db_.prepare(kInsertParticipant);
    for (std::size_t i = 0; i < iv.participants.size(); ++i) {
        ins.reset();
        bind_participant(ins, iv.id, static_cast<std::int64_t>(i), iv.participants[i],
                         token_hashes[i])
            .run();
    }
    tx.commit();
}

std::optional<Interview> Store::get(std::string_view id) {
    std::lock_guard lock(mutex_);
    return get_locked(id);
}

std::optional<Interview> Store::get_locked(std::string_view id) {
    Statement st = db_.prepare(
        "SELECT id, title, start_at, duration_minutes, cancelled, created_at FROM interviews"
        " WHERE id = ?1");
    st.bind(1, id);
    if (!st.step()) {
        return std::nullopt;
    }
    Interview iv;
    iv.id = st.column_text(0);
    iv.title = st.column_text(1);
    iv.start = st.column_int(2);
    iv.duration_minutes = static_cast<int>(st.column_int(3));
    iv.cancelled = st.column_int(4) != 0;
    iv.created_at = st.column_int(5);
    Statement ps = db_.prepare(
        "SELECT id, name, role, revoked FROM participants WHERE interview_id = ?1"
        " ORDER BY position");
    ps.bind(1, id);
    while (ps.step()) {
        iv.participants.push_back(read_participant(ps, 0));
    }
    return iv;
}

std::vector<Interview> Store::list(int limit) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    Statement st = db_.prepare("SELECT id FROM interviews ORDER BY start_at DESC, id LIMIT ?1");
    st.bind(1, std::int64_t{limit});
    while (st.step()) {
        ids.push_back(st.column_text(0));
    }
    std::vector<Interview> out;
    for (const auto& id : ids) {
        if (auto iv = get_locked(id)) {
            out.push_back(std::move(*iv));
        }
    }
    return out;
}

std::optional<TokenOwner> Store::find_token(std::string_view token_hash) {
    std::lock_guard lock(mutex_);
    Statement st = db_.prepare(
        "SELECT interview_id, token_sha256, id, name, role, revoked FROM participants"
        " WHERE token_sha256 = ?1");
    st.bind(1, token_hash);
    if (!st.step()) {
        return std::nullopt;
    }
    TokenOwner owner;
    owner.interview_id = st.column_text(0);
    owner.token_hash = st.column_text(1);
    owner.participant = read_participant(st, 2);
    return owner;
}

Store::UpdateResult Store::update(std::string_view id, const InterviewPatch& patch) {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    Statement st = db_.prepare("SELECT cancelled FROM interviews WHERE id = ?1");
    st.bind(1, id);
    if (!st.step()) {
        return UpdateResult::not_found;
    }
    if (st.column_int(0) != 0) {
        return UpdateResult::cancelled;
    }
    // COALESCE keeps the stored value for every field the patch leaves out.
    Statement up = db_.prepare(
        "UPDATE interviews SET title = COALESCE(?2, title), start_at = COALESCE(?3, start_at),"
        " duration_minutes = COALESCE(?4, duration_minutes) WHERE id = ?1");
    up.bind(1, id);
    patch.title ? up.bind(2, *patch.title) : up.bind_null(2);
    patch.start ? up.bind(3, *patch.start) : up.bind_null(3);
    patch.duration_minutes ? up.bind(4, std::int64_t{*patch.duration_minutes}) : up.bind_null(4);
    up.run();
    tx.commit();
    return UpdateResult::updated;
}

bool Store::cancel(std::string_view id) {
    std::lock_guard lock(mutex_);
    db_.prepare("UPDATE interviews SET cancelled = 1 WHERE id = ?1").bind(1, id).run();
    Statement st = db_.prepare("SELECT 1 FROM interviews WHERE id = ?1");
    st.bind(1, id);
    return st.step();
}

bool Store::revoke(std::string_view id, std::string_view pid) {
    std::lock_guard lock(mutex_);
    db_.prepare("UPDATE participants SET revoked = 1 WHERE id = ?1 AND interview_id = ?2")
        .bind(1, pid)
        .bind(2, id)
        .run();
    return db_.changes() > 0;
}

ParticipantChange Store::change_participants(std::string_view id,
                                             const std::function<bool(const Interview&)>& apply) {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    ParticipantChange out;
    const auto before = get_locked(id);
    if (!before) {
        return out;
    }
    if (!apply(*before)) {
        out.outcome = ParticipantChange::Outcome::unknown_participant;
        return out;
    }
    out.interview = get_locked(id).value();  // present: read in this transaction
    tx.commit();
    out.outcome = ParticipantChange::Outcome::changed;
    return out;
}

ParticipantChange Store::add_participant(std::string_view id, const Participant& p,
                                         std::string_view token_hash,
                                         const ParticipantChangeCheck& check) {
    return change_participants(id, [&](const Interview& before) {
        check(before);
        // Stored positions are 0..n-1 in role order (nothing is ever deleted), so the new one
        // goes right after the participants of its role and those before it; the later ones
        // move down by one (positions are not unique in the schema, so one UPDATE never
        // collides).
        const auto position = static_cast<std::int64_t>(std::count_if(
            before.participants.begin(), before.participants.end(),
            [&](const Participant& q) { return rank_of(q.role) <= rank_of(p.role); }));
        db_.prepare(
               "UPDATE participants SET position = position + 1"
               " WHERE interview_id = ?1 AND position >= ?2")
            .bind(1, id)
            .bind(2, position)
            .run();
        Statement ins = db_.prepare(kInsertParticipant);
        bind_participant(ins, id, position, p, token_hash).run();
        return true;
    });
}

ParticipantChange Store::replace_token(std::string_view id, std::string_view pid,
                                       std::string_view token_hash,
                                       const ParticipantChangeCheck& check) {
    return change_participants(id, [&](const Interview& before) {
        const bool member = std::any_of(before.participants.begin(), before.participants.end(),
                                        [&](const Participant& q) { return q.id == pid; });
        if (!member) {
            return false;  // unknown_participant takes precedence over the check's refusal
        }
        check(before);
        db_.prepare(
               "UPDATE participants SET token_sha256 = ?3, revoked = 0"
               " WHERE id = ?1 AND interview_id = ?2")
            .bind(1, pid)
            .bind(2, id)
            .bind(3, token_hash)
            .run();
        return true;
    });
}

Store::PutCodeResult Store::put_final_code(std::string_view id, const FinalCode& code) {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    Statement exists = db_.prepare("SELECT 1 FROM interviews WHERE id = ?1");
    exists.bind(1, id);
    if (!exists.step()) {
        return PutCodeResult::not_found;
    }
    Statement cur =
        db_.prepare("SELECT revision, code, language FROM final_code WHERE interview_id = ?1");
    cur.bind(1, id);
    if (cur.step()) {
        const std::int64_t stored = cur.column_int(0);
        if (code.revision < stored) {
            return PutCodeResult::stale;
        }
        if (code.revision == stored) {
            const bool same =
                cur.column_text(1) == code.code && cur.column_text(2) == code.language;
            return same ? PutCodeResult::stored : PutCodeResult::stale;
        }
    }
    db_.prepare(
           "INSERT INTO final_code (interview_id, code, language, revision, updated_at)"
           " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(interview_id) DO UPDATE SET"
           " code = excluded.code, language = excluded.language, revision = excluded.revision,"
           " updated_at = excluded.updated_at")
        .bind(1, id)
        .bind(2, code.code)
        .bind(3, code.language)
        .bind(4, code.revision)
        .bind(5, code.updated_at)
        .run();
    tx.commit();
    return PutCodeResult::stored;
}

std::optional<FinalCode> Store::get_final_code(std::string_view id) {
    std::lock_guard lock(mutex_);
    Statement st = db_.prepare(
        "SELECT code, language, revision, updated_at FROM final_code WHERE interview_id = ?1");
    st.bind(1, id);
    if (!st.step()) {
        return std::nullopt;
    }
    FinalCode fc;
    fc.code = st.column_text(0);
    fc.language = st.column_text(1);
    fc.revision = st.column_int(2);
    fc.updated_at = st.column_int(3);
    return fc;
}

}  // namespace isvc
