// Fuzz target: the data-channel parser together with the shared document's rules
// (interview::room::Document, plugin/core/document/document.hpp), driven through its public API with
// a fake outbox (the store). Two members are in the room from the start: an applicant (key 1)
// and a recruiter (key 2). The input is split into lines; the first byte of a line says who
// sends the rest and what the store does:
//   a / r / o   the applicant, the recruiter or the observer sends the rest of the line; then the
//               store confirms every commit handed to it (on_persisted for the latest revision)
//   A / R / O   the same, but the store does not confirm yet (commits pile up)
//   !           a command: pause, resume, end, wait (2 s pass), join o, leave a|r|o, join a|r,
//               drain a|r|o, full a|r|o (that member's outbound budget is full, or free again)
//   other       the whole line comes from the applicant, and the store confirms
// Checked after every line: every text sent is a JSON object; commits reach the store in
// revision order and their ops replay to exactly the document's text; an "op" is never sent
// before the store confirmed its revision; the confirmed revision never passes the authority's.
#include <array>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "access/policy.hpp"
#include "fuzz_support.hpp"
#include "json_ptr.hpp"
#include "ot/authority.hpp"
#include "ot/json.hpp"
#include "ot/operation.hpp"
#include "ot/utf.hpp"
#include "ot/validate.hpp"
#include "document/document.hpp"

namespace {

namespace ot = interview::ot;
namespace room = interview::room;
using interview::access::Participant;
using interview::access::Role;

constexpr room::SessionKey kApplicant = 1;
constexpr room::SessionKey kRecruiter = 2;
constexpr room::SessionKey kObserver = 3;

class FakeStore : public room::DocumentOutbox {
  public:
    bool send(room::SessionKey to, const std::string& text) override {
        check_sent(text);
        return full_.count(to) == 0;
    }
    bool send_beyond_budget(room::SessionKey to, const std::string& text) override {
        check_sent(text);
        FUZZ_CHECK(text.size() <= 65000);  // a data channel's message, whatever it carries
        return full_.count(to) == 0;
    }
    void persist(const room::PendingCommit& commit) override {
        // One revision, or an edit in pieces: consecutive revisions, all stored together.
        FUZZ_CHECK(commit.first_revision == persisted_ + 1);
        FUZZ_CHECK(commit.revision + 1 == commit.first_revision + commit.op_jsons.size());
        persisted_ = commit.revision;
        ot::Limits stored;
        stored.max_components = SIZE_MAX;  // a transformed op may have more than a sent one
        for (const std::string& json : commit.op_jsons) {
            FUZZ_CHECK(json.size() <= 65000);
            auto op = ot::operation_from_json_text(json, stored);
            FUZZ_CHECK(op.ok());
            auto next = ot::apply(*op, text_);
            FUZZ_CHECK(next.ok());
            text_ = std::move(next.value());
        }
    }
    void persist_language(const std::string& language) override { FUZZ_CHECK(!language.empty()); }

    void set_full(room::SessionKey key, bool full) {
        if (full) {
            full_.insert(key);
        } else {
            full_.erase(key);
        }
    }
    std::uint64_t persisted() const { return persisted_; }
    void confirm(room::Document& doc) {
        confirmed_ = persisted_;
        doc.on_persisted(persisted_, *this);
    }
    const std::u16string& text() const { return text_; }

  private:
    void check_sent(const std::string& text) {
        json_error_t error;
        interview::JsonPtr m(json_loadb(text.data(), text.size(), 0, &error));
        FUZZ_CHECK(m != nullptr);
        FUZZ_CHECK(json_is_object(m.get()));
        const char* type = json_string_value(json_object_get(m.get(), "type"));
        FUZZ_CHECK(type != nullptr);
        if (std::string_view(type) == "op") {
            // Durability: broadcast (and acknowledged) only once the store has it.
            const json_t* revision = json_object_get(m.get(), "revision");
            FUZZ_CHECK(json_is_integer(revision));
            FUZZ_CHECK(static_cast<std::uint64_t>(json_integer_value(revision)) <= confirmed_);
        }
    }

    std::set<room::SessionKey> full_;
    std::uint64_t persisted_ = 0;
    std::uint64_t confirmed_ = 0;
    std::u16string text_;
};

room::SessionKey key_of(char c) {
    switch (c) {
        case 'r':
        case 'R':
            return kRecruiter;
        case 'o':
        case 'O':
            return kObserver;
        default:
            return kApplicant;
    }
}

Participant participant_of(room::SessionKey key) {
    switch (key) {
        case kRecruiter:
            return {"p_recruiter", "Grace", Role::recruiter};
        case kObserver:
            return {"p_observer", "Olive", Role::observer};
        default:
            return {"p_applicant", "Ada", Role::applicant};
    }
}

void command(std::string_view line, room::Document& doc, FakeStore& store, std::int64_t& now) {
    const room::SessionKey who = line.size() > 1 ? key_of(line.back()) : kApplicant;
    if (line == "pause") {
        doc.set_paused(true, store);
    } else if (line == "resume") {
        doc.set_paused(false, store);
    } else if (line == "end") {
        doc.set_read_only("interview_over", store);
    } else if (line == "wait") {
        now += 2000;
    } else if (line.substr(0, 5) == "join ") {
        if (!doc.has_member(who)) {
            doc.add_member(who, participant_of(who));
        }
    } else if (line.substr(0, 6) == "leave ") {
        doc.remove_member(who);
    } else if (line.substr(0, 6) == "drain ") {
        store.set_full(who, false);
        doc.on_drained(who, store);
    } else if (line.substr(0, 5) == "full ") {
        store.set_full(who, true);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    room::Document doc("iv_fuzz", ot::Authority(room::DocumentConfig{}.authority), "python", false,
                       room::DocumentConfig{});
    doc.add_member(kApplicant, participant_of(kApplicant));
    doc.add_member(kRecruiter, participant_of(kRecruiter));
    FakeStore store;
    std::int64_t now = 1'000'000;
    for (std::string_view line :
         interview::fuzz::split(interview::fuzz::as_text(data, size), '\n')) {
        now += 7;
        const char first = line.empty() ? '\0' : line.front();
        bool confirm = true;
        switch (first) {
            case 'a':
            case 'r':
            case 'o':
            case 'A':
            case 'R':
            case 'O':
                confirm = first >= 'a';
                doc.on_text(key_of(first), line.substr(1), now, store);
                break;
            case '!':
                command(line.substr(1), doc, store, now);
                break;
            default:
                doc.on_text(kApplicant, line, now, store);
                break;
        }
        if (confirm) {
            store.confirm(doc);
            FUZZ_CHECK(!doc.has_unconfirmed());
        }
        FUZZ_CHECK(doc.confirmed_revision() <= doc.authority().revision());
        FUZZ_CHECK(store.persisted() == doc.authority().revision());
        FUZZ_CHECK(store.text() == doc.authority().document().text());
        FUZZ_CHECK(
            ot::validate_document(doc.authority().document(), doc.authority().config().limits)
                .ok());
    }
    return 0;
}
