// Editing traces in the josephg/editing-traces "sequential" format (gzip JSON):
//   { "startContent": "...", "endContent": "...",
//     "txns": [ { "patches": [ [pos, deleteCount, "inserted text"], ... ] }, ... ] }
// Loaded once into flat arrays (one UTF-16 pool for all inserted text) so replaying measures the
// engine, not JSON parsing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ot/result.hpp"

namespace interview::tools {

struct Patch {
    std::size_t pos;
    std::size_t remove;
    std::size_t text_offset;  // into Trace::text_pool
    std::size_t text_length;
};

struct Trace {
    std::string name;
    std::u16string start;
    std::string end_utf8;
    std::vector<Patch> patches;
    std::vector<std::size_t> txn_end;  // patches [txn_end[i-1], txn_end[i]) form transaction i
    std::u16string text_pool;

    std::u16string_view text(const Patch& p) const {
        return std::u16string_view(text_pool).substr(p.text_offset, p.text_length);
    }
};

// Reads and decodes a gzip (or plain) JSON trace. Errors carry the reason (I/O, gzip, JSON, shape).
ot::Result<Trace> load_trace(const std::string& path);

}  // namespace interview::tools
