// adapters::DocumentHub's document lifecycle against an in-memory DocumentStore (no Redis): the
// store the hub is given through its StoreFactory, whose reachability and answers the test
// decides. Load then edit; a store down from the start (the room paused, then resumed); a
// commit that fails mid-edit (paused, nothing acknowledged, then the resent edit committed once).
#include <gtest/gtest.h>
#include <jansson.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "document_hub.hpp"
#include "document_store.hpp"
#include "json_ptr.hpp"

namespace interview::adapters {
namespace {

using namespace std::chrono_literals;

// What the test and the store share (the store lives on the hub's thread, the test on its own).
struct StoreState {
    std::mutex mutex;
    bool reachable = true;
    bool fail_commits = false;
    std::map<std::string, StoredDocument> documents;
    std::size_t commits = 0;
    GMainContext* context = nullptr;
    DocumentStore::StateCallback on_state;
};

class MemoryStore final : public DocumentStore {
  public:
    explicit MemoryStore(std::shared_ptr<StoreState> state) : state_(std::move(state)) {}
    bool up() const override {
        std::lock_guard lock(state_->mutex);
        return state_->reachable;
    }
    void load(const std::string& id,
              std::function<void(std::variant<StoredDocument, std::string>)> done) override {
        std::unique_lock lock(state_->mutex);
        if (!state_->reachable) {
            lock.unlock();
            done(std::string("the store is down"));
            return;
        }
        const StoredDocument doc = state_->documents[id];
        lock.unlock();
        done(doc);
    }
    void commit(const std::string& id, const room::PendingCommit& commit, std::int64_t,
                std::function<void(CommitOutcome, std::string)> done) override {
        std::unique_lock lock(state_->mutex);
        if (!state_->reachable || state_->fail_commits) {
            lock.unlock();
            done(CommitOutcome::failed, "the store did not answer");
            return;
        }
        StoredDocument& doc = state_->documents[id];
        if (doc.head + 1 != commit.first_revision) {
            lock.unlock();
            done(CommitOutcome::conflict, "head moved");
            return;
        }
        doc.exists = true;
        for (std::size_t i = 0; i < commit.op_jsons.size(); ++i) {
            const bool last = i + 1 == commit.op_jsons.size();
            doc.log.push_back(StoredOp{commit.first_revision + i, commit.op_jsons[i],
                                       commit.client_id, last ? commit.seq : 0, commit.author});
        }
        doc.head = commit.revision;
        doc.last_seq.emplace_back(commit.client_id, commit.seq);
        ++state_->commits;
        lock.unlock();
        done(CommitOutcome::committed, {});
    }
    void save_snapshot(const std::string&, std::uint64_t, const std::string&, std::uint64_t,
                       std::int64_t) override {}
    void set_field(const std::string&, const std::string&, const std::string&,
                   std::int64_t) override {}

  private:
    std::shared_ptr<StoreState> state_;
};

// Records what the hub sends, from the hub's thread.
class Sink final : public DataSink {
  public:
    bool send(room::SessionKey to, const std::string& text) override { return record(to, text); }
    bool send_beyond_budget(room::SessionKey to, const std::string& text) override {
        return record(to, text);
    }
    /// Waits until `key` was sent a message of `type` (counting from the start) `n` times.
    bool wait_for_type(room::SessionKey key, const std::string& type, std::size_t n = 1,
                       std::chrono::milliseconds timeout = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return count(key, type) >= n; });
    }
    std::size_t count_of(room::SessionKey key, const std::string& type) {
        std::lock_guard lock(mutex_);
        return count(key, type);
    }

  private:
    bool record(room::SessionKey to, const std::string& text) {
        JsonPtr m(json_loads(text.c_str(), 0, nullptr));
        const char* type = json_string_value(json_object_get(m.get(), "type"));
        std::lock_guard lock(mutex_);
        types_.emplace(to, type != nullptr ? type : "?");
        changed_.notify_all();
        return true;
    }
    std::size_t count(room::SessionKey key, const std::string& type) const {
        std::size_t n = 0;
        auto [from, to] = types_.equal_range(key);
        for (auto it = from; it != to; ++it) {
            n += it->second == type ? 1 : 0;
        }
        return n;
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::multimap<room::SessionKey, std::string> types_;
};

class DocumentHubStoreTest : public ::testing::Test {
  protected:
    std::unique_ptr<DocumentHub> make_hub(bool reachable_at_start) {
        state_->reachable = reachable_at_start;
        auto state = state_;
        return std::make_unique<DocumentHub>(
            HubConfig{}, sink_,
            [state, reachable_at_start](GMainContext* context,
                                        DocumentStore::StateCallback on_state) {
                {
                    std::lock_guard lock(state->mutex);
                    state->context = context;
                    state->on_state = on_state;
                }
                if (!reachable_at_start) {
                    on_state(false);  // as RedisStore after its first failed attempt
                }
                return std::make_unique<MemoryStore>(state);
            });
    }
    /// The store becomes (un)reachable and says so, on the hub's thread as a real store would.
    void set_reachable(bool up) {
        struct Call {
            std::shared_ptr<StoreState> state;
            bool up;
        };
        GMainContext* context = nullptr;
        {
            std::lock_guard lock(state_->mutex);
            state_->reachable = up;
            context = state_->context;
        }
        ASSERT_NE(context, nullptr);
        g_main_context_invoke_full(
            context, G_PRIORITY_DEFAULT,
            [](gpointer data) -> gboolean {
                auto* call = static_cast<Call*>(data);
                call->state->on_state(call->up);
                return G_SOURCE_REMOVE;
            },
            new Call{state_, up}, [](gpointer data) { delete static_cast<Call*>(data); });
    }
    std::size_t commits() {
        std::lock_guard lock(state_->mutex);
        return state_->commits;
    }
    static std::string hello(const std::string& client, const std::string& last = "null") {
        return R"({"type":"hello","client_id":")" + client + R"(","last_revision":)" + last + "}";
    }
    static std::string op(const std::string& client, int seq, int revision, const char* op) {
        return R"({"type":"op","client_id":")" + client + R"(","seq":)" + std::to_string(seq) +
               R"(,"revision":)" + std::to_string(revision) + R"(,"op":)" + op + "}";
    }
    static access::Participant person(int i) {
        return {"p_" + std::to_string(i), "P" + std::to_string(i),
                i == 0 ? access::Role::applicant : access::Role::recruiter};
    }
    static std::int64_t in_an_hour() {
        return static_cast<std::int64_t>(std::time(nullptr)) + 3600;
    }

