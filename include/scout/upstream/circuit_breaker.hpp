// Circuit breaker in front of one AliExpress API method (see BreakerSet): a rolling window of call
// outcomes opens it, a cool-down leads to a few half-open trial calls, and a forced open covers
// rate-limit bans. Shared by all workers: thread-safe (one mutex, counters are atomics).
#pragma once

#include <scout/config/config.hpp>
#include <scout/core/clock.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

namespace scout::upstream {

// Protocol for the caller, per upstream attempt:
//   auto permit = breaker.try_acquire(); no permit -> fail fast with
//   upstream_errc::kCircuitOpen (serve stale); then report exactly one outcome for the permit:
//     success, or a permanent error (the upstream answered)  -> on_success(permit)
//     transient / rate-limited (counts_as_breaker_failure)   -> on_failure(permit)
//     cancelled, or no verdict about the upstream            -> release(permit)
//   a rate-limit ban longer than the call's deadline        -> also trip_for(retry_after)
// Permanent errors must not be fed to on_failure(): they say nothing about upstream health.
//
// Policy (settings are read live, so a reload applies to the next decision):
//   closed:    every try_acquire() succeeds. Outcomes go to a rolling window of window_ms in
//              10 buckets; after a failure, if calls >= min_calls and
//              failures / calls >= failure_ratio, the breaker opens for open_ms.
//   open:      try_acquire() fails until the open period ends; the first call after that
//              moves to half-open.
//   half-open: at most half_open_max_calls trial permits outstanding at once. The breaker
//              closes once half_open_max_calls trials have SUCCEEDED (all must succeed);
//              any trial failure re-opens it for open_ms.
//   Every state change starts a new generation; a permit carries the generation it was
//   granted in, and outcomes of permits from an older generation (late results of calls
//   started before the change) are ignored, so they can neither fill the new window nor use
//   up or close a half-open trial. Opening and closing both start a fresh window.
class CircuitBreaker {
public:
    enum class State { kClosed, kOpen, kHalfOpen };

    // Called after every state change, outside the breaker's lock, on the thread that caused
    // the change. Two changes racing on different threads may be reported in either order.
    using Listener = std::function<void(State from, State to)>;

    // The live settings (e.g. from the reloadable configuration); called once per operation.
    using Settings = std::function<config::BreakerConfig()>;

    // Leave to call the upstream once; pass it back with the outcome.
    struct Permit {
        std::uint64_t generation = 0;
    };

    // `clock` must outlive the breaker. Out-of-range settings are clamped:
    // min_calls >= 1, half_open_max_calls >= 1, window_ms >= 10, open_ms >= 0.
    CircuitBreaker(Settings settings, const Clock& clock, Listener listener = nullptr);
    // Fixed settings.
    CircuitBreaker(
        const config::BreakerConfig& config, const Clock& clock, Listener listener = nullptr
    );

    CircuitBreaker(const CircuitBreaker&) = delete;
    CircuitBreaker& operator=(const CircuitBreaker&) = delete;
    CircuitBreaker(CircuitBreaker&&) = delete;
    CircuitBreaker& operator=(CircuitBreaker&&) = delete;
    ~CircuitBreaker() = default;

    // A permit if a call may go upstream now (see the policy above). A refusal counts in
    // rejected_total().
    [[nodiscard]] std::optional<Permit> try_acquire();

    // True while open with time left: a call now would be refused. Counts the refusal like
    // try_acquire() but never moves to half-open, so it cannot take a trial's place.
    [[nodiscard]] bool refuses_now();

    void on_success(Permit permit);
    void on_failure(Permit permit);
    void release(Permit permit);

    // Forces the breaker open for at least `duration` from now (extends, never shortens, a
    // current open period); half-open trials follow as after any open period. Use for bans
    // longer than a caller can wait (e.g. daily quota). Non-positive durations are ignored.
    void trip_for(std::chrono::milliseconds duration);

    // The current state as of the last call (an open period that has elapsed reports kOpen
    // until the next try_acquire() moves it to half-open).
    [[nodiscard]] State state() const;

    // Time left in the current open period (0 unless open): a Retry-After for clients.
    [[nodiscard]] std::chrono::milliseconds retry_after() const;

    // Monotonic counters for metrics.
    [[nodiscard]] std::uint64_t opened_total() const noexcept { return opened_total_.load(); }
    [[nodiscard]] std::uint64_t rejected_total() const noexcept { return rejected_total_.load(); }
    [[nodiscard]] std::uint64_t half_open_total() const noexcept { return half_open_total_.load(); }
    [[nodiscard]] std::uint64_t closed_total() const noexcept { return closed_total_.load(); }

private:
    static constexpr std::size_t kBuckets = 10;

    struct Bucket {
        std::int64_t epoch = 0;
        std::uint32_t calls = 0;
        std::uint32_t failures = 0;
    };

    // The settings after clamping.
    struct Limits {
        double failure_ratio;
        std::uint32_t min_calls;
        Clock::duration bucket_width;
        Clock::duration open_duration;
        int half_open_max_calls;
    };

    using Transition = std::optional<std::pair<State, State>>;

    [[nodiscard]] Limits current_limits() const;

    // All functions below expect mutex_ held.
    [[nodiscard]] bool is_current_trial(Permit permit) const;
    [[nodiscard]] std::int64_t epoch_of(Clock::time_point now) const;
    void record(Clock::time_point now, const Limits& limits, bool failed);
    [[nodiscard]] bool window_trips(Clock::time_point now, const Limits& limits) const;
    void clear_window();
    // Opens for open_ms from `now` (failures), forgetting any ban.
    Transition cool_down(Clock::time_point now);
    // When the open period ends: the cool-down (with the live open_ms) or the ban, the later.
    [[nodiscard]] Clock::time_point open_end(const Limits& limits) const;
    Transition set_state(State to);
    void notify(const Transition& transition) const;

    const Clock& clock_;
    const Listener listener_;
    const Settings settings_;

    mutable std::mutex mutex_;
    State state_ = State::kClosed;
    std::uint64_t generation_ = 0;
    std::optional<Clock::time_point> cool_down_from_;         // set when failures opened it
    Clock::time_point ban_until_ = Clock::time_point::min();  // trip_for()
    int trials_in_flight_ = 0;
    int trial_successes_ = 0;
    Clock::duration bucket_width_{};  // of the buckets below; a new width clears them
    std::array<Bucket, kBuckets> buckets_{};

    std::atomic<std::uint64_t> opened_total_{0};
    std::atomic<std::uint64_t> rejected_total_{0};
    std::atomic<std::uint64_t> half_open_total_{0};
    std::atomic<std::uint64_t> closed_total_{0};
};

// "closed", "open", "half_open".
std::string_view to_string(CircuitBreaker::State state);

}  // namespace scout::upstream
