// Reply mapping without a server: hiredis replies built by hand, then the typed mappings; plus
// the hiredis error mapping and the reconnect backoff computation.
#include <scout/cache/redis_client.hpp>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

namespace scout::cache {
namespace {

using Type = RedisReply::Type;
using std::chrono::milliseconds;

redisReply raw(int type, std::string& text) {
    redisReply r{};
    r.type = type;
    r.str = text.data();
    r.len = text.size();
    return r;
}

RedisReply reply(Type type, std::string str = {}, std::int64_t integer = 0) {
    RedisReply r;
    r.type = type;
    r.str = std::move(str);
    r.integer = integer;
    return r;
}

TEST(RedisReply, CopiesBinaryBulkStringsStatusAndErrors) {
    std::string bulk("a\0b\r\nc", 6);
    EXPECT_EQ(RedisReply::from_hiredis(raw(REDIS_REPLY_STRING, bulk)).str, bulk);
    EXPECT_EQ(RedisReply::from_hiredis(raw(REDIS_REPLY_STRING, bulk)).type, Type::kString);

    std::string ok = "OK";
    const auto status = RedisReply::from_hiredis(raw(REDIS_REPLY_STATUS, ok));
    EXPECT_EQ(status.type, Type::kStatus);
    EXPECT_EQ(status.str, "OK");

    std::string err = "WRONGTYPE Operation against a key holding the wrong kind of value";
    const auto error = RedisReply::from_hiredis(raw(REDIS_REPLY_ERROR, err));
    EXPECT_EQ(error.type, Type::kError);
    EXPECT_EQ(error.str, err);
}

TEST(RedisReply, CopiesIntegersNilAndNestedArrays) {
    redisReply integer{};
    integer.type = REDIS_REPLY_INTEGER;
    integer.integer = -42;
    EXPECT_EQ(RedisReply::from_hiredis(integer).type, Type::kInteger);
    EXPECT_EQ(RedisReply::from_hiredis(integer).integer, -42);

    redisReply nil{};
    nil.type = REDIS_REPLY_NIL;
    EXPECT_EQ(RedisReply::from_hiredis(nil).type, Type::kNil);

    std::string text = "x";
    redisReply str = raw(REDIS_REPLY_STRING, text);
    redisReply inner_items[] = {integer};
    redisReply* inner_pointers[] = {&inner_items[0]};
    redisReply inner{};
    inner.type = REDIS_REPLY_ARRAY;
    inner.elements = 1;
    inner.element = inner_pointers;
    redisReply* outer_pointers[] = {&str, &nil, &inner, nullptr};
    redisReply outer{};
    outer.type = REDIS_REPLY_ARRAY;
    outer.elements = 4;
    outer.element = outer_pointers;

    const auto copied = RedisReply::from_hiredis(outer);
    ASSERT_EQ(copied.type, Type::kArray);
    ASSERT_EQ(copied.elements.size(), 4U);
    EXPECT_EQ(copied.elements[0].str, "x");
    EXPECT_EQ(copied.elements[1].type, Type::kNil);
    ASSERT_EQ(copied.elements[2].elements.size(), 1U);
    EXPECT_EQ(copied.elements[2].elements[0].integer, -42);
    EXPECT_EQ(copied.elements[3].type, Type::kNil);  // a null element pointer
}

TEST(RedisReply, UnknownTypesBecomeErrors) {
    redisReply odd{};
    odd.type = 99;
    const auto copied = RedisReply::from_hiredis(odd);
    EXPECT_EQ(copied.type, Type::kError);
    EXPECT_NE(copied.str.find("99"), std::string::npos);
}

TEST(RedisReplyMapping, GetMapsBulkNilErrorsAndOddShapes) {
    const auto hit = map_get_reply(reply(Type::kString, std::string("v\0", 2)));
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->value_or(""), std::string("v\0", 2));

    const auto miss = map_get_reply(reply(Type::kNil));
    ASSERT_TRUE(miss.has_value());
    EXPECT_FALSE(miss->has_value());

