#include "sim/rate_limiter.hpp"

#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

namespace scout::sim {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t kNowMs = 1700000000000;  // 2023-11-15 06:13:20 GMT+8

TEST(RateLimiter, UnlimitedByDefault) {
    RateLimiter limiter({});
    scout::test::ManualClock clock;
    for (int i = 0; i < 1000; ++i) {
        EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());
    }
}

TEST(RateLimiter, TokenBucketRefusesWhenEmptyAndRefills) {
    RateLimiter limiter({.rate_per_s = 2.0, .daily_quota = 0});
    scout::test::ManualClock clock;
    EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());
    EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());
    const RateDecision banned = limiter.acquire("k", clock.now(), kNowMs);
    EXPECT_EQ(banned.verdict, RateDecision::Verdict::kFrequencyBan);
    EXPECT_EQ(banned.ban_seconds, 1);
    clock.advance(400ms);
    EXPECT_FALSE(limiter.acquire("k", clock.now(), kNowMs).allowed());
    clock.advance(100ms);
    EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());
    EXPECT_FALSE(limiter.acquire("k", clock.now(), kNowMs).allowed());
}

TEST(RateLimiter, BanSecondsFollowTheRefillTime) {
    RateLimiter limiter({.rate_per_s = 0.1, .daily_quota = 0});
    scout::test::ManualClock clock;
    EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());
    EXPECT_EQ(limiter.acquire("k", clock.now(), kNowMs).ban_seconds, 10);
    clock.advance(3500ms);
    EXPECT_EQ(limiter.acquire("k", clock.now(), kNowMs).ban_seconds, 7);
}

TEST(RateLimiter, KeysAreIndependent) {
    RateLimiter limiter({.rate_per_s = 1.0, .daily_quota = 0});
    scout::test::ManualClock clock;
    EXPECT_TRUE(limiter.acquire("a", clock.now(), kNowMs).allowed());
    EXPECT_FALSE(limiter.acquire("a", clock.now(), kNowMs).allowed());
    EXPECT_TRUE(limiter.acquire("b", clock.now(), kNowMs).allowed());
}

TEST(RateLimiter, DailyQuotaBansUntilGmt8Midnight) {
    RateLimiter limiter({.rate_per_s = 0.0, .daily_quota = 3});
    scout::test::ManualClock clock;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());
    }
    const RateDecision banned = limiter.acquire("k", clock.now(), kNowMs);
    EXPECT_EQ(banned.verdict, RateDecision::Verdict::kDailyQuotaBan);
    EXPECT_EQ(banned.ban_seconds, 64000);  // 06:13:20 -> 24:00:00
    // Just after midnight GMT+8 the allowance is back.
    EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs + 64000LL * 1000).allowed());
}

TEST(RateLimiter, RefusedCallsConsumeNothing) {
    RateLimiter limiter({.rate_per_s = 1.0, .daily_quota = 2});
    scout::test::ManualClock clock;
    EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());
    EXPECT_FALSE(limiter.acquire("k", clock.now(), kNowMs).allowed());  // bucket empty
    clock.advance(1s);
    EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());  // quota 2 of 2
    clock.advance(1s);
    EXPECT_EQ(
        limiter.acquire("k", clock.now(), kNowMs).verdict, RateDecision::Verdict::kDailyQuotaBan
    );
    limiter.reset();
    EXPECT_TRUE(limiter.acquire("k", clock.now(), kNowMs).allowed());
}

TEST(RateLimiter, SecondsUntilMidnight) {
    EXPECT_EQ(seconds_until_gmt8_midnight(kNowMs), 64000);
    EXPECT_EQ(seconds_until_gmt8_midnight(16LL * 3600 * 1000 - 1), 1);  // 23:59:59.999 GMT+8
    EXPECT_EQ(seconds_until_gmt8_midnight(16LL * 3600 * 1000), 86400);
}

}  // namespace
}  // namespace scout::sim
