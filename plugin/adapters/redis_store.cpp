#include "redis_store.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "redis_glib_source.h"

namespace interview::adapters {

namespace {

// KEYS: doc, log, seqs. ARGV: first revision, client, seq, author, expire_at (0: leave the
// expiry as it is; refreshing it on every keystroke would triple the commands per edit), a client
// whose seq record goes ('' for none), then one op per revision (several: an edit committed in
// pieces, stored all or none; every piece but the last has seq 0).
constexpr const char* kCommitScript = R"lua(
local head = tonumber(redis.call('HGET', KEYS[1], 'head') or '0')
local first = tonumber(ARGV[1])
if head + 1 ~= first then
  return redis.error_reply('CONFLICT head is ' .. head)
end
local n = #ARGV - 6
for i = 1, n do
  local seq = '0'
  if i == n then seq = ARGV[3] end
  redis.call('XADD', KEYS[2], string.format('%d-0', first + i - 1), 'op', ARGV[6 + i], 'client', ARGV[2], 'seq', seq, 'author', ARGV[4])
end
local last = first + n - 1
redis.call('HSET', KEYS[1], 'head', string.format('%d', last))
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
if ARGV[6] ~= '' then
  redis.call('HDEL', KEYS[3], ARGV[6])
end
if ARGV[5] ~= '0' then
  for i = 1, 3 do redis.call('EXPIREAT', KEYS[i], ARGV[5]) end
end
return last
)lua";

// KEYS: doc, log. ARGV: revision, text, keep_from.
constexpr const char* kSnapshotScript = R"lua(
local head = tonumber(redis.call('HGET', KEYS[1], 'head') or '0')
local revision = tonumber(ARGV[1])
if revision > head then return redis.error_reply('AHEAD snapshot is past head ' .. head) end
local snap = tonumber(redis.call('HGET', KEYS[1], 'snap') or '0')
if revision <= snap then return 0 end
redis.call('HSET', KEYS[1], 'text', ARGV[2], 'snap', ARGV[1])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3] .. '-0')
return 1
)lua";

using ReplyHandler = std::function<void(redisReply*)>;

// The part of a reply parse_stored_document reads (strings point into `r`).
RedisValue redis_value(const redisReply* r) {
    RedisValue v;
    switch (r->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
            v.type = RedisValue::Type::string;
            v.str = std::string_view(r->str, r->len);
            break;
        case REDIS_REPLY_ERROR:
            v.type = RedisValue::Type::error;
            v.str = std::string_view(r->str, r->len);
            break;
        case REDIS_REPLY_INTEGER:
            v.type = RedisValue::Type::integer;
            v.integer = r->integer;
            break;
        case REDIS_REPLY_NIL:
            v.type = RedisValue::Type::nil;
            break;
        case REDIS_REPLY_ARRAY:
            v.type = RedisValue::Type::array;
            v.elements.reserve(r->elements);
            for (std::size_t i = 0; i < r->elements; ++i) {
                v.elements.push_back(redis_value(r->element[i]));
            }
            break;
        default:
            v.type = RedisValue::Type::other;
            break;
    }
    return v;
}

std::string str(const redisReply* r) {
    return r != nullptr && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
               ? std::string(r->str, r->len)
               : std::string();
}

}  // namespace

std::string RedisStore::doc_key(const std::string& id) {
    return "{iv:" + id + "}:doc";
}
std::string RedisStore::log_key(const std::string& id) {
    return "{iv:" + id + "}:log";
}
std::string RedisStore::seqs_key(const std::string& id) {
    return "{iv:" + id + "}:seqs";
}

struct RedisStore::Impl : std::enable_shared_from_this<RedisStore::Impl> {
    GMainContext* context = nullptr;
    Options options;
    StateCallback on_state;
    redisAsyncContext* ac = nullptr;
    // What `ac` talks to: Redis as configured, a Sentinel being asked for the master, or the
    // master it named (up only once ROLE confirmed it).
    enum class Target { direct, sentinel, master };
    Target target = Target::direct;
    std::size_t sentinel_index = 0;               // the Sentinel asked next
    std::optional<config::RedisEndpoint> master;  // the last answer, used by the next connect
    GSource* source = nullptr;
    bool connected = false;
    bool reported = false;  // whether on_state was told anything yet (see set_connected)
    bool closing = false;
    unsigned backoff_ms = 100;
    std::deque<std::chrono::steady_clock::time_point> sent;  // one per command awaiting a reply
    GSource* watchdog = nullptr;
    std::string commit_sha;  // SHA-1 of kCommitScript: commits go as EVALSHA after SCRIPT LOAD
    // When each interview's key expiry was last refreshed by a commit.
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> expiry_refreshed;

