#include "sim.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "ot/authority.hpp"
#include "ot/client.hpp"
#include "ot/utf.hpp"

namespace interview::tools {

namespace {

using ot::Authority;
using ot::Error;
using ot::ErrorCode;
using ot::LogEntry;
using ot::make_error;

struct Up {
    std::uint64_t seq;
    std::uint64_t base;
    ot::Operation op;
};

struct Peer {
    ot::Client client;
    std::deque<Up> up;          // client -> authority, FIFO
    std::deque<LogEntry> down;  // authority -> client, FIFO
    bool online = true;
    bool done = false;  // the edit source has nothing more
    std::set<std::uint64_t> abandoned;
};

// The Redis stand-in: a snapshot (with history) plus confirmed commits after it.
struct Store {
    ot::ExportedState base;
    std::vector<LogEntry> appended;
};

class Sim {
  public:
    Sim(std::u16string_view start, const SimOptions& o, const EditSource& source)
        : o_(o), source_(source), rng_(o.seed) {
        config_.limits = o.limits;
        config_.log_capacity = o.log_capacity;
        store_.base.snapshot_text = ot::utf16_to_utf8(start);
        auto a = Authority::restore(store_.base.snapshot_text, 0, {}, {}, config_);
        if (!a) {
            failure_ = std::move(a).error();
            return;
        }
        auth_.emplace(std::move(*a));
        for (std::size_t k = 0; k < o.clients; ++k) {
            peers_.push_back(
                Peer{ot::Client("client-" + std::to_string(k), 0, ot::TextBuffer(start)),
                     {},
                     {},
                     true,
                     false,
                     {}});
        }
    }

    ot::Result<SimStats> run() {
        std::uint64_t steps = 0;
        while (!failure_) {
            if (++steps > o_.max_steps) {
                fail("no quiescence after " + std::to_string(o_.max_steps) + " steps");
                break;
            }
            if (!step()) {
                break;
            }
        }
        if (failure_) {
            return *failure_;
        }
        return finish();
    }

  private:
    bool chance(double p) {
        return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p;
    }
    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }
    void fail(std::string msg) {
        if (!failure_) {
            failure_ = make_error(ErrorCode::invalid_state,
                                  "simulation seed " + std::to_string(o_.seed) + ": " + msg);
        }
    }

    void send(std::size_t k, const ot::Client::Outgoing& m) {
        Peer& p = peers_[k];
        if (p.online) {
            p.up.push_back(Up{m.seq, m.base_revision, m.op});
        }
    }

    // One random step; false when everything is quiet and every edit is done.
    bool step() {
        editing_ = std::any_of(peers_.begin(), peers_.end(), [](const Peer& p) { return !p.done; });
        if (editing_) {
            chaos();
        }
        // Faults stop once the edits are done, so every run reaches quiescence.
        can_edit.clear();
        can_up.clear();
        can_down.clear();
        for (std::size_t k = 0; k < peers_.size(); ++k) {
            if (!peers_[k].done)
                can_edit.push_back(k);
            if (!peers_[k].up.empty())
                can_up.push_back(k);
            if (peers_[k].online && !peers_[k].down.empty())
                can_down.push_back(k);
        }
        const std::size_t total = can_edit.size() + can_up.size() + can_down.size();
        if (total == 0) {
            return settle();
        }
        std::size_t r = pick(total);
        if (r < can_edit.size()) {
            edit(can_edit[r]);
        } else if ((r -= can_edit.size()) < can_up.size()) {
            deliver_up(can_up[r]);
        } else {
            deliver_down(can_down[r - can_up.size()]);
        }
        return true;
    }

