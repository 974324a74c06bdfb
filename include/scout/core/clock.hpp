// Injectable time source. State machines (token buckets, breakers, TTLs) read time through
// a Clock so tests can drive them with a ManualClock. Implementations must be thread-safe.
#pragma once

#include <chrono>

namespace scout {

class Clock {
public:
    using duration = std::chrono::steady_clock::duration;
    using time_point = std::chrono::steady_clock::time_point;

    Clock() = default;
    Clock(const Clock&) = delete;
    Clock& operator=(const Clock&) = delete;
    Clock(Clock&&) = delete;
    Clock& operator=(Clock&&) = delete;
    virtual ~Clock() = default;

    [[nodiscard]] virtual time_point now() const = 0;
};

// The process-wide real clock (std::chrono::steady_clock).
class SteadyClock final : public Clock {
public:
    [[nodiscard]] time_point now() const override { return std::chrono::steady_clock::now(); }

    static const SteadyClock& instance() {
        static const SteadyClock clock;
        return clock;
    }
};

}  // namespace scout
