#include "ot/client.hpp"

#include <utility>

namespace interview::ot {

Client::Client(std::string id, std::uint64_t revision, TextBuffer doc, std::uint64_t first_seq)
    : id_(std::move(id)), revision_(revision), doc_(std::move(doc)), next_seq_(first_seq) {}

Result<std::optional<Client::Outgoing>> Client::local_edit(const Operation& op) {
    if (auto st = doc_.apply(op); !st) {
        return std::move(st).error();
    }
    if (!outstanding_) {
        outstanding_ = op;
        outstanding_seq_ = next_seq_++;
        return std::optional<Outgoing>(Outgoing{outstanding_seq_, revision_, op});
    }
    if (!buffer_) {
        buffer_ = op;
    } else {
        auto composed = compose(*buffer_, op);
        if (!composed) {
            return std::move(composed).error();
        }
        buffer_ = std::move(*composed);
    }
    return std::optional<Outgoing>();
}

Result<std::optional<Client::Outgoing>> Client::receive(std::uint64_t revision, const Operation& op,
                                                        std::string_view from, std::uint64_t seq) {
    if (revision <= revision_) {
        return std::optional<Outgoing>();
    }
    if (revision != revision_ + 1) {
        return make_error(ErrorCode::invalid_state, "stream gap: at revision " +
                                                        std::to_string(revision_) + ", got " +
                                                        std::to_string(revision));
    }
    if (outstanding_ && from == id_ && seq == outstanding_seq_) {
        // Our own op back: the acknowledgement. The local document already has it.
        revision_ = revision;
        outstanding_.reset();
        if (buffer_) {
            outstanding_ = std::move(buffer_);
            buffer_.reset();
            outstanding_seq_ = next_seq_++;
            return std::optional<Outgoing>(Outgoing{outstanding_seq_, revision_, *outstanding_});
        }
        return std::optional<Outgoing>();
    }
    // Someone else's op (or one of ours abandoned by reset()): it was committed first, so it
    // goes first against what we have pending.
    Operation incoming = op;
    if (outstanding_) {
        auto p = transform(incoming, *outstanding_);
        if (!p) {
            return std::move(p).error();
        }
        incoming = std::move(p->first);
        outstanding_ = std::move(p->second);
        if (buffer_) {
            auto q = transform(incoming, *buffer_);
            if (!q) {
                return std::move(q).error();
            }
            incoming = std::move(q->first);
            buffer_ = std::move(q->second);
        }
    }
    if (auto st = doc_.apply(incoming); !st) {
        return std::move(st).error();
    }
    revision_ = revision;
    return std::optional<Outgoing>();
}

std::optional<Client::Outgoing> Client::resend() const {
    if (!outstanding_) {
        return std::nullopt;
    }
    return Outgoing{outstanding_seq_, revision_, *outstanding_};
}

std::size_t Client::reset(std::uint64_t revision, TextBuffer doc) {
    const std::size_t dropped = (outstanding_ ? 1 : 0) + (buffer_ ? 1 : 0);
    outstanding_.reset();
    buffer_.reset();
    revision_ = revision;
    doc_ = std::move(doc);
    return dropped;
}

}  // namespace interview::ot
