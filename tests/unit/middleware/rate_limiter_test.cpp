#include <scout/middleware/rate_limiter.hpp>

#include <gtest/gtest.h>

#include <cstring>

namespace scout::middleware {
namespace {

constexpr Nanos kSecond = kNanosPerSecond;
constexpr Nanos kStart = 1'000 * kSecond;  // far from 0, which means "never used"

ClientKey address(std::uint32_t n) {
    ClientKey key;
    std::memcpy(key.bytes.data() + 12, &n, sizeof n);
    return key;
}

TEST(Gcra, BurstThenOnePerInterval) {
    Nanos tat = 0;
    const Limit limit{2.0, 3};  // 3 at once, then one every 500 ms
    for (int expected_remaining : {2, 1, 0}) {
        const auto v = gcra(tat, kStart, limit);
        EXPECT_TRUE(v.allowed);
        EXPECT_EQ(v.remaining, expected_remaining);
    }
    const auto rejected = gcra(tat, kStart, limit);
    EXPECT_FALSE(rejected.allowed);
    EXPECT_EQ(rejected.retry_after, kSecond / 2);
    EXPECT_EQ(rejected.reset, 3 * kSecond / 2);  // until full again

    EXPECT_FALSE(gcra(tat, kStart + kSecond / 2 - 1, limit).allowed);
    EXPECT_TRUE(gcra(tat, kStart + kSecond / 2, limit).allowed);  // refilled one token
    EXPECT_FALSE(gcra(tat, kStart + kSecond / 2, limit).allowed);
}

TEST(Gcra, RefillsToTheBurstAndNoFurther) {
    Nanos tat = 0;
    const Limit limit{1.0, 2};
    EXPECT_TRUE(gcra(tat, kStart, limit).allowed);
    EXPECT_TRUE(gcra(tat, kStart, limit).allowed);
    // A long pause refills to the burst, not beyond it.
    const Nanos later = kStart + 3'600 * kSecond;
    EXPECT_EQ(gcra(tat, later, limit).remaining, 1);
    EXPECT_EQ(gcra(tat, later, limit).remaining, 0);
    EXPECT_FALSE(gcra(tat, later, limit).allowed);
}

// A reload from 1 request per 100 s to 10 per second: the drained bucket refills at the new
// rate, not after the 100 s the old one had reserved.
TEST(Gcra, ARaisedRateAppliesAtOnce) {
    Nanos tat = 0;
    const Limit slow{0.01, 2};
    EXPECT_TRUE(gcra(tat, kStart, slow).allowed);
    EXPECT_TRUE(gcra(tat, kStart, slow).allowed);
    EXPECT_FALSE(gcra(tat, kStart + kSecond, slow).allowed);

    const Limit fast{10.0, 2};
    const auto empty = gcra(tat, kStart + kSecond, fast);
    EXPECT_FALSE(empty.allowed);
    EXPECT_EQ(empty.retry_after, kSecond / 10);
    EXPECT_TRUE(gcra(tat, kStart + kSecond + kSecond / 10, fast).allowed);
    EXPECT_FALSE(gcra(tat, kStart + kSecond + kSecond / 10, fast).allowed);
}

TEST(Gcra, RateZeroIsUnlimited) {
    Nanos tat = 0;
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(gcra(tat, kStart, Limit{0.0, 5}).allowed);
    }
}

TEST(RetryAfter, WholeSecondsRoundedUpAtLeastOne) {
    EXPECT_EQ(whole_seconds_up(0), 1);
    EXPECT_EQ(whole_seconds_up(1), 1);
    EXPECT_EQ(whole_seconds_up(kSecond), 1);
    EXPECT_EQ(whole_seconds_up(kSecond + 1), 2);
    EXPECT_EQ(whole_seconds_up(59 * kSecond + 999), 60);
}

TEST(ClientLimiter, RetryAfterOfASlowBucketIsRoundedUp) {
    ClientLimiter limiter(1024);
    const ClientLimits limits{{0.4, 1}, 0};  // one request per 2.5 s
    EXPECT_EQ(limiter.acquire(address(1), limits, kStart).rejected_by, LimitReason::kNone);
    const auto d = limiter.acquire(address(1), limits, kStart + kSecond);
    EXPECT_EQ(d.rejected_by, LimitReason::kClient);
    EXPECT_EQ(d.retry_after_s, 2);  // 1.5 s left
    EXPECT_EQ(d.limit, 1);
    EXPECT_EQ(d.remaining, 0);
}

TEST(ClientLimiter, ClientsHaveTheirOwnBuckets) {
    ClientLimiter limiter(1024);
    const ClientLimits limits{{1.0, 2}, 0};
    EXPECT_EQ(limiter.acquire(address(1), limits, kStart).rejected_by, LimitReason::kNone);
    EXPECT_EQ(limiter.acquire(address(1), limits, kStart).rejected_by, LimitReason::kNone);
    EXPECT_EQ(limiter.acquire(address(1), limits, kStart).rejected_by, LimitReason::kClient);
    EXPECT_EQ(limiter.acquire(address(2), limits, kStart).rejected_by, LimitReason::kNone);
    ClientKey api = address(1);
    api.kind = ClientKey::Kind::kApiKey;  // same bytes, another kind: another client
    EXPECT_EQ(limiter.acquire(api, limits, kStart).rejected_by, LimitReason::kNone);
}

TEST(ClientLimiter, PerMinuteCapHoldsWhileTheBucketRefills) {
    ClientLimiter limiter(1024);
    const ClientLimits limits{{5.0, 5}, 60};  // the original service's 5/s and 60/min
    int allowed = 0;
    Decision last;
    // 5 per second for 20 s: the bucket would allow all 100, the minute only 60.
    for (int i = 0; i < 100; ++i) {
        last = limiter.acquire(address(7), limits, kStart + i * kSecond / 5);
        allowed += last.rejected_by == LimitReason::kNone ? 1 : 0;
    }
    EXPECT_EQ(allowed, 60);
    EXPECT_EQ(last.rejected_by, LimitReason::kMinute);
    EXPECT_EQ(last.limit, 60);
    // The window opened at kStart; the last request came at 19.8 s: 40.2 s left -> 41.
    EXPECT_EQ(last.retry_after_s, 41);
    EXPECT_EQ(
        limiter.acquire(address(7), limits, kStart + 60 * kSecond).rejected_by, LimitReason::kNone
    );
}

TEST(ClientLimiter, ReportsTheTighterLimit) {
    ClientLimiter limiter(1024);
    const ClientLimits limits{{10.0, 10}, 3};
    auto d = limiter.acquire(address(3), limits, kStart);
    EXPECT_EQ(d.limit, 3);  // 2 left this minute < 9 left in the bucket
    EXPECT_EQ(d.remaining, 2);
    EXPECT_EQ(d.reset_s, 60);
    limiter.acquire(address(3), limits, kStart);
    limiter.acquire(address(3), limits, kStart);
    d = limiter.acquire(address(3), limits, kStart);
    EXPECT_EQ(d.rejected_by, LimitReason::kMinute);
}

TEST(ClientLimiter, RejectedRequestsAreNotCharged) {
    ClientLimiter limiter(1024);
    const ClientLimits limits{{1.0, 1}, 0};
    EXPECT_EQ(limiter.acquire(address(4), limits, kStart).rejected_by, LimitReason::kNone);
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(limiter.acquire(address(4), limits, kStart).rejected_by, LimitReason::kClient);
    }
    // Hammering while limited does not push the next token further away.
    EXPECT_EQ(
        limiter.acquire(address(4), limits, kStart + kSecond).rejected_by, LimitReason::kNone
    );
}