    static Impl* of(const redisAsyncContext* c) { return static_cast<Impl*>(c->data); }

    void connect();
    void ask_sentinel();
    void schedule_reconnect(std::optional<unsigned> delay_ms = std::nullopt);
    void drop_connection();
    void abandon_connection();  // now, with replies pending; not from a hiredis callback
    void connection_gone();     // after hiredis let go of `ac`: down, and connect again later
    void set_connected(bool up);
    void connection_failed();  // an attempt to connect failed: report, then try again later
    bool command(std::vector<std::string> args, ReplyHandler handler);  // to Redis only
    bool send(std::vector<std::string> args, ReplyHandler handler);     // to whatever `ac` is
    // Calls `done(true, "")` once `wait_replicas` replicas have every write sent before it.
    void after_replicated(std::function<void(bool, std::string)> done);
    void check_timeouts();
};

namespace {

void on_reply(redisAsyncContext* c, void* reply, void* privdata) {
    auto* handler = static_cast<ReplyHandler*>(privdata);
    auto* impl = static_cast<RedisStore::Impl*>(c->data);
    if (impl != nullptr && !impl->sent.empty()) {
        impl->sent.pop_front();
    }
    if (impl != nullptr && !impl->closing) {
        try {
            (*handler)(static_cast<redisReply*>(reply));
        } catch (...) {
        }
        const auto* r = static_cast<const redisReply*>(reply);
        if (r != nullptr && r->type == REDIS_REPLY_ERROR &&
            std::string_view(r->str, r->len).rfind("READONLY", 0) == 0) {
            // A master turned replica (a failover happened behind our back): find the new one.
            impl->drop_connection();
        }
    }
    delete handler;
}

void on_connect(const redisAsyncContext* c, int status) {
    auto* impl = static_cast<RedisStore::Impl*>(c->data);
    if (impl == nullptr) {
        return;
    }
    if (status != REDIS_OK) {
        // hiredis frees the context after this callback.
        impl->ac = nullptr;
        impl->source = nullptr;
        impl->connection_failed();
        return;
    }
    impl->backoff_ms = 100;
    if (impl->target == RedisStore::Impl::Target::direct) {
        impl->set_connected(true);  // a Sentinel's master is up once ROLE says so (connect())
    }
}

void on_disconnect(const redisAsyncContext* c, int) {
    auto* impl = static_cast<RedisStore::Impl*>(c->data);
    if (impl == nullptr) {
        return;
    }
    impl->connection_gone();
}

gboolean reconnect_cb(gpointer data) {
    auto* weak = static_cast<std::weak_ptr<RedisStore::Impl>*>(data);
    if (auto impl = weak->lock(); impl && !impl->closing && impl->ac == nullptr) {
        impl->connect();
    }
    return G_SOURCE_REMOVE;
}

gboolean watchdog_cb(gpointer data) {
    static_cast<RedisStore::Impl*>(data)->check_timeouts();
    return G_SOURCE_CONTINUE;
}

void delete_weak(gpointer data) {
    delete static_cast<std::weak_ptr<RedisStore::Impl>*>(data);
}

}  // namespace

