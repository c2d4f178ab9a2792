#include "secret_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace interview::adapters {

std::variant<Secret, std::string> read_secret_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return "cannot read '" + path + "': " + std::strerror(errno);
    }
    std::string text(4097, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > 4096) {
        return "'" + path + "' is longer than 4096 bytes: is it really a key?";
    }
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && is_space(text.back())) {
        text.pop_back();
    }
    size_t start = 0;
    while (start < text.size() && is_space(text[start])) {
        ++start;
    }
    text.erase(0, start);
    if (text.size() < 16) {
        return "'" + path + "' holds " + std::to_string(text.size()) +
               " characters; a key needs at least 16";
    }
    for (char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return "'" + path + "' has a control character inside the key";
        }
    }
    return Secret(std::move(text));
}

}  // namespace interview::adapters
