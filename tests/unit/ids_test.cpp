// The one id rule of the plugin and the service, ^[A-Za-z0-9_-]{1,64}$ (contract/ids.hpp). Its
// protocol-level names (interview and client ids) are covered in requests_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "contract/ids.hpp"

using interview::util::is_url_safe_id;

TEST(Ids, AcceptsOneToSixtyFourUrlSafeCharacters) {
    EXPECT_TRUE(is_url_safe_id("a"));
    EXPECT_TRUE(is_url_safe_id("Az09_-"));
    EXPECT_TRUE(is_url_safe_id(std::string(64, 'x')));
    EXPECT_FALSE(is_url_safe_id(std::string(65, 'x')));
    EXPECT_FALSE(is_url_safe_id(""));
}

TEST(Ids, RefusesAnythingAUrlOrKeyWouldHaveToEscape) {
    for (const char* bad :
         {"a/b", "a b", "a.b", "é", "a%2F", "'; DROP TABLE x;--", "a\nb", "a+b", "a=", "{iv:1}"}) {
        EXPECT_FALSE(is_url_safe_id(bad)) << bad;
    }
    // An embedded NUL is a character like any other, not the end of the id.
    EXPECT_FALSE(is_url_safe_id(std::string_view("ab\0cd", 5)));
}

// Usable where a constant is needed, e.g. to check fixed ids at compile time.
static_assert(interview::util::is_url_safe_id("iv-1_A"));
static_assert(!interview::util::is_url_safe_id("iv 1"));
