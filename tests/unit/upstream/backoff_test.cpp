#include <scout/upstream/backoff.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>

namespace scout::upstream {
namespace {

using std::chrono::milliseconds;

config::RetryConfig retry_config(
    std::string jitter, int base = 100, int cap = 2000, double mult = 2.0
) {
    config::RetryConfig config;
    config.base_delay_ms = base;
    config.max_delay_ms = cap;
    config.multiplier = mult;
    config.jitter = std::move(jitter);
    return config;
}

TEST(Backoff, ExponentialWithoutJitterIsExact) {
    const Backoff backoff(retry_config("none"));
    std::mt19937_64 rng(1);
    const std::int64_t expected[] = {100, 200, 400, 800, 1600, 2000, 2000};
    for (int k = 0; k < 7; ++k) {
        EXPECT_EQ(backoff.max_delay(k), milliseconds(expected[k])) << k;
        EXPECT_EQ(backoff.delay(k, rng), milliseconds(expected[k])) << k;
    }
}

TEST(Backoff, CapHoldsForHugeIndexesAndNegativeIndexIsFirstRetry) {
    const Backoff backoff(retry_config("none"));
    EXPECT_EQ(backoff.max_delay(1000), milliseconds(2000));
    EXPECT_EQ(backoff.max_delay(std::numeric_limits<int>::max()), milliseconds(2000));
    EXPECT_EQ(backoff.max_delay(-1), milliseconds(100));
}

TEST(Backoff, FractionalMultiplierTruncatesToWholeMilliseconds) {
    const Backoff backoff(retry_config("none", 100, 10'000, 1.5));
    EXPECT_EQ(backoff.max_delay(0), milliseconds(100));
    EXPECT_EQ(backoff.max_delay(1), milliseconds(150));
    EXPECT_EQ(backoff.max_delay(2), milliseconds(225));
    EXPECT_EQ(backoff.max_delay(3), milliseconds(337));  // 337.5
}

TEST(Backoff, MultiplierOneIsConstant) {
    const Backoff backoff(retry_config("none", 250, 1000, 1.0));
    EXPECT_EQ(backoff.max_delay(0), milliseconds(250));
    EXPECT_EQ(backoff.max_delay(50), milliseconds(250));
}

TEST(Backoff, ZeroBaseMeansNoDelay) {
    const Backoff backoff(retry_config("full", 0, 0));
    std::mt19937 rng(3);
    EXPECT_EQ(backoff.max_delay(5), milliseconds(0));
    EXPECT_EQ(backoff.delay(5, rng), milliseconds(0));
}

TEST(Backoff, FullJitterStaysWithinZeroAndCapAndSpreads) {
    const Backoff backoff(retry_config("full"));
    std::mt19937 rng(42);
    for (int k = 0; k < 6; ++k) {
        const std::int64_t d = backoff.max_delay(k).count();
        std::int64_t lo = d;
        std::int64_t hi = 0;
        for (int i = 0; i < 5000; ++i) {
            const std::int64_t v = backoff.delay(k, rng).count();
            ASSERT_GE(v, 0);
            ASSERT_LE(v, d);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        EXPECT_LT(lo, d / 10) << k;      // reaches near zero
        EXPECT_GT(hi, d * 9 / 10) << k;  // and near the top
    }
}

TEST(Backoff, EqualJitterStaysWithinHalfAndCap) {
    const Backoff backoff(retry_config("equal"));
    std::mt19937 rng(7);
    for (int k = 0; k < 6; ++k) {
        const std::int64_t d = backoff.max_delay(k).count();
        std::int64_t lo = d;
        std::int64_t hi = 0;
        for (int i = 0; i < 5000; ++i) {
            const std::int64_t v = backoff.delay(k, rng).count();
            ASSERT_GE(v, d / 2);
            ASSERT_LE(v, d);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        EXPECT_LT(lo, d / 2 + d / 20) << k;
        EXPECT_GT(hi, d - d / 20) << k;
    }
}

TEST(Backoff, SameSeedSameSequence) {
    const Backoff backoff(retry_config("full"));
    std::mt19937 a(99);
    std::mt19937 b(99);
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(backoff.delay(i % 5, a), backoff.delay(i % 5, b));
    }
}

TEST(Backoff, RejectsInvalidConfig) {
    EXPECT_THROW(Backoff(retry_config("bogus")), std::invalid_argument);
    EXPECT_THROW(Backoff(retry_config("full", 100, 2000, 0.5)), std::invalid_argument);
    EXPECT_THROW(
        Backoff(retry_config("full", 100, 2000, std::numeric_limits<double>::infinity())),
        std::invalid_argument
    );
    EXPECT_THROW(Backoff(retry_config("full", 500, 100)), std::invalid_argument);
    EXPECT_THROW(Backoff(retry_config("full", -1, 100)), std::invalid_argument);
    EXPECT_NO_THROW(Backoff(config::RetryConfig{}));
}

TEST(Backoff, ParsesJitterNames) {
    EXPECT_EQ(parse_jitter("full"), Jitter::kFull);
    EXPECT_EQ(parse_jitter("equal"), Jitter::kEqual);
    EXPECT_EQ(parse_jitter("none"), Jitter::kNone);
    EXPECT_EQ(parse_jitter("Full"), std::nullopt);
    EXPECT_EQ(parse_jitter(""), std::nullopt);
    EXPECT_EQ(Backoff(retry_config("equal")).jitter(), Jitter::kEqual);
}

}  // namespace
}  // namespace scout::upstream
