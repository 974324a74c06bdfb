// The outbound quota: the GCRA arithmetic on a fake clock (refill, burst, daily budget, FIFO
// slots, queue full, deadline, ban), and OutboundQuota's queue, ban pause and fallback from a
// shared store to the local share. Waits are a few real milliseconds at most: the clock the
// arithmetic reads is a ManualClock that only moves when a test says so.
#include <scout/upstream/quota.hpp>

#include "support/manual_clock.hpp"
#include "support/run_co.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace scout::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t kNoon = 1'764'849'600'000'000;  // 2025-12-04 12:00 UTC, in us
constexpr std::int64_t kMs = 1'000;

config::QuotaConfig quota_config(double rate, int burst, int daily = 0) {
    config::QuotaConfig cfg;
    cfg.rate_per_s = rate;
    cfg.burst = burst;
    cfg.daily = daily;
    return cfg;
}

// Reservations on one bucket at explicit times (microseconds since kNoon).
class Bucket {
public:
    explicit Bucket(QuotaLimits limits) : limits_(limits) {}

    QuotaDecision at(std::int64_t t_us, microseconds limit, bool queue_full = false) {
        const std::int64_t now = kNoon + t_us;
        return bucket_.reserve(limits_, {now, gmt8_day(now / 1000), limit, queue_full}, now);
    }
    void ban(std::int64_t t_us, microseconds ban) { bucket_.ban(kNoon + t_us, ban); }

private:
    QuotaLimits limits_;
    QuotaBucket bucket_;
};

TEST(QuotaLimits, SplitRateBurstAndDailyByTheShare) {
    const QuotaLimits whole = quota_limits(quota_config(5, 3, 1000), 1);
    EXPECT_EQ(whole.interval, milliseconds(200));
    EXPECT_EQ(whole.tolerance, milliseconds(400));
    EXPECT_EQ(whole.daily, 1000);

    const QuotaLimits half = quota_limits(quota_config(10, 10, 1001), 2);
    EXPECT_EQ(half.interval, milliseconds(200));
    EXPECT_EQ(half.tolerance, milliseconds(800));  // burst 5
    EXPECT_EQ(half.daily, 500);

    const QuotaLimits unpaced = quota_limits(quota_config(0, 10), 4);
    EXPECT_EQ(unpaced.interval.count(), 0);
    EXPECT_EQ(unpaced.daily, 0);
}

TEST(QuotaBucket, BurstGoesAtOnceThenOneSlotPerInterval) {
    Bucket bucket(quota_limits(quota_config(5, 3), 1));
    for (int i = 0; i < 3; ++i) {
        const QuotaDecision d = bucket.at(0, microseconds(0));
        ASSERT_TRUE(d.granted()) << i;
        EXPECT_EQ(d.wait.count(), 0);
    }
    const QuotaDecision fourth = bucket.at(0, microseconds(0));
    EXPECT_EQ(fourth.verdict, QuotaVerdict::kDeadline);
    EXPECT_EQ(fourth.wait, milliseconds(200));  // when asking again succeeds
    // Refill: 200 ms later exactly one more slot is free.
    EXPECT_TRUE(bucket.at(200 * kMs, microseconds(0)).granted());
    EXPECT_FALSE(bucket.at(200 * kMs, microseconds(0)).granted());
}

TEST(QuotaBucket, AQuietSpellRefillsTheBurstButNoMore) {
    Bucket bucket(quota_limits(quota_config(5, 3), 1));
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(bucket.at(0, microseconds(0)).granted());
    }
    int granted = 0;
    while (bucket.at(60'000 * kMs, microseconds(0)).granted()) {
        ++granted;
    }
    EXPECT_EQ(granted, 3);
}

TEST(QuotaBucket, WaitersGetSlotsInTheOrderTheyAsked) {
    Bucket bucket(quota_limits(quota_config(5, 2), 1));
    std::vector<std::int64_t> waits_ms;
    for (int i = 0; i < 6; ++i) {
        const QuotaDecision d = bucket.at(0, seconds(10));
        ASSERT_TRUE(d.granted());
        waits_ms.push_back(std::chrono::duration_cast<milliseconds>(d.wait).count());
    }
    EXPECT_EQ(waits_ms, (std::vector<std::int64_t>{0, 0, 200, 400, 600, 800}));
}

