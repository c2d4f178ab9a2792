#include "crypto.h"
#include "contract/ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace isvc;

std::string b64(const std::string& s) {
    return base64url(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

TEST(Crypto, Base64UrlVectors) {
    // RFC 4648 test vectors, without padding.
    EXPECT_EQ(b64(""), "");
    EXPECT_EQ(b64("f"), "Zg");
    EXPECT_EQ(b64("fo"), "Zm8");
    EXPECT_EQ(b64("foo"), "Zm9v");
    EXPECT_EQ(b64("foob"), "Zm9vYg");
    EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
    // The URL-safe alphabet: '-' and '_' instead of '+' and '/'.
    EXPECT_EQ(b64("\xfb\xff"), "-_8");
}

TEST(Crypto, Sha256KnownAnswer) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Crypto, IdsAndTokensAreRandomUrlSafe) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = new_id();
        const std::string token = new_token();
        EXPECT_EQ(id.size(), 22u);     // 128 bits
        EXPECT_EQ(token.size(), 43u);  // 256 bits
        EXPECT_TRUE(interview::util::is_url_safe_id(id));
        EXPECT_TRUE(interview::util::is_url_safe_id(token));
        EXPECT_TRUE(seen.insert(id).second);
        EXPECT_TRUE(seen.insert(token).second);
    }
}

TEST(Crypto, ConstantTimeEquals) {
    EXPECT_TRUE(constant_time_equals("secret-key-123456", "secret-key-123456"));
    EXPECT_FALSE(constant_time_equals("secret-key-123456", "secret-key-123457"));
    EXPECT_FALSE(constant_time_equals("secret-key-123456", "secret-key-12345"));
    EXPECT_FALSE(constant_time_equals("", "x"));
    EXPECT_TRUE(constant_time_equals("", ""));
}

}  // namespace
