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
using Permit = CircuitBreaker::Permit;
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

Permit granted(CircuitBreaker& breaker) {
    const auto permit = breaker.try_acquire();
    EXPECT_TRUE(permit);
    return permit.value_or(Permit{});
}

class CircuitBreakerTest : public ::testing::Test {
protected:
    // One call through the breaker, with its outcome.
    void succeed() { breaker_.on_success(granted(breaker_)); }
    void fail() { breaker_.on_failure(granted(breaker_)); }

    // Opens the breaker through the window: 2 successes + 2 failures at ratio 0.5.
    void open_via_window() {
        succeed();
        succeed();
        fail();
        fail();
        ASSERT_EQ(breaker_.state(), State::kOpen);
    }

    // From open: waits out open_ms and takes the first trial permit (trial_).
    void to_half_open() {
        clock_.advance(5s);
        trial_ = granted(breaker_);
        ASSERT_EQ(breaker_.state(), State::kHalfOpen);
    }

    Permit trial_;

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
    fail();
    fail();
    fail();
    EXPECT_EQ(breaker_.state(), State::kClosed);
    EXPECT_EQ(breaker_.opened_total(), 0U);
}

TEST_F(CircuitBreakerTest, StaysClosedBelowFailureRatio) {
    for (int i = 0; i < 6; ++i) {
        succeed();
    }
    fail();
    fail();
    fail();  // 3 / 9 < 0.5
    EXPECT_EQ(breaker_.state(), State::kClosed);
}

