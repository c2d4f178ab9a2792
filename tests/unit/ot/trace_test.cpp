// The recorded editing traces (tests/data/traces, CC BY 4.0, see the README there): each file
// matches SHA256SUMS, replays through the Authority to exactly its endContent, and replays as
// concurrent clients that converge.
#include <gtest/gtest.h>

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
