#include <scout/cache/errors.hpp>

#include <gtest/gtest.h>

namespace scout::cache {
namespace {

TEST(CacheErrc, ConvertsToErrorCodeOfTheCacheCategory) {
    const boost::system::error_code ec = cache_errc::kTimeout;
    EXPECT_EQ(&ec.category(), &cache_category());
    EXPECT_STREQ(ec.category().name(), "scout.cache");
    EXPECT_EQ(ec.message(), "cache store timed out");
    EXPECT_TRUE(ec == cache_errc::kTimeout);
    EXPECT_FALSE(ec == cache_errc::kUnavailable);
    EXPECT_EQ(
        boost::system::error_code(cache_errc::kCorruptValue).message(),
        "cached value could not be decoded"
    );
    EXPECT_EQ(
        boost::system::error_code(cache_errc::kValueTooLarge).message(),
        "cached value is larger than accepted"
    );
}

}  // namespace
}  // namespace scout::cache