    /// Members 1 (applicant, client "a") and 2 (recruiter, "b") joined and synced.
    bool two_synced_members(DocumentHub& hub) {
        hub.member_joined("iv", 1, person(0), in_an_hour());
        hub.member_joined("iv", 2, person(1), in_an_hour());
        hub.data(1, hello("a"));
        hub.data(2, hello("b"));
        return sink_.wait_for_type(1, "synced") && sink_.wait_for_type(2, "synced");
    }

    std::shared_ptr<StoreState> state_ = std::make_shared<StoreState>();
    Sink sink_;
};

TEST_F(DocumentHubStoreTest, LoadsThenCommitsAnEditBeforeBroadcastingIt) {
    auto hub = make_hub(true);
    ASSERT_TRUE(two_synced_members(*hub));
    hub->data(1, op("a", 1, 0, R"(["hi"])"));
    ASSERT_TRUE(sink_.wait_for_type(1, "op")) << "no acknowledgement";
    ASSERT_TRUE(sink_.wait_for_type(2, "op")) << "no broadcast";
    EXPECT_EQ(commits(), 1u);
    std::lock_guard lock(state_->mutex);
    ASSERT_EQ(state_->documents["iv"].log.size(), 1u);
    EXPECT_EQ(state_->documents["iv"].log[0].op_json, R"(["hi"])");
    EXPECT_EQ(state_->documents["iv"].log[0].client_id, "p_0:a");
}

TEST_F(DocumentHubStoreTest, AStoreDownFromTheStartPausesTheRoomUntilItIsBack) {
    auto hub = make_hub(false);
    hub->member_joined("iv", 1, person(0), in_an_hour());
    hub->data(1, hello("a"));
    ASSERT_TRUE(sink_.wait_for_type(1, "paused")) << "left loading: never told paused";
    hub->data(1, op("a", 1, 0, R"(["x"])"));
    ASSERT_TRUE(sink_.wait_for_type(1, "error"));  // storage_unavailable, kept by the client
    EXPECT_EQ(commits(), 0u);
    EXPECT_EQ(sink_.count_of(1, "synced"), 0u);

    set_reachable(true);
    ASSERT_TRUE(sink_.wait_for_type(1, "resumed"));
    hub->data(1, hello("a"));
    ASSERT_TRUE(sink_.wait_for_type(1, "synced"));
    hub->data(1, op("a", 1, 0, R"(["x"])"));
    ASSERT_TRUE(sink_.wait_for_type(1, "op"));
    EXPECT_EQ(commits(), 1u);
}

TEST_F(DocumentHubStoreTest, ACommitThatFailsPausesAndTheResentEditIsCommittedOnce) {
    auto hub = make_hub(true);
    ASSERT_TRUE(two_synced_members(*hub));
    {
        std::lock_guard lock(state_->mutex);
        state_->fail_commits = true;
    }
    hub->data(1, op("a", 1, 0, R"(["lost?"])"));
    ASSERT_TRUE(sink_.wait_for_type(1, "paused"));
    ASSERT_TRUE(sink_.wait_for_type(2, "paused"));
    EXPECT_EQ(sink_.count_of(1, "op"), 0u) << "acknowledged although the store refused it";
    EXPECT_EQ(sink_.count_of(2, "op"), 0u);

    {
        std::lock_guard lock(state_->mutex);
        state_->fail_commits = false;
    }
    set_reachable(false);
    set_reachable(true);  // the store is back: the document is rebuilt from it
    ASSERT_TRUE(sink_.wait_for_type(1, "resumed"));
    ASSERT_TRUE(sink_.wait_for_type(2, "resumed"));
    hub->data(1, hello("a", "0"));  // what a client does after resumed: catch up from 0
    hub->data(2, hello("b", "0"));
    ASSERT_TRUE(sink_.wait_for_type(1, "synced", 2));
    ASSERT_TRUE(sink_.wait_for_type(2, "synced", 2));
    hub->data(1, op("a", 1, 0, R"(["lost?"])"));  // the client resends with the same seq
    ASSERT_TRUE(sink_.wait_for_type(1, "op"));
    ASSERT_TRUE(sink_.wait_for_type(2, "op"));
    EXPECT_EQ(commits(), 1u);
    hub->data(1, op("a", 1, 0, R"(["lost?"])"));  // and once more: applied once, acknowledged
    ASSERT_TRUE(sink_.wait_for_type(1, "op", 2));
    EXPECT_EQ(commits(), 1u);
}

}  // namespace
}  // namespace interview::adapters
