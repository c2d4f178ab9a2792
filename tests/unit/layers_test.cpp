// The layers' include rules, checked on the source tree itself (every #include line of every
// C++ file), so that a backward arrow fails the unit tests instead of growing unnoticed:
//
//   contract/          what the plugin and the service share; includes nothing of ours
//   plugin/core/       Janus-free: C++, Jansson and OpenSSL only. Inside it, a folder includes
//                      only folders of lower layers (the table below) and the two JSON helpers
//                      at its root.
//   plugin/adapters/   GLib, hiredis, libcurl; may include core and contract, never plugin/janus
//   plugin/janus/      the Janus surface; may include everything above
//   service/           its own headers and contract/ only (not the plugin)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = INTERVIEW_SOURCE_DIR;

// plugin/core's folders by layer: a folder may include its own and those of lower layers.
const std::map<std::string, int> kCoreLayers = {
    {"util", 0}, {"api", 0},   {"config", 0},   {"ot", 1},       {"access", 1},
    {"room", 2}, {"media", 3}, {"protocol", 4}, {"document", 5},
};

// System headers plugin/core may use besides the C and C++ standard libraries.
const std::set<std::string> kCoreLibraries = {"jansson.h", "openssl/evp.h", "openssl/sha.h"};

struct Include {
    fs::path file;
    int line = 0;
    std::string target;  // what is between the quotes or brackets
    bool system = false;
};

std::vector<Include> includes_under(const fs::path& dir) {
    static const std::regex kInclude(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
    std::vector<Include> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (!entry.is_regular_file() ||
            (ext != ".cpp" && ext != ".hpp" && ext != ".h" && ext != ".c")) {
            continue;
        }
        std::ifstream in(entry.path());
        std::string text;
        int n = 0;
        while (std::getline(in, text)) {
            ++n;
            std::smatch m;
            if (std::regex_search(text, m, kInclude)) {
                out.push_back(Include{entry.path(), n, m[2].str(), m[1].str() == "<"});
            }
        }
    }
    return out;
}

std::string where(const Include& inc) {
    return fs::relative(inc.file, kRoot).string() + ":" + std::to_string(inc.line) + ": " +
           inc.target;
}

bool is_standard_header(const std::string& name) {
    // <vector>, <cstdint>, <sys/stat.h> ...: no extension (C++), or a C library / POSIX one.
    return name.find('.') == std::string::npos ||
           std::regex_match(name, std::regex(R"((sys/|arpa/|netinet/)?[a-z0-9_]+\.h)"));
}

std::set<std::string> headers_in(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (ext == ".hpp" || ext == ".h") {
            names.insert(entry.path().filename().string());
        }
    }
    return names;
}

TEST(Layers, CoreFoldersIncludeOnlyLowerLayers) {
    const fs::path core = kRoot / "plugin/core";
    for (const auto& entry : fs::directory_iterator(core)) {
        if (entry.is_directory()) {
            EXPECT_TRUE(kCoreLayers.count(entry.path().filename().string()))
                << "plugin/core/" << entry.path().filename().string()
                << " has no layer in tests/unit/layers_test.cpp: give it one";
        }
    }
    std::size_t checked = 0;
    for (const Include& inc : includes_under(core)) {
        ++checked;
        const std::string folder = fs::relative(inc.file, core).begin()->string();
        if (inc.system) {
            EXPECT_TRUE(is_standard_header(inc.target) || kCoreLibraries.count(inc.target))
                << where(inc) << ": plugin/core is Janus-free: no GLib, hiredis, curl or Janus";
            continue;
        }
        const auto slash = inc.target.find('/');
        if (slash == std::string::npos) {
            // Same folder (a .cpp next to its header), or the JSON helpers at the core's root.
            const bool sibling = fs::exists(inc.file.parent_path() / inc.target);
            EXPECT_TRUE(sibling || inc.target == "json_ptr.hpp" || inc.target == "json_text.hpp")
                << where(inc) << ": not a core header (adapters and janus are above the core)";
            continue;
        }
        const std::string to = inc.target.substr(0, slash);
        if (to == "contract" || to == folder) {
            continue;
        }
        ASSERT_TRUE(kCoreLayers.count(folder)) << where(inc);
        const auto target_layer = kCoreLayers.find(to);
        ASSERT_NE(target_layer, kCoreLayers.end()) << where(inc) << ": unknown folder";
        EXPECT_LT(target_layer->second, kCoreLayers.at(folder))
            << where(inc) << ": " << folder << " (layer " << kCoreLayers.at(folder)
            << ") may not include " << to << " (layer " << target_layer->second << ")";
    }
    EXPECT_GT(checked, 100u);  // the walk really read the tree
}

TEST(Layers, AdaptersNeverIncludeTheJanusSurface) {
    const std::set<std::string> janus_headers = headers_in(kRoot / "plugin/janus");
    ASSERT_TRUE(janus_headers.count("runtime.hpp"));
    for (const Include& inc : includes_under(kRoot / "plugin/adapters")) {
        EXPECT_FALSE(!inc.system && janus_headers.count(inc.target))
            << where(inc) << ": adapters are below plugin/janus";
        EXPECT_NE(inc.target.rfind("janus/", 0), 0u) << where(inc);
    }
}

TEST(Layers, TheServiceAndTheContractIncludeNothingOfThePlugin) {
    const std::set<std::string> service_headers = headers_in(kRoot / "service/src");
    for (const char* dir : {"service/src", "service/tests"}) {
        for (const Include& inc : includes_under(kRoot / dir)) {
            if (inc.system || inc.target.rfind("contract/", 0) == 0 ||
                service_headers.count(inc.target) ||
                fs::exists(inc.file.parent_path() / inc.target)) {
                continue;
            }
            ADD_FAILURE() << where(inc) << ": the service shares only contract/ with the plugin";
        }
    }
    for (const Include& inc : includes_under(kRoot / "contract")) {
        EXPECT_TRUE(inc.system || inc.target.rfind("contract/", 0) == 0) << where(inc);
        if (inc.system) {
            EXPECT_TRUE(is_standard_header(inc.target)) << where(inc);
        }
    }
}

}  // namespace