void RedisStore::Impl::connect() {
    config::RedisEndpoint to{options.host, options.port};
    target = Target::direct;
    if (!options.sentinels.empty()) {
        if (master) {
            to = *master;
            target = Target::master;
            master.reset();  // the next connection asks again
        } else {
            to = options.sentinels[sentinel_index % options.sentinels.size()];
            target = Target::sentinel;
        }
    }
    ac = redisAsyncConnect(to.host.c_str(), to.port);
    if (ac == nullptr || ac->err != 0) {
        if (ac != nullptr) {
            redisAsyncFree(ac);
            ac = nullptr;
        }
        connection_failed();
        return;
    }
    ac->data = this;
    source = interview_redis_source_new(ac);
    g_source_attach(source, context);
    g_source_unref(source);  // the context holds it; cleanup destroys it with the connection
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    if (target == Target::sentinel) {
        ask_sentinel();
        return;
    }
    if (!options.password.empty()) {
        command({"AUTH", options.password.reveal()}, [this](redisReply* r) {
            if (r == nullptr || r->type == REDIS_REPLY_ERROR) {
                drop_connection();  // wrong password: retried with backoff, visible as "down"
            }
        });
    }
    // Load the commit script once per connection, so that each commit sends its SHA-1 instead
    // of the script's text (a restarted Redis has forgotten it: this runs on every reconnect).
    command({"SCRIPT", "LOAD", kCommitScript}, [](redisReply*) {});
    if (target == Target::master) {
        // The Sentinel's answer may be stale (a failover under way): only a Redis that says it
        // is the master is used; anything else is dropped and the Sentinels asked again.
        command({"ROLE"}, [this](redisReply* r) {
            const bool is_master = r != nullptr && r->type == REDIS_REPLY_ARRAY &&
                                   r->elements > 0 && str(r->element[0]) == "master";
            if (is_master) {
                set_connected(true);
            } else {
                drop_connection();
            }
        });
    }
}

void RedisStore::Impl::ask_sentinel() {
    send({"SENTINEL", "get-master-addr-by-name", options.sentinel_master}, [this](redisReply* r) {
        if (r != nullptr && r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
            const std::string port = str(r->element[1]);
            const int number = port.size() <= 5 && !port.empty() &&
                                       port.find_first_not_of("0123456789") == std::string::npos
                                   ? std::stoi(port)
                                   : 0;
            if (number > 0 && number <= 65535 && !str(r->element[0]).empty()) {
                master = config::RedisEndpoint{str(r->element[0]), number};
            }
        }
        drop_connection();  // connection_gone() then connects to the master, or asks again
    });
}

void RedisStore::Impl::schedule_reconnect(std::optional<unsigned> delay_ms) {
    GSource* timer = g_timeout_source_new(delay_ms.value_or(backoff_ms));
    g_source_set_callback(timer, reconnect_cb, new std::weak_ptr<Impl>(shared_from_this()),
                          delete_weak);
    g_source_attach(timer, context);
    g_source_unref(timer);
    backoff_ms = std::min(backoff_ms * 2, 2000u);
}

void RedisStore::Impl::drop_connection() {
    if (ac != nullptr) {
        redisAsyncDisconnect(ac);  // on_disconnect follows and schedules the reconnect
    }
}

void RedisStore::Impl::abandon_connection() {
    // Not redisAsyncDisconnect(): that one waits for every pending reply, which a stalled Redis
    // never sends. Freeing runs the waiting callbacks with no reply and then on_disconnect
    // (which reconnects), if the connection was up; otherwise this does what it would.
    redisAsyncContext* c = ac;
    const bool was_connected = (c->c.flags & REDIS_CONNECTED) != 0;
    redisAsyncFree(c);
    if (!was_connected) {
        connection_gone();
    }
}

void RedisStore::Impl::connection_gone() {
    ac = nullptr;  // hiredis frees it (or has freed it)
    source = nullptr;
    sent.clear();
    set_connected(false);
    if (target == Target::sentinel && !master) {
        ++sentinel_index;  // no usable answer from this one (nil: it monitors no such master)
    }
    if (!closing) {
        // Straight on to the master a Sentinel just named; after a failure, with backoff.
        schedule_reconnect(master ? std::optional<unsigned>(0) : std::nullopt);
    }
}

void RedisStore::Impl::connection_failed() {
    // Down is reported on the first failed attempt too, not only when a connection is lost:
    // a plugin started while Redis is down must pause its rooms (and tell their members), not
    // leave them loading for ever. Through Sentinels, once every one of them failed in a row.
    const bool round_failed =
        target != Target::sentinel || ++sentinel_index % options.sentinels.size() == 0;
    if (round_failed) {
        set_connected(false);
    }
    schedule_reconnect();
}

void RedisStore::Impl::set_connected(bool up) {
    if (reported && connected == up) {
        return;
    }
    reported = true;
    connected = up;
    if (on_state && !closing) {
        on_state(up);
    }
}

