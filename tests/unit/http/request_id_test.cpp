#include <scout/http/request_id.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace scout::http {
namespace {

TEST(RequestIdRules, AcceptsPrintableUpTo128Characters) {
    EXPECT_TRUE(is_acceptable_request_id("abc"));
    EXPECT_TRUE(is_acceptable_request_id("a b/c:d=e"));
    EXPECT_TRUE(is_acceptable_request_id(std::string(128, 'x')));
    EXPECT_TRUE(is_acceptable_request_id("~!@#$%^&*()"));
}

TEST(RequestIdRules, RejectsEmptyTooLongControlAndNonAscii) {
    EXPECT_FALSE(is_acceptable_request_id(""));
    EXPECT_FALSE(is_acceptable_request_id(std::string(129, 'x')));
    EXPECT_FALSE(is_acceptable_request_id("abc\n"));
    EXPECT_FALSE(is_acceptable_request_id("a\tb"));
    EXPECT_FALSE(is_acceptable_request_id(std::string("a\0b", 3)));
    EXPECT_FALSE(is_acceptable_request_id("caf\xc3\xa9"));
    EXPECT_FALSE(is_acceptable_request_id("\x7f"));
    EXPECT_FALSE(is_acceptable_request_id(" leading"));
    EXPECT_FALSE(is_acceptable_request_id("trailing "));
}

TEST(RequestIdRules, MintsUnique128BitHexIds) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = mint_request_id();
        ASSERT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
        EXPECT_TRUE(is_acceptable_request_id(id));
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 1000U);
}

}  // namespace
}  // namespace scout::http
