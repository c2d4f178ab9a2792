// The client side of the protocol, as a plain state machine (ot.js's Client with one op in flight
// and a buffer), used by the trace tool's multi-client mode, the simulation tests and any native
// test peer. It mirrors the Authority's tie-break: an op received from the authority is the
// committed one, so it goes first: transform(received, pending).
//
//   synchronized --local edit--> awaiting(outstanding) --local edit--> awaiting(outstanding+buffer)
//   own op comes back in the stream = acknowledgement: the buffer (if any) becomes outstanding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ot/operation.hpp"
#include "ot/result.hpp"
#include "ot/text_buffer.hpp"

namespace interview::ot {

class Client {
  public:
    // What to send to the authority: submit(id, seq, base_revision, op).
    struct Outgoing {
        std::uint64_t seq;
        std::uint64_t base_revision;
        Operation op;
    };

    Client(std::string id, std::uint64_t revision, TextBuffer doc, std::uint64_t first_seq = 1);

    // A local edit on the current local document (the caller validated it). Applies it locally and
    // returns what to send when nothing was in flight.
    Result<std::optional<Outgoing>> local_edit(const Operation& op);

    // An entry of the authority's stream. Entries at or below revision() are ignored (already
    // seen, e.g. delivered again after a catch-up); a gap is an error (the caller must catch up).
    // Returns the next op to send when this acknowledged the outstanding one and a buffer waits.
    Result<std::optional<Outgoing>> receive(std::uint64_t revision, const Operation& op,
                                            std::string_view from_client, std::uint64_t seq);

    // The outstanding op to send again (after a reconnect or a timeout): same seq, transformed to
    // the current revision, so the authority recognises it when it was committed already.
    std::optional<Outgoing> resend() const;

    // Replaces the document with a snapshot; pending local edits are dropped (returns how many
    // seqs were abandoned; their seqs are never reused).
    std::size_t reset(std::uint64_t revision, TextBuffer doc);

    const std::string& id() const noexcept { return id_; }
    std::uint64_t revision() const noexcept { return revision_; }
    const TextBuffer& document() const noexcept { return doc_; }
    bool synchronized() const noexcept { return !outstanding_; }
    bool has_buffer() const noexcept { return buffer_.has_value(); }
    std::uint64_t outstanding_seq() const noexcept { return outstanding_seq_; }
    std::uint64_t next_seq() const noexcept { return next_seq_; }

  private:
    std::string id_;
    std::uint64_t revision_;
    TextBuffer doc_;
    std::uint64_t next_seq_;
    std::optional<Operation> outstanding_;
    std::uint64_t outstanding_seq_ = 0;
    std::optional<Operation> buffer_;
};

}  // namespace interview::ot
