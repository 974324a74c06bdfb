#include "config/parse.hpp"

#include <scout/core/nearest_name.hpp>

#include <gtest/gtest.h>

namespace scout::config::detail {
namespace {

TEST(ConfigParse, IntegersMustBeTheWholeText) {
    EXPECT_EQ(parse_int64("42"), 42);
    EXPECT_EQ(parse_int64("-7"), -7);
    EXPECT_FALSE(parse_int64(""));
    EXPECT_FALSE(parse_int64(" 1"));
    EXPECT_FALSE(parse_int64("1 "));
    EXPECT_FALSE(parse_int64("1.0"));
    EXPECT_FALSE(parse_int64("0x10"));
    EXPECT_FALSE(parse_int64("99999999999999999999"));
    EXPECT_EQ(parse_uint64("18446744073709551615"), 18446744073709551615ULL);
    EXPECT_FALSE(parse_uint64("-1"));
    EXPECT_FALSE(parse_uint64("+1"));
}

TEST(ConfigParse, Doubles) {
    EXPECT_EQ(parse_double("1.5"), 1.5);
    EXPECT_EQ(parse_double("2"), 2.0);
    EXPECT_EQ(parse_double("1e-1"), 0.1);
    EXPECT_FALSE(parse_double("1,5"));
    EXPECT_FALSE(parse_double("abc"));
    EXPECT_FALSE(parse_double(""));
}

TEST(ConfigParse, BoolsAcceptTrueFalseOneZero) {
    EXPECT_EQ(parse_bool("true"), true);
    EXPECT_EQ(parse_bool("1"), true);
    EXPECT_EQ(parse_bool("false"), false);
    EXPECT_EQ(parse_bool("0"), false);
    EXPECT_FALSE(parse_bool("yes"));
    EXPECT_FALSE(parse_bool("TRUE"));
    EXPECT_FALSE(parse_bool(""));
}

TEST(ConfigParse, TrimRemovesWhitespaceAndLineEndsAtBothEnds) {
    EXPECT_EQ(trim(" \t key \r\n"), "key");
    EXPECT_EQ(trim("a b"), "a b");
    EXPECT_EQ(trim("\r\n"), "");
    EXPECT_EQ(trim(""), "");
}

TEST(ConfigParse, Ipv4AndHostnames) {
    EXPECT_TRUE(is_ipv4("0.0.0.0"));
    EXPECT_TRUE(is_ipv4("255.255.255.255"));
    EXPECT_FALSE(is_ipv4("256.0.0.1"));
    EXPECT_FALSE(is_ipv4("1.2.3"));
    EXPECT_FALSE(is_ipv4("1.2.3.4.5"));
    EXPECT_FALSE(is_ipv4("01.2.3.4"));
    EXPECT_FALSE(is_ipv4("1..3.4"));
    EXPECT_TRUE(is_hostname("api-sg.aliexpress.com"));
    EXPECT_TRUE(is_hostname("localhost"));
    EXPECT_FALSE(is_hostname("-bad.example"));
    EXPECT_FALSE(is_hostname("bad-.example"));
    EXPECT_FALSE(is_hostname("a..b"));
    EXPECT_FALSE(is_hostname("under_score.example"));
    EXPECT_FALSE(is_hostname(""));
    EXPECT_TRUE(is_ipv6("::1"));
    EXPECT_TRUE(is_ipv6("2001:db8::8a2e:370:7334"));
    EXPECT_FALSE(is_ipv6("::g"));
    EXPECT_FALSE(is_ipv6(""));
}

TEST(ConfigParse, Ports) {
    EXPECT_EQ(parse_port("1"), 1);
    EXPECT_EQ(parse_port("65535"), 65535);
    EXPECT_FALSE(parse_port("0"));
    EXPECT_FALSE(parse_port("65536"));
    EXPECT_FALSE(parse_port("-1"));
    EXPECT_FALSE(parse_port(""));
    EXPECT_FALSE(parse_port("80a"));
}

TEST(ConfigParse, ListenAddress) {
    EXPECT_TRUE(is_listen_address("127.0.0.1:8080"));
    EXPECT_TRUE(is_listen_address("0.0.0.0:1"));
    EXPECT_TRUE(is_listen_address("localhost:8080"));
    EXPECT_TRUE(is_listen_address("[::]:8080"));
    EXPECT_TRUE(is_listen_address("[::1]:65535"));
    EXPECT_FALSE(is_listen_address("127.0.0.1"));
    EXPECT_FALSE(is_listen_address("127.0.0.1:"));
    EXPECT_FALSE(is_listen_address(":8080"));
    EXPECT_FALSE(is_listen_address("example.com:8080"));
    EXPECT_FALSE(is_listen_address("::1:8080"));
    EXPECT_FALSE(is_listen_address("[::1]"));
    EXPECT_FALSE(is_listen_address("[::1]8080"));
    EXPECT_FALSE(is_listen_address("[1.2.3.4]:80"));
}

TEST(ConfigParse, HttpUrl) {
    EXPECT_TRUE(is_http_url("https://api-sg.aliexpress.com/sync"));
    EXPECT_TRUE(is_http_url("http://127.0.0.1:9090/sync"));
    EXPECT_TRUE(is_http_url("http://[::1]:9090/"));
    EXPECT_TRUE(is_http_url("https://gw.test/a/b-c_d.e"));
    EXPECT_FALSE(is_http_url("https://api.example.com"));
    EXPECT_FALSE(is_http_url("ftp://api.example.com/sync"));
    EXPECT_FALSE(is_http_url("https:///sync"));
    EXPECT_FALSE(is_http_url("https://host:99999/sync"));
    EXPECT_FALSE(is_http_url("https://host/sync?x=1"));
    EXPECT_FALSE(is_http_url("https://host/sync#frag"));
    EXPECT_FALSE(is_http_url("https://host/a b"));
    EXPECT_FALSE(is_http_url("HTTPS://host/sync"));
}

TEST(ConfigParse, RedisUrl) {
    EXPECT_TRUE(is_redis_url("redis://127.0.0.1:6379/0"));
    EXPECT_TRUE(is_redis_url("redis://cache"));
    EXPECT_TRUE(is_redis_url("redis://cache/15"));
    EXPECT_TRUE(is_redis_url("redis://user:pass@cache:6380/3"));
    EXPECT_TRUE(is_redis_url("redis://:pass@[::1]:6379"));
    EXPECT_FALSE(is_redis_url(""));  // "empty disables" is the rule's business, not the syntax
    EXPECT_FALSE(is_redis_url("redis://cache/16"));
    EXPECT_FALSE(is_redis_url("redis://cache/"));
    EXPECT_FALSE(is_redis_url("redis://cache/x"));
    EXPECT_FALSE(is_redis_url("redis://cache:0"));
    EXPECT_FALSE(is_redis_url("redis://@cache"));
    EXPECT_FALSE(is_redis_url("rediss://cache"));
    EXPECT_FALSE(is_redis_url("redis://"));
}

TEST(ConfigParse, RedactUrlPassword) {
    EXPECT_EQ(redact_url_password("redis://u:p@h:1/0"), "redis://u:<redacted>@h:1/0");
    EXPECT_EQ(redact_url_password("redis://:p@h"), "redis://:<redacted>@h");
    EXPECT_EQ(redact_url_password("redis://p@h/0"), "redis://<redacted>@h/0");
    EXPECT_EQ(redact_url_password("redis://h:1/0"), "redis://h:1/0");
    EXPECT_EQ(redact_url_password("not a url"), "not a url");
    EXPECT_EQ(redact_url_password(""), "");
}

TEST(ConfigParse, RedactUrlPasswordHidesPasswordsHoldingSlashQuestionHashOrAt) {
    // Base64-generated passwords hold '/'; such a URL fails validation and is shown in the
    // error, so the redaction must not stop at the first '/'.
    EXPECT_EQ(
        redact_url_password("redis://default:pa55/w0rd@127.0.0.1:6379/0"),
        "redis://default:<redacted>@127.0.0.1:6379/0"
    );
    EXPECT_EQ(redact_url_password("redis://u:a?b#c@h/0"), "redis://u:<redacted>@h/0");
    EXPECT_EQ(redact_url_password("redis://u:p@ss@h/0"), "redis://u:<redacted>@h/0");
    EXPECT_EQ(redact_url_password("redis://s/e?c#r@h"), "redis://<redacted>@h");
}

TEST(ConfigParse, UpperLetters) {
    EXPECT_TRUE(is_upper_letters("USD", 3));
    EXPECT_FALSE(is_upper_letters("USd", 3));
    EXPECT_FALSE(is_upper_letters("US", 3));
}

// The shared "did you mean" helper (scout/core) that config errors use.
TEST(ConfigParse, EditDistanceAndNearestName) {
    EXPECT_EQ(scout::edit_distance("listen", "listen"), 0U);
    EXPECT_EQ(scout::edit_distance("listne", "listen"), 2U);
    EXPECT_EQ(scout::edit_distance("", "abc"), 3U);
    EXPECT_EQ(scout::edit_distance("kitten", "sitting"), 3U);
    const std::vector<std::string_view> names = {"listen", "workers", "page_size"};
    EXPECT_EQ(scout::nearest_name("listne", names), "listen");
    EXPECT_EQ(scout::nearest_name("pagesize", names), "page_size");
    EXPECT_EQ(scout::nearest_name("xyz", names), "");
    EXPECT_EQ(scout::nearest_name("colour", names), "");
}

}  // namespace
}  // namespace scout::config::detail