    // Nothing in flight and no edits left: bring everyone back and resend what got lost.
    bool settle() {
        bool busy = false;
        for (std::size_t k = 0; k < peers_.size(); ++k) {
            Peer& p = peers_[k];
            if (!p.online) {
                reconnect(k);
                busy = true;
            } else if (!p.client.synchronized() || p.client.revision() != auth_->revision()) {
                if (p.client.revision() != auth_->revision()) {
                    catch_up(k);
                }
                if (auto m = p.client.resend()) {
                    send(k, *m);
                }
                busy = true;
            }
        }
        return busy;
    }

    void chaos() {
        if (chance(o_.p_disconnect)) {
            const std::size_t k = pick(peers_.size());
            if (peers_[k].online) {
                peers_[k].online = false;
                peers_[k].down.clear();
                ++stats_.disconnects;
            } else {
                reconnect(k);
            }
        }
        if (chance(o_.p_resend)) {
            const std::size_t k = pick(peers_.size());
            if (auto m = peers_[k].client.resend()) {
                send(k, *m);
            }
        }
        if (chance(o_.p_restart)) {
            ++stats_.restarts;
            rebuild();
            for (Peer& p : peers_) {  // the gateway died: every connection with it
                p.online = false;
                p.up.clear();
                p.down.clear();
            }
        }
        if (chance(o_.p_compact)) {
            ++stats_.compactions;
            store_.base = auth_->export_state();
            store_.appended.clear();
        }
    }

    void rebuild() {
        std::vector<LogEntry> entries = store_.base.log;
        entries.insert(entries.end(), store_.appended.begin(), store_.appended.end());
        auto a = Authority::restore(store_.base.snapshot_text, store_.base.snapshot_revision,
                                    store_.base.last_seq, std::move(entries), config_);
        if (!a) {
            fail("restore failed: " + a.error().message);
            return;
        }
        auth_.emplace(std::move(*a));
    }

    void edit(std::size_t k) {
        Peer& p = peers_[k];
        auto op = source_(k, p.client.document(), rng_);
        if (!op) {
            p.done = true;
            return;
        }
        if (auto st = ot::validate(*op, p.client.document(), o_.limits); !st) {
            return;  // the editor would refuse it too
        }
        ++stats_.local_edits;
        auto r = p.client.local_edit(*op);
        if (!r) {
            fail("local edit: " + r.error().message);
        } else if (*r) {
            send(k, **r);
        }
    }

    void deliver_up(std::size_t k) {
        Peer& p = peers_[k];
        Up m = std::move(p.up.front());
        p.up.pop_front();
        if (editing_ && chance(o_.p_lost_send)) {
            ++stats_.lost_sends;
            return;
        }
        if (m.base < auth_->revision()) {
            ++stats_.transformed;
        }
        auto r = auth_->submit(p.client.id(), m.seq, m.base, m.op);
        if (auto* c = std::get_if<ot::Committed>(&r)) {
            if (editing_ && chance(o_.p_persist_failure)) {
                ++stats_.persist_failures;
                rebuild();  // memory must not run ahead of the store
                return;
            }
            store_.appended.push_back(*c->entry);
            ++commits_[{k, m.seq}];
            ++stats_.committed;
            for (Peer& q : peers_) {
                if (q.online) {
                    q.down.push_back(*c->entry);
                }
            }
        } else if (std::holds_alternative<ot::Duplicate>(r)) {
            ++stats_.duplicates;  // the ack travels in the stream
        } else if (std::holds_alternative<ot::NeedsResync>(r)) {
            const bool had = !p.client.synchronized();
            catch_up(k);
            if (had) {  // still pending after the catch-up: send it again on the new revision
                if (auto again = p.client.resend()) {
                    send(k, *again);
                }
            }
        } else {
            fail(p.client.id() + " seq " + std::to_string(m.seq) +
                 " rejected: " + std::get<ot::Rejected>(r).error.message);
        }
    }

    void deliver_down(std::size_t k) {
        Peer& p = peers_[k];
        LogEntry e = std::move(p.down.front());
        p.down.pop_front();
        auto r = p.client.receive(e.revision, e.op, e.client_id, e.seq);
        if (!r) {
            catch_up(k);  // a gap (e.g. after a restart): fetch what is missing
        } else if (*r) {
            send(k, **r);
        }
    }