bool RedisStore::Impl::command(std::vector<std::string> args, ReplyHandler handler) {
    if (target == Target::sentinel) {
        handler(nullptr);  // never a data command to a Sentinel
        return false;
    }
    return send(std::move(args), std::move(handler));
}

void RedisStore::Impl::after_replicated(std::function<void(bool, std::string)> done) {
    if (options.wait_replicas == 0) {
        done(true, {});
        return;
    }
    // Half the command timeout, so that WAIT answers (short) before the watchdog gives up on
    // the connection.
    const int timeout_ms = std::max(50, options.command_timeout_ms / 2);
    const long long wanted = options.wait_replicas;
    command({"WAIT", std::to_string(wanted), std::to_string(timeout_ms)}, [wanted,
                                                                           done](redisReply* r) {
        if (r != nullptr && r->type == REDIS_REPLY_INTEGER && r->integer >= wanted) {
            done(true, {});
        } else if (r != nullptr && r->type == REDIS_REPLY_INTEGER) {
            done(false, "only " + std::to_string(r->integer) + " of " + std::to_string(wanted) +
                            " replicas confirmed in time");
        } else {
            done(false, r != nullptr && r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len)
                                                                     : "redis connection lost");
        }
    });
}

bool RedisStore::Impl::send(std::vector<std::string> args, ReplyHandler handler) {
    if (ac == nullptr) {
        handler(nullptr);
        return false;
    }
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    auto* owned = new ReplyHandler(std::move(handler));
    if (redisAsyncCommandArgv(ac, on_reply, owned, static_cast<int>(argv.size()), argv.data(),
                              lengths.data()) != REDIS_OK) {
        (*owned)(nullptr);
        delete owned;
        return false;
    }
    sent.push_back(std::chrono::steady_clock::now());
    return true;
}

void RedisStore::Impl::check_timeouts() {
    if (ac == nullptr || sent.empty()) {
        return;
    }
    const auto age = std::chrono::steady_clock::now() - sent.front();
    if (age > std::chrono::milliseconds(options.command_timeout_ms)) {
        // A Redis that stopped answering is treated like one that went away: every waiting
        // command fails now (edits pause) and the connection is made again.
        abandon_connection();
    }
}

RedisStore::RedisStore(GMainContext* context, Options options, StateCallback on_state)
    : impl_(std::make_shared<Impl>()) {
    impl_->context = context;
    impl_->options = std::move(options);
    impl_->on_state = std::move(on_state);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(kCommitScript), std::strlen(kCommitScript), digest);
    static const char* hex = "0123456789abcdef";
    for (unsigned char b : digest) {
        impl_->commit_sha += hex[b >> 4];
        impl_->commit_sha += hex[b & 15];
    }
    impl_->watchdog = g_timeout_source_new(250);
    g_source_set_callback(impl_->watchdog, watchdog_cb, impl_.get(), nullptr);
    g_source_attach(impl_->watchdog, context);
    impl_->connect();
}

RedisStore::~RedisStore() {
    impl_->closing = true;
    g_source_destroy(impl_->watchdog);
    g_source_unref(impl_->watchdog);
    if (impl_->ac != nullptr) {
        redisAsyncContext* ac = impl_->ac;
        impl_->ac = nullptr;
        redisAsyncFree(ac);  // pending callbacks run with NULL and are only freed (closing)
    }
}

bool RedisStore::up() const {
    return impl_->connected;
}

void RedisStore::load(const std::string& id,
                      std::function<void(std::variant<StoredDocument, std::string>)> done) {
    auto impl = impl_;
    auto fail = [done](const std::string& why) { done(why); };
    if (impl->ac == nullptr || !impl->connected) {
        fail("redis is not connected");
        return;
    }
    // One transaction, so that the three reads see the same state.
    impl->command({"MULTI"}, [](redisReply*) {});
    impl->command({"HGETALL", doc_key(id)}, [](redisReply*) {});
    impl->command({"HGETALL", seqs_key(id)}, [](redisReply*) {});
    impl->command({"XRANGE", log_key(id), "-", "+"}, [](redisReply*) {});
    impl->command({"EXEC"}, [impl, done](redisReply* r) {
        if (r == nullptr) {
            done(std::string("redis load failed"));
            return;
        }
        auto parsed = parse_stored_document(redis_value(r));
        if (auto* why = std::get_if<std::string>(&parsed)) {
            done(std::move(*why));
            return;
        }
        StoredDocument doc = std::move(std::get<StoredDocument>(parsed));
        // Nothing loaded may be acknowledged (a resent op is acknowledged again from memory)
        // before the replicas have it too.
        impl->after_replicated([done, doc = std::move(doc)](bool ok, std::string why) mutable {
            if (ok) {
                done(std::move(doc));
            } else {
                done(std::move(why));
            }
        });
    });
}

