// Rate limit for a repeated log line: at most one line per interval, and the line that gets
// through says how many were held back since the previous one ("suppressed": K). For events
// that repeat per request or per probe (breaker open, Redis down, rejected values), so an
// outage costs a few lines instead of one per request. Thread-safe and lock-free.
#pragma once

#include <scout/core/clock.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

namespace scout::log {

// The interval Scout's own repeated warnings use.
inline constexpr std::chrono::milliseconds kRepeatInterval{10'000};

class Throttle {
public:
    // `clock` must outlive the throttle.
    explicit Throttle(
        std::chrono::milliseconds interval = kRepeatInterval,
        const Clock& clock = SteadyClock::instance()
    )
        : clock_(clock), interval_(interval) {}

    // When this event may be logged: the number of events held back since the last one let
    // through (put it on the line as "suppressed"). Nothing when it is to be held back.
    [[nodiscard]] std::optional<std::uint64_t> allow() noexcept {
        const Clock::duration::rep now = clock_.now().time_since_epoch().count();
        Clock::duration::rep last = last_.load(std::memory_order_relaxed);
        const bool due = last == kNever || now - last >= interval_.count();
        // Of two threads due at once, only the one that moves `last_` logs.
        if (!due || !last_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
            suppressed_.fetch_add(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        return suppressed_.exchange(0, std::memory_order_relaxed);
    }

private:
    static constexpr Clock::duration::rep kNever = std::numeric_limits<Clock::duration::rep>::min();

    const Clock& clock_;
    const Clock::duration interval_;
    std::atomic<Clock::duration::rep> last_{kNever};
    std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace scout::log
