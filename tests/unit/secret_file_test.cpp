// Secrets read from files: trimmed, length-checked, never shorter than 16 characters.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "secret_file.hpp"

using interview::adapters::read_secret_file;
using interview::adapters::Secret;

namespace {

std::string write_temp(const std::string& content) {
    char path[] = "/tmp/iv-secret-XXXXXX";
    const int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

}  // namespace

TEST(SecretFile, ReadsAndTrimsAKey) {
    const auto path = write_temp("  0123456789abcdefXYZ\n");
    auto r = read_secret_file(path);
    ASSERT_TRUE(std::holds_alternative<Secret>(r)) << std::get<std::string>(r);
    EXPECT_EQ(std::get<Secret>(r).reveal(), "0123456789abcdefXYZ");
    std::remove(path.c_str());
}

TEST(SecretFile, RefusesMissingShortLongAndControlCharacters) {
    auto missing = read_secret_file("/nonexistent/iv-key");
    ASSERT_TRUE(std::holds_alternative<std::string>(missing));
    EXPECT_NE(std::get<std::string>(missing).find("cannot read"), std::string::npos);

    const struct {
        std::string content;
        const char* fragment;
    } cases[] = {
        {"short\n", "at least 16"},
        {"", "at least 16"},
        {std::string(5000, 'k'), "longer than 4096"},
        {std::string("0123456789") + char(1) + "abcdefgh", "control character"},
    };
    for (const auto& c : cases) {
        const auto path = write_temp(c.content);
        auto r = read_secret_file(path);
        ASSERT_TRUE(std::holds_alternative<std::string>(r));
        EXPECT_NE(std::get<std::string>(r).find(c.fragment), std::string::npos)
            << std::get<std::string>(r);
        std::remove(path.c_str());
    }
}
