// Helpers shared by the fuzz targets in this folder: the invariant check that stops the run
// (libFuzzer, and the replay driver, report the input that broke it) and input splitting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace interview::fuzz {

/// An invariant that must hold for every input: a failure is a bug, reported with its place.
[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n", file, line, what);
    std::abort();
}

#define FUZZ_CHECK(cond)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            ::interview::fuzz::invariant_failed(#cond, __FILE__, __LINE__); \
        }                                                                   \
    } while (false)

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Splits `text` on `separator` (the pieces do not include it; an empty text gives one piece).
inline std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> out;
    for (;;) {
        const std::size_t at = text.find(separator);
        out.push_back(text.substr(0, at));
        if (at == std::string_view::npos) {
            return out;
        }
        text.remove_prefix(at + 1);
    }
}

/// Reads bytes as small numbers, 0 once the input is used up (for structure-aware targets).
class ByteReader {
  public:
    ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return pos_ >= size_; }
    std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
    /// A number in [0, limit] (0 when limit is 0).
    std::size_t upto(std::size_t limit) {
        if (limit == 0) {
            return 0;
        }
        const std::size_t v = static_cast<std::size_t>(byte()) << 8 | byte();
        return v % (limit + 1);
    }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace interview::fuzz
