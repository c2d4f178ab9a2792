// Helpers for the OT tests: seeds, random documents (always with surrogate pairs) and random
// valid operations.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include "ot/operation.hpp"
#include "ot/text_buffer.hpp"
#include "ot/utf.hpp"

namespace interview::ot::test {

// OT_SEED from the environment, or a fresh random seed. Every property test prints it via
// SCOPED_TRACE so a failure can be replayed with OT_SEED=<seed>.
inline std::uint64_t base_seed() {
    static const std::uint64_t seed = [] {
        if (const char* s = std::getenv("OT_SEED"); s != nullptr && *s != '\0') {
            return static_cast<std::uint64_t>(std::strtoull(s, nullptr, 10));
        }
        return static_cast<std::uint64_t>(std::random_device{}()) << 32 ^ std::random_device{}();
    }();
    return seed;
}

// Property iterations: OT_ITERATIONS overrides (e.g. more for a soak run).
inline int iterations(int normal) {
    if (const char* s = std::getenv("OT_ITERATIONS"); s != nullptr && *s != '\0') {
        return std::atoi(s);
    }
    return normal;
}

inline std::u16string u16(const char* utf8) {
    return utf8_to_utf16(utf8).value();
}
inline std::string u8(std::u16string_view s) {
    return utf16_to_utf8(s);
}

// Random text drawn from ASCII, LF, Latin, CJK, combining marks and astral characters (emoji),
// so surrogate pairs are everywhere.
inline std::u16string random_text(std::mt19937_64& rng, std::size_t max_units) {
    static const char16_t* pieces[] = {
        u"a",          u"b",          u"z",  u" ",       u"\n",         u"é",
        u"ß",          u"中",         u"文", u"e\u0301", u"\U0001F600", u"\U0001F44D\U0001F3FD",
        u"\U00020000", u"\U0001D11E", u"x"};
    std::uniform_int_distribution<std::size_t> len(0, max_units);
    std::uniform_int_distribution<std::size_t> which(0, std::size(pieces) - 1);
    const std::size_t target = len(rng);
    std::u16string out;
    while (out.size() < target) {
        out += pieces[which(rng)];
    }
    return out;
}

// Positions in `doc` that are not inside a surrogate pair.
inline std::size_t random_boundary(std::mt19937_64& rng, std::u16string_view doc, std::size_t from,
                                   std::size_t to) {
    std::size_t p = std::uniform_int_distribution<std::size_t>(from, to)(rng);
    if (p > 0 && p < doc.size() && is_high_surrogate(doc[p - 1]) && is_low_surrogate(doc[p])) {
        --p;
        if (p < from) {
            p += 2;
        }
    }
    return p;
}

// A random valid operation on `doc` (never splits a pair): several retain/delete/insert runs.
inline Operation random_op(std::mt19937_64& rng, std::u16string_view doc) {
    Operation op;
    std::size_t pos = 0;
    std::uniform_int_distribution<int> kind(0, 3);
    while (pos < doc.size()) {
        const std::size_t next = random_boundary(rng, doc, pos, doc.size());
        const std::size_t n = next - pos;
        switch (kind(rng)) {
            case 0:
            case 1:
                op.retain(n);
                break;
            case 2:
                op.erase(n);
                break;
            default:
                op.insert(random_text(rng, 6));
                op.retain(n);
                break;
        }
        pos = next;
        if (n == 0 && std::uniform_int_distribution<int>(0, 3)(rng) == 0) {
            break;  // also produce ops that end early (finished below)
        }
    }
    if (pos < doc.size()) {
        op.retain(doc.size() - pos);
    }
    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
        op.insert(random_text(rng, 4));
    }
    return op;
}

}  // namespace interview::ot::test