void RedisStore::commit(const std::string& id, const room::PendingCommit& c, std::int64_t expire_at,
                        std::function<void(CommitOutcome, std::string)> done) {
    // The keys' expiry moves with the interview's end, which changes rarely: refresh it on the
    // first commit and then at most once a minute.
    const auto now = std::chrono::steady_clock::now();
    auto refreshed = impl_->expiry_refreshed.find(id);
    const bool refresh = refreshed == impl_->expiry_refreshed.end() ||
                         now - refreshed->second > std::chrono::minutes(1);
    if (refresh) {
        impl_->expiry_refreshed[id] = now;
    }
    std::vector<std::string> args = {"EVALSHA",
                                     impl_->commit_sha,
                                     "3",
                                     doc_key(id),
                                     log_key(id),
                                     seqs_key(id),
                                     std::to_string(c.first_revision),
                                     c.client_id,
                                     std::to_string(c.seq),
                                     c.author,
                                     refresh ? std::to_string(expire_at) : "0",
                                     c.forget_client};
    args.insert(args.end(), c.op_jsons.begin(), c.op_jsons.end());
    auto impl = impl_;
    auto finish = [impl, id, done](redisReply* r) {
        if (r == nullptr) {
            impl->expiry_refreshed.erase(id);
            done(CommitOutcome::failed, "redis connection lost");
        } else if (r->type == REDIS_REPLY_ERROR) {
            impl->expiry_refreshed.erase(id);
            const std::string error(r->str, r->len);
            done(error.find("CONFLICT") != std::string::npos ? CommitOutcome::conflict
                                                             : CommitOutcome::failed,
                 error);
        } else if (impl->options.wait_replicas == 0) {
            done(CommitOutcome::committed, {});  // the usual path: no WAIT, nothing to wrap
        } else {
            impl->after_replicated([impl, id, done](bool ok, std::string why) {
                if (ok) {
                    done(CommitOutcome::committed, {});
                } else {
                    impl->expiry_refreshed.erase(id);
                    done(CommitOutcome::failed, why);
                }
            });
        }
    };
    impl_->command(args, [impl, args, finish](redisReply* r) mutable {
        if (r != nullptr && r->type == REDIS_REPLY_ERROR &&
            std::string(r->str, r->len).rfind("NOSCRIPT", 0) == 0) {
            // The script was flushed since this connection loaded it: send its text. The
            // compare-and-append keeps the log in order whatever happens meanwhile: a commit
            // that arrives out of turn fails with CONFLICT and the document reloads.
            args[0] = "EVAL";
            args[1] = kCommitScript;
            impl->command({"SCRIPT", "LOAD", kCommitScript}, [](redisReply*) {});
            impl->command(args, finish);
            return;
        }
        finish(r);
    });
}

void RedisStore::save_snapshot(const std::string& id, std::uint64_t revision,
                               const std::string& text, std::uint64_t keep_from,
                               std::int64_t expire_at) {
    impl_->command({"EVAL", kSnapshotScript, "2", doc_key(id), log_key(id),
                    std::to_string(revision), text, std::to_string(keep_from)},
                   [](redisReply*) {});
    impl_->command({"EXPIREAT", doc_key(id), std::to_string(expire_at)}, [](redisReply*) {});
}

void RedisStore::set_field(const std::string& id, const std::string& field,
                           const std::string& value, std::int64_t expire_at) {
    impl_->command({"HSET", doc_key(id), field, value}, [](redisReply*) {});
    impl_->command({"EXPIREAT", doc_key(id), std::to_string(expire_at)}, [](redisReply*) {});
}

}  // namespace interview::adapters
