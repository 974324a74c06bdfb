// A Clock that only moves when a test advances it. Thread-safe.
#pragma once

#include <scout/core/clock.hpp>

#include <atomic>
#include <chrono>

namespace scout::test {

class ManualClock final : public Clock {
public:
    // Starts far from the epoch so nothing may rely on time_point{} being "the beginning".
    explicit ManualClock(time_point start = time_point{} + std::chrono::hours(1000))
        : ticks_(start.time_since_epoch().count()) {}

    [[nodiscard]] time_point now() const override { return time_point(duration(ticks_.load())); }

    void advance(duration d) { ticks_.fetch_add(d.count()); }
    void set(time_point t) { ticks_.store(t.time_since_epoch().count()); }

private:
    std::atomic<duration::rep> ticks_;
};

}  // namespace scout::test
