#include <scout/log/throttle.hpp>

#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace scout::log {
namespace {

using std::chrono::milliseconds;

TEST(Throttle, FirstEventPassesThenOnePerIntervalWithTheSuppressedCount) {
    test::ManualClock clock;
    Throttle throttle(milliseconds(1000), clock);
    EXPECT_EQ(throttle.allow(), std::optional<std::uint64_t>(0));
    for (int i = 0; i < 5; ++i) {
        clock.advance(milliseconds(100));
        EXPECT_FALSE(throttle.allow());
    }
    clock.advance(milliseconds(500));  // 1000 ms after the first
    EXPECT_EQ(throttle.allow(), std::optional<std::uint64_t>(5));
    clock.advance(milliseconds(999));
    EXPECT_FALSE(throttle.allow());
    clock.advance(milliseconds(1));
    EXPECT_EQ(throttle.allow(), std::optional<std::uint64_t>(1));
}

TEST(Throttle, QuietPeriodLetsTheNextEventThroughWithNothingSuppressed) {
    test::ManualClock clock;
    Throttle throttle(milliseconds(10), clock);
    ASSERT_TRUE(throttle.allow());
    clock.advance(std::chrono::hours(1));
    EXPECT_EQ(throttle.allow(), std::optional<std::uint64_t>(0));
}

TEST(Throttle, ConcurrentEventsAreEachEitherLoggedOrCounted) {
    test::ManualClock clock;
    Throttle throttle(milliseconds(1000), clock);
    constexpr int kThreads = 4;
    constexpr int kEach = 10'000;
    std::atomic<std::uint64_t> logged{0};
    std::atomic<std::uint64_t> reported{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) {
                if (const auto suppressed = throttle.allow()) {
                    logged.fetch_add(1);
                    reported.fetch_add(*suppressed);
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(logged.load(), 1U);  // the clock never moved
    clock.advance(milliseconds(1000));
    const auto last = throttle.allow();
    ASSERT_TRUE(last);
    EXPECT_EQ(reported.load() + *last, std::uint64_t{kThreads * kEach - 1});
}

}  // namespace
}  // namespace scout::log
