// Validation of an operation against the document it is about to be applied to. Everything the
// authority accepts keeps three invariants: the document is valid UTF-16 (so its UTF-8 copy in
// Redis is valid UTF-8), it contains no CR (documents are LF-only), and it stays under the caps.
#pragma once

#include <cstddef>
#include <string_view>

#include "ot/operation.hpp"
#include "ot/result.hpp"
#include "ot/text_buffer.hpp"

namespace interview::ot {

struct Limits {
    // The document cap counts UTF-8 bytes, not UTF-16 units: the copy that has to fit in Redis
    // (and in a snapshot message) is UTF-8, and a UTF-16 cap would allow up to 3x as many bytes.
    std::size_t max_document_bytes = 1u << 20;  // 1 MiB of UTF-8
    std::size_t max_insert_units = 1u << 20;    // UTF-16 units inserted by one operation
    std::size_t max_components = 1u << 14;      // components in one operation
    std::size_t max_client_id_bytes = 128;      // Authority::submit's client id
};

// Checks, in this order: component count, base length, inserted size, inserted text (CR, lone
// surrogates), boundaries inside surrogate pairs, resulting document size. A document already
// over max_document_bytes (e.g. after lowering the cap) still accepts operations that do not make
// it bigger, so it can be trimmed.
Status validate(const Operation& op, const TextBuffer& doc, const Limits& limits);

// Inserted-text rules alone (no CR, no lone surrogate), for one piece of text.
Status validate_text(std::u16string_view text);

// A whole document (snapshot) must obey the same rules as inserted text, and the size cap.
Status validate_document(const TextBuffer& doc, const Limits& limits);

}  // namespace interview::ot
