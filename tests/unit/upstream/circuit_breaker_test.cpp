#include <scout/upstream/circuit_breaker.hpp>

#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

namespace scout::upstream {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;
using test::ManualClock;

config::BreakerConfig breaker_config() {
    config::BreakerConfig config;
    config.failure_ratio = 0.5;
    config.min_calls = 4;
    config.window_ms = 10'000;  // 10 buckets of 1 s
    config.open_ms = 5'000;
    config.half_open_max_calls = 2;
    return config;
}

class CircuitBreakerTest : public ::testing::Test {
protected:
    // Opens the breaker through the window: 2 successes + 2 failures at ratio 0.5.
    void open_via_window() {
        breaker_.on_success();
        breaker_.on_success();
        breaker_.on_failure();
        breaker_.on_failure();
        ASSERT_EQ(breaker_.state(), State::kOpen);
    }

    // From open: waits out open_ms and takes the first trial permit.
    void to_half_open() {
        clock_.advance(5s);
        ASSERT_TRUE(breaker_.try_acquire());
        ASSERT_EQ(breaker_.state(), State::kHalfOpen);
    }

    ManualClock clock_;
    std::vector<std::pair<State, State>> transitions_;
    CircuitBreaker breaker_{breaker_config(), clock_, [this](State from, State to) {
                                transitions_.emplace_back(from, to);
                                // Called outside the lock: re-entering must not deadlock.
                                EXPECT_EQ(breaker_.state(), to);
                            }};
};

TEST_F(CircuitBreakerTest, StartsClosedAndGrantsEverything) {
    EXPECT_EQ(breaker_.state(), State::kClosed);
    for (int i = 0; i < 100; ++i) {
        EXPECT_TRUE(breaker_.try_acquire());
    }
    EXPECT_EQ(breaker_.rejected_total(), 0U);
    EXPECT_EQ(breaker_.retry_after(), 0ms);
}

TEST_F(CircuitBreakerTest, StaysClosedBelowMinCalls) {
    breaker_.on_failure();
    breaker_.on_failure();
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kClosed);
    EXPECT_EQ(breaker_.opened_total(), 0U);
}

TEST_F(CircuitBreakerTest, StaysClosedBelowFailureRatio) {
    for (int i = 0; i < 6; ++i) {
        breaker_.on_success();
    }
    breaker_.on_failure();
    breaker_.on_failure();
    breaker_.on_failure();  // 3 / 9 < 0.5
    EXPECT_EQ(breaker_.state(), State::kClosed);
}

TEST_F(CircuitBreakerTest, OpensAtRatioOnceMinCallsReached) {
    breaker_.on_success();
    breaker_.on_success();
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kClosed);  // 3 calls < min_calls
    breaker_.on_failure();                        // 2 / 4 == 0.5
    EXPECT_EQ(breaker_.state(), State::kOpen);
    EXPECT_EQ(breaker_.opened_total(), 1U);
    EXPECT_FALSE(breaker_.try_acquire());
    EXPECT_FALSE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.rejected_total(), 2U);
    EXPECT_EQ(breaker_.retry_after(), 5000ms);
    ASSERT_EQ(transitions_.size(), 1U);
    EXPECT_EQ(transitions_[0], std::make_pair(State::kClosed, State::kOpen));
}

TEST_F(CircuitBreakerTest, OpenRejectsUntilOpenMsElapsedThenHalfOpen) {
    open_via_window();
    clock_.advance(4999ms);
    EXPECT_FALSE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.retry_after(), 1ms);
    clock_.advance(1ms);
    EXPECT_EQ(breaker_.retry_after(), 0ms);
    EXPECT_TRUE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
    EXPECT_EQ(breaker_.half_open_total(), 1U);
    ASSERT_EQ(transitions_.size(), 2U);
    EXPECT_EQ(transitions_[1], std::make_pair(State::kOpen, State::kHalfOpen));
}

TEST_F(CircuitBreakerTest, HalfOpenLimitsConcurrentTrials) {
    open_via_window();
    to_half_open();                        // trial 1
    EXPECT_TRUE(breaker_.try_acquire());   // trial 2
    EXPECT_FALSE(breaker_.try_acquire());  // limit reached
    EXPECT_FALSE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.rejected_total(), 2U);
}

TEST_F(CircuitBreakerTest, HalfOpenClosesOnlyAfterAllTrialsSucceed) {
    open_via_window();
    to_half_open();
    breaker_.on_success();  // 1 of 2
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
    EXPECT_TRUE(breaker_.try_acquire());  // the freed permit can be reused
    breaker_.on_success();                // 2 of 2
    EXPECT_EQ(breaker_.state(), State::kClosed);
    EXPECT_EQ(breaker_.closed_total(), 1U);
    ASSERT_EQ(transitions_.size(), 3U);
    EXPECT_EQ(transitions_[2], std::make_pair(State::kHalfOpen, State::kClosed));
}

