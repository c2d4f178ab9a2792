// The OT conformance vectors (tests/data/ot-vectors/): the C++ engine gives every stored answer.
// The web client, the Python test client and the relay benchmark's client run the same files, so
// the four copies of the algorithm cannot drift apart unnoticed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "vectors.hpp"

namespace interview::ot {
namespace {

JsonPtr load(const char* kind) {
    const std::string path = std::string(OT_VECTORS_DIR) + "/" + kind + ".json";
    json_error_t err;
    JsonPtr file = json_take(json_load_file(path.c_str(), 0, &err));
    EXPECT_TRUE(file) << path << ": " << err.text;
    return file;
}

std::string dump(const json_t* v) {
    if (v == nullptr) {
        return "(none)";
    }
    char* s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    std::string out(s);
    free(s);
    return out;
}

// Runs every case of tests/data/ot-vectors/<kind>.json; returns how many there were.
std::size_t run(const char* kind) {
    JsonPtr file = load(kind);
    if (!file) {
        return 0;
    }
    const json_t* cases = json_object_get(file.get(), "cases");
    EXPECT_TRUE(json_is_array(cases)) << kind << ".json has no \"cases\" array";
    for (std::size_t i = 0; i < json_array_size(cases); ++i) {
        const json_t* c = json_array_get(cases, i);
        const char* name = json_string_value(json_object_get(c, "name"));
        SCOPED_TRACE(std::string(kind) + " case " + (name != nullptr ? name : "(unnamed)"));
        std::string problem;
        JsonPtr got = vectors::answer(kind, c, problem);
        if (!got) {
            ADD_FAILURE() << "malformed case: " << problem;
            continue;
        }
        for (const char* key : vectors::kAnswerKeys) {
            const json_t* want = json_object_get(c, key);
            const json_t* have = json_object_get(got.get(), key);
            const bool same =
                want == nullptr ? have == nullptr : have != nullptr && json_equal(want, have);
            EXPECT_TRUE(same) << key << ": expected " << dump(want) << ", got " << dump(have);
        }
    }
    return json_array_size(cases);
}

TEST(OtVectors, Apply) {
    EXPECT_GT(run("apply"), 0u);
}

TEST(OtVectors, Compose) {
    EXPECT_GT(run("compose"), 0u);
}

TEST(OtVectors, Transform) {
    EXPECT_GT(run("transform"), 0u);
}

TEST(OtVectors, Cursor) {
    EXPECT_GT(run("cursor"), 0u);
}

}  // namespace
}  // namespace interview::ot
