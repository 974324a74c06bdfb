#include <scout/cache/redis_client.hpp>

#include <gtest/gtest.h>

namespace scout::cache {
namespace {

TEST(RedisUrl, ParsesHostPortAndDb) {
    const auto url = parse_redis_url("redis://cache.internal:6380/3");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "cache.internal");
    EXPECT_EQ(url->port, 6380);
    EXPECT_EQ(url->db, 3);
    EXPECT_EQ(url->user, "");
    EXPECT_EQ(url->password, "");
    EXPECT_EQ(url->display(), "cache.internal:6380/3");
}

TEST(RedisUrl, DefaultsPortTo6379AndDbTo0) {
    const auto url = parse_redis_url("redis://127.0.0.1");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, 6379);
    EXPECT_EQ(url->db, 0);
}

TEST(RedisUrl, PasswordOnlyUserinfo) {
    const auto url = parse_redis_url("redis://:hunter2@cache/1");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->user, "");
    EXPECT_EQ(url->password, "hunter2");
    EXPECT_EQ(url->host, "cache");
    EXPECT_EQ(url->db, 1);
}

TEST(RedisUrl, AclUserAndPassword) {
    const auto url = parse_redis_url("redis://app:pw@cache:6379/0");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->user, "app");
    EXPECT_EQ(url->password, "pw");
}

TEST(RedisUrl, UserinfoWithoutColonIsALegacyPassword) {
    const auto url = parse_redis_url("redis://secret@cache");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->user, "");
    EXPECT_EQ(url->password, "secret");
}

TEST(RedisUrl, PasswordMayContainColonsAndAtSignsAndIsPercentDecoded) {
    // The last '@' ends the userinfo; the first ':' splits user from password.
    const auto url = parse_redis_url("redis://u:p:a@ss%2Fw%zz@cache");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->user, "u");
    EXPECT_EQ(url->password, "p:a@ss/w%zz");  // an invalid %-sequence is kept as is
    EXPECT_EQ(url->host, "cache");
}

TEST(RedisUrl, BracketedIpv6Host) {
    const auto url = parse_redis_url("redis://:pw@[::1]:7000/2");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, 7000);
    EXPECT_EQ(url->db, 2);
    EXPECT_EQ(url->display(), "[::1]:7000/2");
}

TEST(RedisUrl, DisplayNeverShowsCredentials) {
    const auto url = parse_redis_url("redis://admin:topsecret@cache:6379/0");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->display().find("topsecret"), std::string::npos);
    EXPECT_EQ(url->display().find("admin"), std::string::npos);
}

TEST(RedisUrl, RejectsMalformedUrls) {
    for (const char* bad : {
             "",
             "cache:6379",
             "http://cache",
             "rediss://cache",
             "redis://",
             "redis://@cache",
             "redis://cache:",
             "redis://cache:0",
             "redis://cache:65536",
             "redis://cache:12x",
             "redis://cache/",
             "redis://cache/x",
             "redis://cache/1/2",
             "redis://::1:6379",
             "redis://[::1",
             "redis://[::1]x",
             "redis://[cache]:6379",
             "redis://ca che",
         }) {
        EXPECT_FALSE(parse_redis_url(bad)) << bad;
    }
}

}  // namespace
}  // namespace scout::cache
