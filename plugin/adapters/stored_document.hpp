// What loading a document reads from Redis, and how that reply is read. RedisStore::load sends
// one transaction (MULTI, HGETALL {iv:<id>}:doc, HGETALL {iv:<id>}:seqs, XRANGE {iv:<id>}:log - +,
// EXEC); parse_stored_document turns the EXEC reply into a StoredDocument. It is free of hiredis
// (RedisValue mirrors the part of a reply it reads) so that it can be tested and fuzzed on its
// own (tests/fuzz, target redis_load); redis_store.cpp only converts hiredis's reply into it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "document/document.hpp"

namespace interview::adapters {

/// One committed operation as Redis keeps it (one entry of the log stream).
struct StoredOp {
    std::uint64_t revision = 0;
    std::string op_json;
    std::string client_id;  ///< scoped: participant id ':' client id
    std::uint64_t seq = 0;  ///< 0: a piece of an edit whose last piece carries the seq
    std::string author;
};

struct StoredDocument {
    bool exists = false;
    std::uint64_t head = 0;
    std::uint64_t snapshot_revision = 0;
    std::string snapshot_text;
    std::string language;
    std::string state;
    std::vector<std::pair<std::string, std::uint64_t>> last_seq;
    std::vector<StoredOp> log;  ///< revision order, as kept (may start before the snapshot)
};

/// A Redis reply as the load reads it: strings (bulk or status) point into the reply they were
/// taken from, which must outlive this value.
struct RedisValue {
    enum class Type { nil, string, integer, array, error, other };
    Type type = Type::nil;
    std::string_view str;  ///< string, status and error replies
    long long integer = 0;
    std::vector<RedisValue> elements;
};

/// Reads the EXEC reply of a load: an array of the three replies above. Refused with a reason
/// (the caller tries again later; a document is never silently replaced by an empty one): not
/// an array of three, one of the three an error (e.g. WRONGTYPE), or a revision or seq (head,
/// snap, a seq, a log entry's id or seq) that is not plain decimal digits up to 2^53 (a "-1"
/// once read as 2^64 - 1). Inside, what is not of the expected shape is skipped, as before: a
/// log entry that is not [id, [field, value, ...]], a field without its value.
std::variant<StoredDocument, std::string> parse_stored_document(const RedisValue& exec_reply);

}  // namespace interview::adapters