TEST_F(CircuitBreakerTest, HalfOpenTrialFailureReopensForAFreshPeriod) {
    open_via_window();
    to_half_open();
    clock_.advance(300ms);
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kOpen);
    EXPECT_EQ(breaker_.opened_total(), 2U);
    EXPECT_EQ(breaker_.retry_after(), 5000ms);
    clock_.advance(4999ms);
    EXPECT_FALSE(breaker_.try_acquire());
    clock_.advance(1ms);
    EXPECT_TRUE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.half_open_total(), 2U);
}

TEST_F(CircuitBreakerTest, LateOutcomesWhileOpenAreIgnored) {
    open_via_window();
    for (int i = 0; i < 10; ++i) {
        breaker_.on_success();
    }
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kOpen);
    EXPECT_EQ(breaker_.opened_total(), 1U);
    EXPECT_EQ(breaker_.retry_after(), 5000ms);  // not extended by the late failure
}

TEST_F(CircuitBreakerTest, HalfOpenOutcomesWithoutTrialsAreIgnored) {
    open_via_window();
    to_half_open();
    breaker_.release();  // trial given back without a verdict
    breaker_.on_failure();
    breaker_.on_success();
    breaker_.on_success();
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
}

TEST_F(CircuitBreakerTest, ReleaseReturnsATrialPermit) {
    open_via_window();
    to_half_open();
    EXPECT_TRUE(breaker_.try_acquire());
    EXPECT_FALSE(breaker_.try_acquire());
    breaker_.release();
    EXPECT_TRUE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
}

TEST_F(CircuitBreakerTest, OldFailuresRollOutOfTheWindow) {
    breaker_.on_failure();
    breaker_.on_failure();
    breaker_.on_failure();
    clock_.advance(10s);  // the bucket holding those three is now outside the window
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kClosed);
    breaker_.on_failure();
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kClosed);  // 3 calls in the window
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kOpen);
}

TEST_F(CircuitBreakerTest, FailuresSpreadInsideTheWindowStillCount) {
    breaker_.on_failure();
    clock_.advance(3s);
    breaker_.on_failure();
    clock_.advance(3s);
    breaker_.on_failure();
    clock_.advance(3s);  // 9 s after the first failure
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kOpen);
}

TEST_F(CircuitBreakerTest, OldSuccessesRollOutToo) {
    for (int i = 0; i < 20; ++i) {
        breaker_.on_success();
    }
    clock_.advance(11s);
    breaker_.on_failure();
    breaker_.on_failure();
    breaker_.on_failure();
    breaker_.on_failure();  // 4 / 4: the old successes no longer dilute
    EXPECT_EQ(breaker_.state(), State::kOpen);
}

TEST_F(CircuitBreakerTest, ClosingStartsAFreshWindow) {
    open_via_window();
    to_half_open();
    EXPECT_TRUE(breaker_.try_acquire());
    breaker_.on_success();
    breaker_.on_success();
    ASSERT_EQ(breaker_.state(), State::kClosed);
    breaker_.on_failure();
    breaker_.on_failure();
    breaker_.on_failure();
    EXPECT_EQ(breaker_.state(), State::kClosed);  // 3 < min_calls in the new window
}

TEST_F(CircuitBreakerTest, TripForForcesOpenAndNeverShortens) {
    breaker_.trip_for(30s);
    EXPECT_EQ(breaker_.state(), State::kOpen);
    EXPECT_EQ(breaker_.opened_total(), 1U);
    EXPECT_EQ(breaker_.retry_after(), 30000ms);
    breaker_.trip_for(1s);  // shorter: ignored
    EXPECT_EQ(breaker_.retry_after(), 30000ms);
    EXPECT_EQ(breaker_.opened_total(), 1U);
    clock_.advance(29s);
    EXPECT_FALSE(breaker_.try_acquire());
    breaker_.trip_for(2s);  // now + 2 s > remaining 1 s: extends
    EXPECT_EQ(breaker_.retry_after(), 2000ms);
    clock_.advance(2s);
    EXPECT_TRUE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
}

TEST_F(CircuitBreakerTest, TripForFromHalfOpenReopens) {
    open_via_window();
    to_half_open();
    breaker_.trip_for(60s);
    EXPECT_EQ(breaker_.state(), State::kOpen);
    EXPECT_EQ(breaker_.retry_after(), 60000ms);
    EXPECT_EQ(breaker_.opened_total(), 2U);
}