TEST_F(CircuitBreakerTest, OpensAtRatioOnceMinCallsReached) {
    succeed();
    succeed();
    fail();
    EXPECT_EQ(breaker_.state(), State::kClosed);  // 3 calls < min_calls
    fail();                                       // 2 / 4 == 0.5
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

TEST_F(CircuitBreakerTest, RefusesNowOnlyWhileOpenAndNeverTakesATrial) {
    EXPECT_FALSE(breaker_.refuses_now());
    open_via_window();
    EXPECT_TRUE(breaker_.refuses_now());
    EXPECT_EQ(breaker_.rejected_total(), 1U);
    clock_.advance(5s);
    // The open period is over: the check says "go ahead" but leaves the trial to the call.
    EXPECT_FALSE(breaker_.refuses_now());
    EXPECT_EQ(breaker_.state(), State::kOpen);
    EXPECT_EQ(breaker_.rejected_total(), 1U);
    EXPECT_TRUE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
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
    breaker_.on_success(trial_);  // 1 of 2
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
    breaker_.on_success(granted(breaker_));  // the freed permit can be reused: 2 of 2
    EXPECT_EQ(breaker_.state(), State::kClosed);
    EXPECT_EQ(breaker_.closed_total(), 1U);
    ASSERT_EQ(transitions_.size(), 3U);
    EXPECT_EQ(transitions_[2], std::make_pair(State::kHalfOpen, State::kClosed));
}

TEST_F(CircuitBreakerTest, HalfOpenTrialFailureReopensForAFreshPeriod) {
    open_via_window();
    to_half_open();
    clock_.advance(300ms);
    breaker_.on_failure(trial_);
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
    const Permit early = granted(breaker_);  // a call started while closed
    open_via_window();
    for (int i = 0; i < 10; ++i) {
        breaker_.on_success(early);
    }
    breaker_.on_failure(early);
    EXPECT_EQ(breaker_.state(), State::kOpen);
    EXPECT_EQ(breaker_.opened_total(), 1U);
    EXPECT_EQ(breaker_.retry_after(), 5000ms);  // not extended by the late failure
}

TEST_F(CircuitBreakerTest, HalfOpenOutcomesWithoutTrialsAreIgnored) {
    open_via_window();
    to_half_open();
    breaker_.release(trial_);  // trial given back without a verdict
    breaker_.on_failure(trial_);
    breaker_.on_success(trial_);
    breaker_.on_success(trial_);
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
}

TEST_F(CircuitBreakerTest, ReleaseReturnsATrialPermit) {
    open_via_window();
    to_half_open();
    EXPECT_TRUE(breaker_.try_acquire());
    EXPECT_FALSE(breaker_.try_acquire());
    breaker_.release(trial_);
    EXPECT_TRUE(breaker_.try_acquire());
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
}

TEST_F(CircuitBreakerTest, OldFailuresRollOutOfTheWindow) {
    fail();
    fail();
    fail();
    clock_.advance(10s);  // the bucket holding those three is now outside the window
    fail();
    EXPECT_EQ(breaker_.state(), State::kClosed);
    fail();
    fail();
    EXPECT_EQ(breaker_.state(), State::kClosed);  // 3 calls in the window
    fail();
    EXPECT_EQ(breaker_.state(), State::kOpen);
}

TEST_F(CircuitBreakerTest, FailuresSpreadInsideTheWindowStillCount) {
    fail();
    clock_.advance(3s);
    fail();
    clock_.advance(3s);
    fail();
    clock_.advance(3s);  // 9 s after the first failure
    fail();
    EXPECT_EQ(breaker_.state(), State::kOpen);
}

TEST_F(CircuitBreakerTest, OldSuccessesRollOutToo) {
    for (int i = 0; i < 20; ++i) {
        succeed();
    }
    clock_.advance(11s);
    fail();
    fail();
    fail();
    fail();  // 4 / 4: the old successes no longer dilute
    EXPECT_EQ(breaker_.state(), State::kOpen);
}

TEST_F(CircuitBreakerTest, ClosingStartsAFreshWindow) {
    open_via_window();
    to_half_open();
    const Permit second = granted(breaker_);
    breaker_.on_success(trial_);
    breaker_.on_success(second);
    ASSERT_EQ(breaker_.state(), State::kClosed);
    fail();
    fail();
    fail();
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
    breaker_.on_failure(trial_);
    to_half_open();
    const Permit second = granted(breaker_);
    breaker_.on_success(trial_);
    breaker_.on_success(second);
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

// B15: a result of a call started before the breaker opened must neither use up nor close a
// half-open trial, nor re-open the breaker.
TEST_F(CircuitBreakerTest, LateResultFromBeforeOpeningCannotTouchHalfOpenTrials) {
    const Permit early = granted(breaker_);
    const Permit early_too = granted(breaker_);
    open_via_window();
    to_half_open();  // trial 1 of 2 outstanding
    breaker_.on_success(early);
    breaker_.on_success(early_too);
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);  // two "successes", but not of trials
    const Permit second = granted(breaker_);        // trial 2 is still available...
    EXPECT_FALSE(breaker_.try_acquire());           // ...and is the last one
    breaker_.on_failure(early);
    EXPECT_EQ(breaker_.state(), State::kHalfOpen);
    breaker_.on_success(trial_);
    breaker_.on_success(second);
    EXPECT_EQ(breaker_.state(), State::kClosed);
    EXPECT_EQ(breaker_.opened_total(), 1U);
}

TEST_F(CircuitBreakerTest, LateFailuresFromAnEarlierGenerationDoNotFillTheNewWindow) {
    const Permit early = granted(breaker_);
    open_via_window();
    to_half_open();
    breaker_.on_success(trial_);
    breaker_.on_success(granted(breaker_));
    ASSERT_EQ(breaker_.state(), State::kClosed);
    for (int i = 0; i < 10; ++i) {
        breaker_.on_failure(early);
    }
    EXPECT_EQ(breaker_.state(), State::kClosed);
}

// B5: the settings are read live, so a reload applies without a restart.
TEST(CircuitBreaker, ReadsItsSettingsLive) {
    ManualClock clock;
    config::BreakerConfig live = breaker_config();  // min_calls 4, ratio 0.5
    live.min_calls = 1000;
    CircuitBreaker breaker([&live] { return live; }, clock);
    for (int i = 0; i < 20; ++i) {
        breaker.on_failure(granted(breaker));
    }
    EXPECT_EQ(breaker.state(), State::kClosed);  // 20 calls < 1000

    live.min_calls = 4;
    live.open_ms = 700;
    breaker.on_failure(granted(breaker));  // 21 failures in the window
    EXPECT_EQ(breaker.state(), State::kOpen);
    EXPECT_EQ(breaker.retry_after(), 700ms);

    live.half_open_max_calls = 1;
    clock.advance(700ms);
    const Permit trial = granted(breaker);
    EXPECT_FALSE(breaker.try_acquire());
    breaker.on_success(trial);
    EXPECT_EQ(breaker.state(), State::kClosed);
}

// A reload during an outage: the cool-down under way follows the new open_ms (an operator
// shortening it expects the probe to come sooner), while a ban keeps its own end.
TEST(CircuitBreaker, AReloadedOpenMsAppliesToTheCoolDownUnderWay) {
    ManualClock clock;
    config::BreakerConfig live = breaker_config();
    live.open_ms = 3'600'000;
    CircuitBreaker breaker([&live] { return live; }, clock);
    for (int i = 0; i < 4; ++i) {
        breaker.on_failure(granted(breaker));
    }
    ASSERT_EQ(breaker.state(), State::kOpen);
    clock.advance(1s);
    EXPECT_FALSE(breaker.try_acquire());
    live.open_ms = 500;                  // SIGHUP
    EXPECT_TRUE(breaker.try_acquire());  // 1 s since opening > 500 ms: half-open
    EXPECT_EQ(breaker.state(), State::kHalfOpen);

    breaker.trip_for(10s);
    live.open_ms = 1;
    clock.advance(5s);
    EXPECT_FALSE(breaker.try_acquire());  // the ban outlasts any cool-down
    EXPECT_EQ(breaker.retry_after(), 5s);
}

TEST(CircuitBreaker, ANewWindowLengthStartsAFreshWindow) {
    ManualClock clock;
    config::BreakerConfig live = breaker_config();
    CircuitBreaker breaker([&live] { return live; }, clock);
    breaker.on_failure(granted(breaker));
    breaker.on_failure(granted(breaker));
    breaker.on_failure(granted(breaker));
    live.window_ms = 20'000;
    breaker.on_failure(granted(breaker));  // the old three are gone: 1 call < min_calls 4
    EXPECT_EQ(breaker.state(), State::kClosed);
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
    breaker.on_failure(granted(breaker));  // 1 call >= min 1, ratio 1.0
    EXPECT_EQ(breaker.state(), State::kOpen);
    const Permit trial = granted(breaker);  // open_ms clamped to 0: immediately half-open
    EXPECT_FALSE(breaker.try_acquire());    // one trial at a time
    breaker.on_success(trial);
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
                if (const auto permit = breaker.try_acquire()) {
                    const int kind = (i + t) % 4;
                    if (kind == 0) {
                        breaker.on_success(*permit);
                    } else if (kind < 3) {
                        breaker.on_failure(*permit);
                    } else {
                        breaker.release(*permit);
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