    EXPECT_EQ(map_get_reply(reply(Type::kError, "ERR")).error(), cache_errc::kStoreError);
    EXPECT_EQ(map_get_reply(reply(Type::kInteger, {}, 1)).error(), cache_errc::kProtocol);
    EXPECT_EQ(map_get_reply(reply(Type::kStatus, "OK")).error(), cache_errc::kProtocol);
}

TEST(RedisReplyMapping, GetRangeBoundsTheValueAndTellsATooLargeOne) {
    const auto fits = map_getrange_reply(reply(Type::kString, "12345"), 5);
    ASSERT_TRUE(fits.has_value());
    EXPECT_EQ(fits->value_or(""), "12345");
    // GETRANGE 0 5 returned 6 bytes: the value is longer than 5.
    EXPECT_EQ(
        map_getrange_reply(reply(Type::kString, "123456"), 5).error(), cache_errc::kValueTooLarge
    );
    const auto missing = map_getrange_reply(reply(Type::kString, ""), 5);  // no such key
    ASSERT_TRUE(missing.has_value());
    EXPECT_FALSE(missing->has_value());
    EXPECT_EQ(
        map_getrange_reply(reply(Type::kError, "WRONGTYPE"), 5).error(), cache_errc::kStoreError
    );
}

TEST(RedisReplyMapping, SetWantsStatusOk) {
    EXPECT_FALSE(map_set_reply(reply(Type::kStatus, "OK")));
    EXPECT_EQ(map_set_reply(reply(Type::kError, "OOM")), cache_errc::kStoreError);
    EXPECT_EQ(map_set_reply(reply(Type::kNil)), cache_errc::kProtocol);
    EXPECT_EQ(map_set_reply(reply(Type::kStatus, "QUEUED")), cache_errc::kProtocol);
}

TEST(RedisReplyMapping, SetNxIsTrueWhenSetAndFalseWhenTheKeyExisted) {
    const auto set = map_set_nx_reply(reply(Type::kStatus, "OK"));
    ASSERT_TRUE(set.has_value());
    EXPECT_TRUE(*set);
    const auto existed = map_set_nx_reply(reply(Type::kNil));
    ASSERT_TRUE(existed.has_value());
    EXPECT_FALSE(*existed);
    EXPECT_EQ(map_set_nx_reply(reply(Type::kError, "ERR")).error(), cache_errc::kStoreError);
    EXPECT_EQ(map_set_nx_reply(reply(Type::kString, "OK")).error(), cache_errc::kProtocol);
}

TEST(RedisReplyMapping, DelCountsAndPingWantsPong) {
    EXPECT_EQ(map_del_reply(reply(Type::kInteger, {}, 1)).value(), 1);
    EXPECT_EQ(map_del_reply(reply(Type::kError, "ERR")).error(), cache_errc::kStoreError);
    EXPECT_EQ(map_del_reply(reply(Type::kNil)).error(), cache_errc::kProtocol);
    EXPECT_FALSE(map_ping_reply(reply(Type::kStatus, "PONG")));
    EXPECT_EQ(map_ping_reply(reply(Type::kStatus, "OK")), cache_errc::kProtocol);
    EXPECT_EQ(map_ping_reply(reply(Type::kError, "NOAUTH")), cache_errc::kStoreError);
}

TEST(RedisHiredisError, MapsContextErrorsIntoCacheErrc) {
    EXPECT_EQ(from_hiredis_error(0), cache_errc::kUnavailable);
    EXPECT_EQ(from_hiredis_error(REDIS_ERR_IO), cache_errc::kUnavailable);
    EXPECT_EQ(from_hiredis_error(REDIS_ERR_EOF), cache_errc::kUnavailable);
    EXPECT_EQ(from_hiredis_error(REDIS_ERR_OTHER), cache_errc::kUnavailable);
    EXPECT_EQ(from_hiredis_error(REDIS_ERR_PROTOCOL), cache_errc::kProtocol);
    EXPECT_EQ(from_hiredis_error(REDIS_ERR_OOM), cache_errc::kStoreError);
}

TEST(RedisReconnectDelay, DoublesFromMinToMaxWithEqualJitter) {
    const milliseconds min(100);
    const milliseconds max(2000);
    // unit 0 -> half of d, unit -> 1 -> d.
    EXPECT_EQ(reconnect_delay(0, min, max, 0.0), milliseconds(50));
    EXPECT_EQ(reconnect_delay(0, min, max, 0.5), milliseconds(75));
    EXPECT_EQ(reconnect_delay(0, min, max, 0.999), milliseconds(99));
    EXPECT_EQ(reconnect_delay(1, min, max, 0.0), milliseconds(100));
    EXPECT_EQ(reconnect_delay(2, min, max, 0.0), milliseconds(200));
    EXPECT_EQ(reconnect_delay(3, min, max, 0.999), milliseconds(799));
    // Capped: 100 * 2^5 = 3200 > 2000.
    EXPECT_EQ(reconnect_delay(5, min, max, 0.0), milliseconds(1000));
    EXPECT_EQ(reconnect_delay(5, min, max, 1.0), milliseconds(2000));
    EXPECT_EQ(reconnect_delay(1'000'000, min, max, 1.0), milliseconds(2000));
}

TEST(RedisReconnectDelay, NeverBelowOneMillisecondNorAboveTheCap) {
    EXPECT_EQ(reconnect_delay(0, milliseconds(1), milliseconds(1), 0.0), milliseconds(1));
    EXPECT_EQ(reconnect_delay(-3, milliseconds(10), milliseconds(100), 0.0), milliseconds(5));
    EXPECT_EQ(reconnect_delay(0, milliseconds(0), milliseconds(0), 0.5), milliseconds(1));
    for (int attempt = 0; attempt < 40; ++attempt) {
        for (const double unit : {0.0, 0.3, 0.7, 1.0, 7.0, -1.0}) {
            const auto d = reconnect_delay(attempt, milliseconds(100), milliseconds(2000), unit);
            EXPECT_GE(d, milliseconds(1));
            EXPECT_LE(d, milliseconds(2000));
        }
    }
}

}  // namespace
}  // namespace scout::cache