TEST_F(CircuitBreakerTest, TripForNonPositiveIsIgnored) {
    breaker_.trip_for(0ms);
    breaker_.trip_for(-5s);
    EXPECT_EQ(breaker_.state(), State::kClosed);
    EXPECT_TRUE(transitions_.empty());
}

TEST_F(CircuitBreakerTest, FullCycleNotifiesEveryTransitionInOrder) {
    open_via_window();
    to_half_open();
    breaker_.on_failure();
    to_half_open();
    EXPECT_TRUE(breaker_.try_acquire());
    breaker_.on_success();
    breaker_.on_success();
    const std::vector<std::pair<State, State>> expected = {
        {State::kClosed, State::kOpen},
        {State::kOpen, State::kHalfOpen},
        {State::kHalfOpen, State::kOpen},
        {State::kOpen, State::kHalfOpen},
        {State::kHalfOpen, State::kClosed},
    };
    EXPECT_EQ(transitions_, expected);
    EXPECT_EQ(breaker_.opened_total(), 2U);
    EXPECT_EQ(breaker_.half_open_total(), 2U);
    EXPECT_EQ(breaker_.closed_total(), 1U);
}

TEST(CircuitBreaker, ClampsNonsenseConfig) {
    ManualClock clock;
    config::BreakerConfig config;
    config.min_calls = 0;
    config.half_open_max_calls = 0;
    config.failure_ratio = 1.0;
    config.window_ms = 0;
    config.open_ms = -1;
    CircuitBreaker breaker(config, clock);
    breaker.on_failure();  // 1 call >= min 1, ratio 1.0
    EXPECT_EQ(breaker.state(), State::kOpen);
    EXPECT_TRUE(breaker.try_acquire());   // open_ms clamped to 0: immediately half-open
    EXPECT_FALSE(breaker.try_acquire());  // one trial at a time
    breaker.on_success();
    EXPECT_EQ(breaker.state(), State::kClosed);
}

TEST(CircuitBreaker, StateNames) {
    EXPECT_EQ(to_string(State::kClosed), "closed");
    EXPECT_EQ(to_string(State::kOpen), "open");
    EXPECT_EQ(to_string(State::kHalfOpen), "half_open");
}

TEST(CircuitBreaker, ConcurrentTryAcquireRespectsHalfOpenPermits) {
    ManualClock clock;
    config::BreakerConfig config = breaker_config();
    config.half_open_max_calls = 3;
    CircuitBreaker breaker(config, clock);
    breaker.trip_for(1s);
    clock.advance(1s);

    std::atomic<int> granted{0};
    std::atomic<bool> go{false};
    constexpr int kThreads = 8;
    constexpr int kPerThread = 2000;
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            while (!go.load()) {
                std::this_thread::yield();
            }
            for (int i = 0; i < kPerThread; ++i) {
                if (breaker.try_acquire()) {
                    granted.fetch_add(1);
                }
            }
        });
    }
    go.store(true);
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(granted.load(), 3);
    EXPECT_EQ(breaker.state(), State::kHalfOpen);
    EXPECT_EQ(breaker.half_open_total(), 1U);
    EXPECT_EQ(breaker.rejected_total(), static_cast<std::uint64_t>(kThreads * kPerThread - 3));
}

TEST(CircuitBreaker, ConcurrentMixedTrafficKeepsCountersConsistent) {
    ManualClock clock;
    std::atomic<int> notifications{0};
    CircuitBreaker breaker(breaker_config(), clock, [&](State, State) {
        notifications.fetch_add(1);
    });

    std::vector<std::thread> threads;
    threads.reserve(6);
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 3000; ++i) {
                if (breaker.try_acquire()) {
                    const int kind = (i + t) % 4;
                    if (kind == 0) {
                        breaker.on_success();
                    } else if (kind < 3) {
                        breaker.on_failure();
                    } else {
                        breaker.release();
                    }
                }
                if (t == 0 && i % 50 == 0) {
                    clock.advance(1s);  // let open periods elapse now and then
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    const auto changes =
        breaker.opened_total() + breaker.half_open_total() + breaker.closed_total();
    EXPECT_EQ(changes, static_cast<std::uint64_t>(notifications.load()));
    EXPECT_GE(breaker.opened_total(), 1U);
    EXPECT_GE(breaker.opened_total(), breaker.half_open_total());
    EXPECT_GE(breaker.half_open_total(), breaker.closed_total());
}

}  // namespace
}  // namespace scout::upstream
