// The recorded editing traces (tests/data/traces, CC BY 4.0, see the README there): each file
// matches SHA256SUMS, replays through the Authority to exactly its endContent, and replays as
// concurrent clients that converge.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ot/text_buffer.hpp"
#include "replay.hpp"
#include "sim.hpp"
#include "test_util.hpp"
#include "trace.hpp"

namespace interview::tools {
namespace {

const char* kTraces[] = {"automerge-paper", "seph-blog1", "rustcode", "sveltecomponent"};

std::string path_of(const std::string& name) {
    return std::string(OT_TRACE_DIR) + "/" + name + ".json.gz";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(Traces, FilesMatchSha256Sums) {
    const std::string sums = read_file(std::string(OT_TRACE_DIR) + "/SHA256SUMS");
    ASSERT_FALSE(sums.empty());
    for (const char* name : kTraces) {
        const std::string digest = ot::sha256_hex(read_file(path_of(name)));
        EXPECT_NE(sums.find(digest + "  "), std::string::npos) << name;
    }
}

class TraceReplay : public ::testing::TestWithParam<const char*> {};

TEST_P(TraceReplay, ReachesEndContent) {
    auto trace = load_trace(path_of(GetParam()));
    ASSERT_TRUE(trace.ok()) << trace.error().message;
    auto r = replay_single(*trace);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->edits, trace->patches.size());
    EXPECT_TRUE(r->text == trace->end_utf8) << GetParam() << ": final text differs";
    EXPECT_EQ(r->checksum, ot::sha256_hex(trace->end_utf8));
}

INSTANTIATE_TEST_SUITE_P(All, TraceReplay, ::testing::ValuesIn(kTraces));

// A trace of our own whose positions and lengths count code points, with characters outside the
// BMP (two UTF-16 units each) inserted, deleted and edited around.
class AstralTrace : public ::testing::Test {
  protected:
    void SetUp() override {
        char dir[] = "/tmp/interview-trace-XXXXXX";
        ASSERT_NE(mkdtemp(dir), nullptr);
        dir_ = dir;
    }
    void TearDown() override {
        std::remove(path_.c_str());
        rmdir(dir_.c_str());
    }
    std::string write(const std::string& json) {
        path_ = dir_ + "/astral.json";  // plain JSON: the loader reads gzip and plain alike
        std::ofstream(path_, std::ios::binary) << json;
        return path_;
    }
    std::string dir_;
    std::string path_;
};

TEST_F(AstralTrace, PositionsCountCodePoints) {
    // start "a😀b" (3 code points, 4 units); every step below is in code points:
    //   [3, 0, "🎉"]  -> "a😀b🎉"      insert after an emoji and at the end
    //   [1, 1, "x"]   -> "axb🎉"       delete one code point that is two units
    //   [4, 0, "𝄞!"]  -> "axb🎉𝄞!"     position after an emoji
    //   [3, 2, ""]    -> "axb!"        delete two astral characters
    //   [0, 0, "👩‍💻"]  -> "👩‍💻axb!"      a ZWJ sequence: 3 code points, 5 units
    //   [3, 1, "é"]   -> "👩‍💻éxb!"      delete the first ASCII letter after it
    const std::string json = R"({"startContent":"a😀b","endContent":"👩‍💻éxb!","txns":[)"
                             R"({"patches":[[3,0,"🎉"],[1,1,"x"]]},)"
                             R"({"patches":[[4,0,"𝄞!"]]},{"patches":[[3,2,""]]},)"
                             R"({"patches":[[0,0,"👩‍💻"],[3,1,"é"]]}]})";
    auto trace = load_trace(write(json));
    ASSERT_TRUE(trace.ok()) << trace.error().message;
    ASSERT_EQ(trace->patches.size(), 6u);
    // The conversion itself, in UTF-16 units.
    EXPECT_EQ(trace->patches[0].pos, 4u);
    EXPECT_EQ(trace->patches[1].pos, 1u);
    EXPECT_EQ(trace->patches[1].remove, 2u);
    EXPECT_EQ(trace->patches[2].pos, 5u);
    EXPECT_EQ(trace->patches[3].pos, 3u);
    EXPECT_EQ(trace->patches[3].remove, 4u);
    EXPECT_EQ(trace->patches[5].pos, 5u);
    EXPECT_EQ(trace->patches[5].remove, 1u);
    auto r = replay_single(*trace);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->text, trace->end_utf8);
    EXPECT_EQ(r->checksum, ot::sha256_hex(trace->end_utf8));
}

TEST_F(AstralTrace, PatchPastTheDocumentIsRefused) {
    // "😀" is one code point: position 2 is past its end although it is two units long.
    auto trace = load_trace(write(R"({"startContent":"😀","endContent":"","txns":[)"
                                  R"({"patches":[[2,0,"x"]]}]})"));
    ASSERT_FALSE(trace.ok());
    EXPECT_EQ(trace.error().code, ot::ErrorCode::position_out_of_range);
}

TEST(Traces, ConcurrentClientsConverge) {
    auto trace = load_trace(path_of("sveltecomponent"));
    ASSERT_TRUE(trace.ok()) << trace.error().message;
    for (std::size_t clients : {2u, 3u}) {
        SimOptions o;
        o.clients = clients;
        o.seed = ot::test::base_seed() + clients;
        SCOPED_TRACE("seed " + std::to_string(o.seed));
        auto r = replay_concurrent(*trace, o);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_GT(r->transformed, 1000u);  // concurrency really happened
        EXPECT_EQ(r->final_checksum, ot::sha256_hex(r->final_text));
    }
}

}  // namespace
}  // namespace interview::tools