TEST(QuotaBucket, AWaitPastTheLimitIsRefusedWithoutTakingTheSlot) {
    Bucket bucket(quota_limits(quota_config(5, 1), 1));
    ASSERT_TRUE(bucket.at(0, seconds(1)).granted());
    const QuotaDecision late = bucket.at(0, milliseconds(150));
    EXPECT_EQ(late.verdict, QuotaVerdict::kDeadline);
    EXPECT_EQ(late.wait, milliseconds(200));
    // The refused call took nothing: the next one gets the same slot.
    const QuotaDecision next = bucket.at(0, milliseconds(200));
    ASSERT_TRUE(next.granted());
    EXPECT_EQ(next.wait, milliseconds(200));
}

TEST(QuotaBucket, AFullQueueRefusesOnlyCallsThatWouldWait) {
    Bucket bucket(quota_limits(quota_config(5, 2), 1));
    EXPECT_TRUE(bucket.at(0, seconds(1), /*queue_full=*/true).granted());
    EXPECT_TRUE(bucket.at(0, microseconds(0), true).granted());
    EXPECT_EQ(bucket.at(0, microseconds(0), true).verdict, QuotaVerdict::kQueueFull);
}

TEST(QuotaBucket, DailyBudgetEndsAtMidnightGmt8) {
    Bucket bucket(quota_limits(quota_config(0, 1, 2), 1));
    EXPECT_TRUE(bucket.at(0, microseconds(0)).granted());
    const QuotaDecision second = bucket.at(0, microseconds(0));
    ASSERT_TRUE(second.granted());
    EXPECT_EQ(second.used_today, 2);
    const QuotaDecision third = bucket.at(0, seconds(100));
    EXPECT_EQ(third.verdict, QuotaVerdict::kDaily);
    // 12:00 UTC is 20:00 GMT+8: four hours to the next quota day.
    EXPECT_EQ(third.wait, std::chrono::hours(4));
    const std::int64_t next_day = std::chrono::microseconds(std::chrono::hours(4)).count();
    const QuotaDecision tomorrow = bucket.at(next_day, microseconds(0));
    ASSERT_TRUE(tomorrow.granted());
    EXPECT_EQ(tomorrow.used_today, 1);
}

