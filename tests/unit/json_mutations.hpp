// Inputs for the JSON differential tests (json_reader_test, data_message_parser_test): every
// file of the fuzz corpus and regressions, each of their lines, and deterministic mutations.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace interview::test {

using namespace std::string_literals;

inline std::vector<std::string> corpus_texts() {
    std::vector<std::string> texts;
    const std::filesystem::path root = std::filesystem::path(INTERVIEW_SOURCE_DIR) / "tests/fuzz";
    for (const char* dir : {"corpus", "regressions"}) {
        if (!std::filesystem::exists(root / dir)) {
            continue;
        }
        for (const auto& entry : std::filesystem::recursive_directory_iterator(root / dir)) {
            if (!entry.is_regular_file()) {
                continue;
            }
            std::ifstream in(entry.path(), std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            const std::string file = ss.str();
            texts.push_back(file);
            // Line-based targets: each line, and each line without its first byte (the
            // document target's sender).
            std::size_t from = 0;
            while (from < file.size()) {
                std::size_t to = file.find('\n', from);
                to = to == std::string::npos ? file.size() : to;
                const std::string line = file.substr(from, to - from);
                texts.push_back(line);
                if (line.size() > 1) {
                    texts.push_back(line.substr(1));
                }
                from = to + 1;
            }
        }
    }
    return texts;
}

struct Lcg {
    std::uint64_t state;
    std::uint64_t next() {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return state >> 33;
    }
    std::size_t below(std::size_t n) { return n == 0 ? 0 : next() % n; }
};

inline std::string mutate(const std::string& text, Lcg& rng) {
    static const std::string kInserts[] = {"\0"s,
                                           "1\0"s,
                                           "\"",
                                           "\\",
                                           "{",
                                           "[",
                                           "}",
                                           "]",
                                           ",",
                                           ":",
                                           "0",
                                           "7",
                                           "-",
                                           ".",
                                           "e",
                                           " ",
                                           "\\ud800",
                                           "\\udc00",
                                           "\\u0000",
                                           "\\ud83d\\ude00",
                                           "99999999999999999999",
                                           "1e999",
                                           "\xFF",
                                           "\xC0\xAF",
                                           "\xE9",
                                           "\"a\":1,",
                                           "null",
                                           "\"seq\":",
                                           "\x01"};
    std::string s = text;
    const int rounds = 1 + static_cast<int>(rng.below(3));
    for (int i = 0; i < rounds; ++i) {
        const std::size_t at = rng.below(s.size() + 1);
        switch (rng.below(4)) {
            case 0:
                if (!s.empty()) {
                    s[std::min(at, s.size() - 1)] ^= static_cast<char>(1 << rng.below(8));
                }
                break;
            case 1:
                s.resize(at);
                break;
            case 2:
                s.insert(at, kInserts[rng.below(std::size(kInserts))]);
                break;
            default:
                if (at < s.size()) {
                    s.erase(at, 1 + rng.below(4));
                }
                break;
        }
    }
    return s;
}

}  // namespace interview::test
