// A Clock that only moves when a test advances it. Thread-safe.
#pragma once

#include <scout/core/clock.hpp>

#include <atomic>

namespace scout::test {

class ManualClock final : public Clock {
public:
    [[nodiscard]] time_point now() const override { return time_point(duration(ticks_.load())); }
    void advance(duration by) { ticks_.fetch_add(by.count()); }
    void set(time_point at) { ticks_.store(at.time_since_epoch().count()); }

private:
    std::atomic<duration::rep> ticks_{duration(std::chrono::hours(1)).count()};
};

}  // namespace scout::test