TEST(QuotaBucket, ABanPausesEverySlotUntilItEnds) {
    Bucket bucket(quota_limits(quota_config(5, 3), 1));
    bucket.ban(0, seconds(5));
    const QuotaDecision refused = bucket.at(1'000 * kMs, seconds(2));
    EXPECT_EQ(refused.verdict, QuotaVerdict::kBanned);
    EXPECT_EQ(refused.wait, seconds(4));
    EXPECT_EQ(refused.banned_for, seconds(4));
    // A caller that can wait past the ban gets the first slot after it.
    const QuotaDecision waits = bucket.at(1'000 * kMs, seconds(5));
    ASSERT_TRUE(waits.granted());
    EXPECT_EQ(waits.wait, seconds(4));
    // A shorter ban does not cut a longer one.
    bucket.ban(1'000 * kMs, seconds(1));
    EXPECT_EQ(bucket.at(2'000 * kMs, seconds(1)).verdict, QuotaVerdict::kBanned);
}

TEST(Gmt8Day, StartsAtSixteenHundredUtc) {
    constexpr std::int64_t kHourMs = 3'600'000;
    EXPECT_EQ(gmt8_day(16 * kHourMs - 1), 0);
    EXPECT_EQ(gmt8_day(16 * kHourMs), 1);
    EXPECT_EQ(until_next_gmt8_day(0), std::chrono::hours(16));
}

// ---- OutboundQuota ---------------------------------------------------------------------------

// A shared store whose bucket lives in memory; it can be switched off or made to fail.
class FakeSharedStore final : public SharedQuotaStore {
public:
    explicit FakeSharedStore(const Clock& clock) : clock_(clock) {}

    [[nodiscard]] bool available() const override { return up; }
    awaitable<boost::system::result<QuotaDecision>> reserve(
        QuotaLimits limits, microseconds limit, bool queue_full
    ) override {
        ++calls;
        if (failing) {
            co_return cache_failure();
        }
        const std::int64_t now = now_us();
        co_return bucket_.reserve(limits, {now, 0, limit, queue_full}, now);
    }
    awaitable<boost::system::result<microseconds>> ban(microseconds ban) override {
        ++calls;
        bucket_.ban(now_us(), ban);
        co_return bucket_.banned_for(now_us());
    }
    awaitable<boost::system::result<microseconds>> banned_for() override {
        ++calls;
        co_return bucket_.banned_for(now_us());
    }

    bool up = true;
    bool failing = false;
    int calls = 0;

private:
    static boost::system::error_code cache_failure() {
        return boost::system::errc::make_error_code(boost::system::errc::timed_out);
    }
    [[nodiscard]] std::int64_t now_us() const {
        return std::chrono::duration_cast<microseconds>(clock_.now().time_since_epoch()).count();
    }

    const Clock& clock_;
    QuotaBucket bucket_;
};

class OutboundQuotaTest : public ::testing::Test {
protected:
    // How many of `n` calls asked at once (limit 0) get a slot.
    int granted_of(OutboundQuota& quota, const config::QuotaConfig& cfg, int n) {
        int granted = 0;
        for (int i = 0; i < n; ++i) {
            granted += acquire(quota, cfg, clock_.now()) ? 0 : 1;
        }
        return granted;
    }
    std::optional<UpstreamError> acquire(
        OutboundQuota& quota, const config::QuotaConfig& cfg, Clock::time_point deadline
    ) {
        return test::run_co(io_, quota.acquire(cfg, deadline));
    }
    std::uint64_t rejected(const std::string& reason) {
        return registry_.counter("scout_upstream_quota_rejected_total", "", {"reason"})
            .with({reason})
            .value();
    }
    std::int64_t mode(const std::string& name) {
        return registry_.gauge("scout_upstream_quota_mode", "", {"mode"}).with({name}).value();
    }

    asio::io_context io_;
    test::ManualClock clock_;
    monitoring::Registry registry_;
};

TEST_F(OutboundQuotaTest, WaitersAreServedInOrderAndAFullQueueRefusesAtOnce) {
    OutboundQuota quota(registry_, nullptr, clock_);
    config::QuotaConfig cfg = quota_config(1000, 1);  // a slot per millisecond
    cfg.max_queue = 3;
    std::vector<int> finished;
    std::vector<std::optional<UpstreamError>> outcomes(6);
    for (int i = 0; i < 6; ++i) {
        asio::co_spawn(
            io_,
            quota.acquire(cfg, clock_.now() + seconds(10)),
            [&, i](const std::exception_ptr&, std::optional<UpstreamError> outcome) {
                outcomes[i] = std::move(outcome);
                finished.push_back(i);
            }
        );
    }
    io_.run_for(seconds(10));

    // 0 goes at once, 1-3 wait for the next slots in order, 4 and 5 find the queue full.
    ASSERT_EQ(finished.size(), 6U);
    EXPECT_EQ(finished, (std::vector<int>{0, 4, 5, 1, 2, 3}));
    for (int i = 0; i < 4; ++i) {
        EXPECT_FALSE(outcomes[i]) << i;
    }
    for (int i = 4; i < 6; ++i) {
        ASSERT_TRUE(outcomes[i]);
        EXPECT_EQ(outcomes[i]->code, upstream_errc::kQuotaExhausted);
        EXPECT_GE(outcomes[i]->retry_after, milliseconds(1));
    }
    EXPECT_EQ(rejected("queue_full"), 2U);
    EXPECT_EQ(quota.queue_length(), 0);
    const auto& waited = registry_.histogram("scout_upstream_quota_wait_seconds", "").with({});
    EXPECT_EQ(waited.snapshot().count, 3U);
}

TEST_F(OutboundQuotaTest, AWaitPastTheDeadlineFailsFastWithRetryAfter) {
    OutboundQuota quota(registry_, nullptr, clock_);
    const config::QuotaConfig cfg = quota_config(1, 1);
    ASSERT_FALSE(acquire(quota, cfg, clock_.now() + seconds(3)));
    const auto refused = acquire(quota, cfg, clock_.now() + milliseconds(500));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, upstream_errc::kQuotaExhausted);
    EXPECT_EQ(refused->retry_after, seconds(1));
    EXPECT_EQ(rejected("deadline"), 1U);
}

TEST_F(OutboundQuotaTest, MaxWaitCapsTheWaitBelowTheDeadline) {
    OutboundQuota quota(registry_, nullptr, clock_);
    config::QuotaConfig cfg = quota_config(1, 1);
    cfg.max_wait_ms = 100;
    ASSERT_FALSE(acquire(quota, cfg, clock_.now() + seconds(30)));
    EXPECT_TRUE(acquire(quota, cfg, clock_.now() + seconds(30)));
    EXPECT_EQ(rejected("deadline"), 1U);
}

TEST_F(OutboundQuotaTest, ABanPausesTheQuotaUntilItEnds) {
    OutboundQuota quota(registry_, nullptr, clock_);
    const config::QuotaConfig cfg = quota_config(100, 10);
    test::run_co(io_, quota.pause_for(seconds(5)));
    const auto refused = acquire(quota, cfg, clock_.now() + seconds(3));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->retry_after, seconds(5));
    EXPECT_EQ(rejected("banned"), 1U);
    clock_.advance(seconds(5));
    EXPECT_FALSE(acquire(quota, cfg, clock_.now() + seconds(3)));
}

TEST_F(OutboundQuotaTest, TheDailyBudgetRefusesUntilTheNextDay) {
    OutboundQuota quota(registry_, nullptr, clock_);
    const config::QuotaConfig cfg = quota_config(0, 1, 3);
    EXPECT_EQ(granted_of(quota, cfg, 5), 3);
    EXPECT_EQ(rejected("daily"), 2U);
    EXPECT_EQ(registry_.gauge("scout_upstream_quota_daily_used", "").with({}).value(), 3);
    EXPECT_EQ(registry_.gauge("scout_upstream_quota_daily_limit", "").with({}).value(), 3);
}

TEST_F(OutboundQuotaTest, TheSharedStoreDecidesWhileItIsUp) {
    FakeSharedStore store(clock_);
    OutboundQuota quota(registry_, &store, clock_);
    EXPECT_EQ(granted_of(quota, quota_config(10, 10), 12), 10);  // the whole burst
    EXPECT_EQ(store.calls, 12);
    EXPECT_EQ(mode("redis"), 1);
    EXPECT_EQ(mode("local"), 0);
}

TEST_F(OutboundQuotaTest, WithoutTheStoreEachInstanceTakesItsShare) {
    FakeSharedStore store(clock_);
    store.up = false;
    OutboundQuota quota(registry_, &store, clock_);
    config::QuotaConfig cfg = quota_config(10, 10);
    cfg.instances_hint = 2;
    EXPECT_EQ(granted_of(quota, cfg, 12), 5);  // half the burst
    EXPECT_EQ(store.calls, 0);                 // a store known down is not asked
    EXPECT_EQ(mode("local"), 1);
    EXPECT_EQ(mode("redis"), 0);
}

TEST_F(OutboundQuotaTest, AFailingStoreIsSkippedForAWhile) {
    FakeSharedStore store(clock_);
    store.failing = true;
    OutboundQuota quota(registry_, &store, clock_);
    config::QuotaConfig cfg = quota_config(10, 10);
    cfg.instances_hint = 2;
    EXPECT_EQ(granted_of(quota, cfg, 6), 5);
    EXPECT_EQ(store.calls, 1);  // one failure, then the local share until the retry time
    EXPECT_EQ(mode("local"), 1);

    store.failing = false;
    clock_.advance(seconds(2));
    EXPECT_FALSE(acquire(quota, cfg, clock_.now()));
    EXPECT_EQ(store.calls, 2);
    EXPECT_EQ(mode("redis"), 1);
}

TEST_F(OutboundQuotaTest, ABanSeenByOneInstancePausesTheOther) {
    FakeSharedStore store(clock_);
    OutboundQuota first(registry_, &store, clock_);
    monitoring::Registry other_registry;
    OutboundQuota second(other_registry, &store, clock_);
    const config::QuotaConfig cfg = quota_config(100, 10);
    test::run_co(io_, first.pause_for(seconds(5)));

    const auto refused = acquire(second, cfg, clock_.now() + seconds(1));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, upstream_errc::kQuotaExhausted);
    EXPECT_EQ(refused->retry_after, seconds(5));
    // The second instance now knows the ban itself: Redis going away does not lift it.
    store.up = false;
    EXPECT_TRUE(acquire(second, cfg, clock_.now() + seconds(1)));
}

TEST_F(OutboundQuotaTest, ABanReportedWhileACallWaitsHoldsItBack) {
    FakeSharedStore store(clock_);
    OutboundQuota quota(registry_, &store, clock_);
    const config::QuotaConfig cfg = quota_config(1, 1);  // the second call waits 1 s
    ASSERT_FALSE(acquire(quota, cfg, clock_.now() + seconds(5)));
    std::optional<std::optional<UpstreamError>> outcome;
    asio::co_spawn(
        io_,
        quota.acquire(cfg, clock_.now() + seconds(5)),
        [&](const std::exception_ptr&, std::optional<UpstreamError> o) { outcome = std::move(o); }
    );
    io_.restart();
    io_.poll();  // the call reserved its slot and waits for it
    ASSERT_FALSE(outcome);
    EXPECT_EQ(quota.queue_length(), 1);
    // Another instance sees a ban longer than this call's deadline.
    monitoring::Registry other_registry;
    OutboundQuota other(other_registry, &store, clock_);
    test::run_co(io_, other.pause_for(seconds(30)));  // runs until the waiter is done too
    ASSERT_TRUE(outcome && *outcome);
    EXPECT_EQ((*outcome)->code, upstream_errc::kQuotaExhausted);
    EXPECT_EQ(rejected("banned"), 1U);
    EXPECT_EQ(quota.queue_length(), 0);
}

}  // namespace
}  // namespace scout::upstream