TEST(ClientLimiter, AFloodOfNewClientsStaysBoundedAndKeepsAKnownOne) {
    monitoring::Registry registry;
    auto& evictions = registry.counter("evictions", "", {"kind"});
    const LimiterMetrics metrics{&evictions.with({"idle"}), &evictions.with({"active"})};
    ClientLimiter limiter(1024, metrics, 16);
    const ClientLimits limits{{1.0, 3}, 0};
    const ClientKey known = address(0xFFFFFFFF);
    limiter.acquire(known, limits, kStart);
    limiter.acquire(known, limits, kStart);  // 1 token left: an active bucket
    Nanos now = kStart;
    for (std::uint32_t i = 0; i < 100'000; ++i) {
        now += 1'000;  // 100k clients in 0.1 s
        limiter.acquire(address(i), limits, now);
        if (i % 64 == 0) {  // the known client keeps coming, slower than its refill
            limiter.acquire(known, ClientLimits{{0.0, 3}, 0}, now);  // touch, no charge
        }
        ASSERT_LE(limiter.size(), 1024U);
    }
    EXPECT_EQ(limiter.size(), 1024U);
    EXPECT_GT(evictions.with({"idle"}).value() + evictions.with({"active"}).value(), 90'000U);
    // The known client's bucket survived: still one token short of its burst of 3.
    EXPECT_EQ(limiter.acquire(known, limits, now).remaining, 0);
}

TEST(ClientLimiter, EvictsIdleBucketsBeforeActiveOnes) {
    monitoring::Registry registry;
    auto& evictions = registry.counter("evictions", "", {"kind"});
    const LimiterMetrics metrics{&evictions.with({"idle"}), &evictions.with({"active"})};
    ClientLimiter limiter(4, metrics, 1);  // one shard of 4
    const ClientLimits limits{{1.0, 2}, 0};
    limiter.acquire(address(1), limits, kStart);  // the oldest, idle again in 1 s
    for (std::uint32_t i = 2; i <= 4; ++i) {
        limiter.acquire(address(i), limits, kStart + 900'000'000);
        limiter.acquire(address(i), limits, kStart + 900'000'000);  // empty: active
    }
    limiter.acquire(address(5), limits, kStart + 2 * kSecond);
    EXPECT_EQ(evictions.with({"idle"}).value(), 1U);
    EXPECT_EQ(evictions.with({"active"}).value(), 0U);
    // Within 1 s of the second request, the 2-4 buckets are still empty: not evicted.
    EXPECT_EQ(limiter.acquire(address(2), limits, kStart + 2 * kSecond).remaining, 0);
    // A new client into a shard of active buckets evicts the least recently used one.
    limiter.acquire(address(6), limits, kStart + 2 * kSecond);
    EXPECT_EQ(evictions.with({"active"}).value(), 1U);
    EXPECT_EQ(limiter.size(), 4U);
}

TEST(ClientLimiter, LoweringMaxClientsShrinksOnTheNextNewClient) {
    ClientLimiter limiter(8, {}, 1);
    const ClientLimits limits{{1.0, 1}, 0};
    for (std::uint32_t i = 0; i < 8; ++i) {
        limiter.acquire(address(i), limits, kStart);
    }
    limiter.set_max_clients(2);
    limiter.acquire(address(100), limits, kStart);
    EXPECT_EQ(limiter.size(), 2U);
}

TEST(GlobalBucket, LimitsEveryoneTogether) {
    GlobalBucket bucket;
    const Limit limit{10.0, 2};
    EXPECT_TRUE(bucket.acquire(limit, kStart).allowed);
    EXPECT_TRUE(bucket.acquire(limit, kStart).allowed);
    const auto rejected = bucket.acquire(limit, kStart);
    EXPECT_FALSE(rejected.allowed);
    EXPECT_EQ(rejected.retry_after, kSecond / 10);
    EXPECT_TRUE(bucket.acquire(limit, kStart + kSecond / 10).allowed);
}

}  // namespace
}  // namespace scout::middleware
