// Per-app-key call limits of scout-sim: a token bucket (calls per second, one second of
// burst) and a daily quota that resets at 00:00 GMT+8 like the real platform. Time is passed
// in by the caller (steady time for the bucket, Unix ms for the day), so tests need no sleep.
// Not thread-safe.
#pragma once

#include <scout/core/clock.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace scout::sim {

struct RateLimitOptions {
    double rate_per_s = 0.0;       // token refill per second; 0 = unlimited
    std::int64_t daily_quota = 0;  // calls per GMT+8 day; 0 = unlimited
};

struct RateDecision {
    enum class Verdict { kAllowed, kFrequencyBan, kDailyQuotaBan };
    Verdict verdict = Verdict::kAllowed;
    std::int64_t ban_seconds = 0;  // >= 1 when banned

    [[nodiscard]] bool allowed() const { return verdict == Verdict::kAllowed; }
};

class RateLimiter {
public:
    explicit RateLimiter(RateLimitOptions options) : options_(options) {}

    // Takes one call from `app_key`'s allowance if both limits permit it; a refused call
    // consumes nothing.
    RateDecision acquire(std::string_view app_key, Clock::time_point now, std::int64_t unix_ms);

    void reset() { keys_.clear(); }
    [[nodiscard]] const RateLimitOptions& options() const { return options_; }

private:
    struct KeyState {
        double tokens = 0.0;
        Clock::time_point refilled_at{};
        bool started = false;
        std::int64_t day = 0;  // GMT+8 day number of `used`
        std::int64_t used = 0;
    };

    RateLimitOptions options_;
    std::map<std::string, KeyState, std::less<>> keys_;
};

// Seconds from `unix_ms` to the next 00:00 in GMT+8 (at least 1).
std::int64_t seconds_until_gmt8_midnight(std::int64_t unix_ms);

}  // namespace scout::sim