    void reconnect(std::size_t k) {
        peers_[k].online = true;
        const std::uint64_t before = peers_[k].client.outstanding_seq();
        const bool had = !peers_[k].client.synchronized();
        catch_up(k);
        // Resend the outstanding op unless catching up already sent a new one.
        if (had && peers_[k].client.outstanding_seq() == before) {
            if (auto m = peers_[k].client.resend()) {
                send(k, *m);
            }
        }
    }

    void catch_up(std::size_t k) {
        Peer& p = peers_[k];
        p.down.clear();
        auto c = auth_->ops_since(p.client.revision());
        if (auto* ops = std::get_if<ot::CatchUpOps>(&c)) {
            for (const LogEntry* e : ops->entries) {
                auto r = p.client.receive(e->revision, e->op, e->client_id, e->seq);
                if (!r) {
                    fail("catch-up: " + r.error().message);
                    return;
                }
                if (*r) {
                    send(k, **r);
                }
            }
        } else if (auto* snap = std::get_if<ot::SnapshotNeeded>(&c)) {
            ++stats_.resyncs;
            auto doc = ot::TextBuffer::from_utf8(snap->text);
            if (!doc) {
                fail("snapshot: " + doc.error().message);
                return;
            }
            if (!p.client.synchronized()) {
                p.abandoned.insert(p.client.outstanding_seq());
            }
            stats_.abandoned += p.client.reset(snap->revision, std::move(*doc));
        } else {
            fail("catch-up rejected: " + std::get<ot::Rejected>(c).error.message);
        }
    }

    ot::Result<SimStats> finish() {
        const std::string& text = auth_->document().utf8();
        for (std::size_t k = 0; k < peers_.size(); ++k) {
            const ot::Client& c = peers_[k].client;
            if (c.document().utf8() != text || c.revision() != auth_->revision()) {
                return make_error(ErrorCode::invalid_state,
                                  "seed " + std::to_string(o_.seed) + ": " + c.id() +
                                      " diverged at revision " + std::to_string(c.revision()));
            }
            for (std::uint64_t s = 1; s < c.next_seq(); ++s) {
                const auto it = commits_.find({k, s});
                const std::uint64_t n = it == commits_.end() ? 0 : it->second;
                if (n > 1 || (n == 0 && !peers_[k].abandoned.count(s))) {
                    return make_error(ErrorCode::invalid_state,
                                      "seed " + std::to_string(o_.seed) + ": " + c.id() + " seq " +
                                          std::to_string(s) + " committed " + std::to_string(n) +
                                          " times");
                }
            }
        }
        // The store must rebuild exactly this state.
        rebuild();
        if (failure_) {
            return *failure_;
        }
        if (auth_->document().utf8() != text) {
            return make_error(ErrorCode::invalid_state, "store does not rebuild the final text");
        }
        stats_.final_revision = auth_->revision();
        stats_.final_text = text;
        stats_.final_checksum = auth_->checksum_at_current();
        return stats_;
    }

    SimOptions o_;
    const EditSource& source_;
    std::mt19937_64 rng_;
    ot::AuthorityConfig config_;
    std::optional<Authority> auth_;
    Store store_;
    std::vector<Peer> peers_;
    std::map<std::pair<std::size_t, std::uint64_t>, std::uint64_t> commits_;
    SimStats stats_;
    std::optional<Error> failure_;
    bool editing_ = true;
    std::vector<std::size_t> can_edit, can_up, can_down;  // reused every step
};

}  // namespace

ot::Result<SimStats> run_simulation(std::u16string_view start, const SimOptions& options,
                                    const EditSource& source) {
    Sim sim(start, options, source);
    return sim.run();
}

}  // namespace interview::tools
