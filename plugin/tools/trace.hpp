// Editing traces in the josephg/editing-traces "sequential" format (gzip JSON):
//   { "startContent": "...", "endContent": "...",
//     "txns": [ { "patches": [ [pos, deleteCount, "inserted text"], ... ] }, ... ] }
// Loaded once into flat arrays (one UTF-16 pool for all inserted text) so replaying measures the
// engine, not JSON parsing. The format counts positions and lengths in Unicode code points; they
// are converted on loading to UTF-16 code units (what the engine and Monaco count), following the
// recorded document through the patches, so characters outside the BMP (two units) count right.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ot/result.hpp"

namespace interview::tools {

struct Patch {
    std::size_t pos;          // UTF-16 code units (converted from the trace's code points)
    std::size_t remove;       // UTF-16 code units
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

// Reads and decodes a gzip (or plain) JSON trace. Errors carry the reason (I/O, gzip, JSON, shape,
// position_out_of_range for a patch that runs past the recorded document).
ot::Result<Trace> load_trace(const std::string& path);

}  // namespace interview::tools
