// ot_vectors_tool: the C++ engine's answers for OT conformance cases, for
// tests/data/ot-vectors/generate.py. Reads one JSON object on stdin, {"<kind>": [case, ...], ...}
// with kind apply, compose, transform or cursor, and writes the same shape with each case's
// answer (vectors.hpp) in place of the case. Exit status 1 on a malformed input.
#include <cstdio>
#include <iostream>

#include "vectors.hpp"

int main() {
    using namespace interview;
    json_error_t err;
    JsonPtr in = json_take(json_loadf(stdin, 0, &err));
    if (!in || !json_is_object(in.get())) {
        std::cerr << "ot_vectors_tool: expected a JSON object on stdin: " << err.text << "\n";
        return 1;
    }
    JsonPtr out = json_take(json_object());
    const char* kind = nullptr;
    json_t* cases = nullptr;
    json_object_foreach(in.get(), kind, cases) {
        JsonPtr answers = json_take(json_array());
        for (std::size_t i = 0; i < json_array_size(cases); ++i) {
            std::string problem;
            JsonPtr a = ot::vectors::answer(kind, json_array_get(cases, i), problem);
            if (!a) {
                std::cerr << "ot_vectors_tool: " << kind << " case " << i << ": " << problem
                          << "\n";
                return 1;
            }
            json_array_append_new(answers.get(), a.release());
        }
        json_object_set_new(out.get(), kind, answers.release());
    }
    if (json_dumpf(out.get(), stdout, JSON_COMPACT) != 0) {
        return 1;
    }
    std::fputc('\n', stdout);
    return 0;
}
