#include "sim/rate_limiter.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace scout::sim {

namespace {

constexpr std::int64_t kGmt8OffsetMs = 8LL * 3600 * 1000;
constexpr std::int64_t kDayMs = 86400LL * 1000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

std::int64_t gmt8_day(std::int64_t unix_ms) {
    return floor_div(unix_ms + kGmt8OffsetMs, kDayMs);
}

}  // namespace

std::int64_t seconds_until_gmt8_midnight(std::int64_t unix_ms) {
    const std::int64_t next_day_start = (gmt8_day(unix_ms) + 1) * kDayMs - kGmt8OffsetMs;
    const std::int64_t remaining_ms = next_day_start - unix_ms;
    return std::max<std::int64_t>(1, (remaining_ms + 999) / 1000);
}

RateDecision RateLimiter::acquire(
    std::string_view app_key, Clock::time_point now, std::int64_t unix_ms
) {
    auto it = keys_.find(app_key);
    if (it == keys_.end()) {
        it = keys_.emplace(std::string(app_key), KeyState{}).first;
    }
    KeyState& state = it->second;

    const std::int64_t today = gmt8_day(unix_ms);
    if (options_.daily_quota > 0) {
        if (state.day != today) {
            state.day = today;
            state.used = 0;
        }
        if (state.used >= options_.daily_quota) {
            return {RateDecision::Verdict::kDailyQuotaBan, seconds_until_gmt8_midnight(unix_ms)};
        }
    }

    if (options_.rate_per_s > 0.0) {
        const double capacity = std::max(1.0, options_.rate_per_s);
        if (!state.started) {
            state.started = true;
            state.tokens = capacity;
            state.refilled_at = now;
        } else if (now > state.refilled_at) {
            const double elapsed = std::chrono::duration<double>(now - state.refilled_at).count();
            state.tokens = std::min(capacity, state.tokens + elapsed * options_.rate_per_s);
            state.refilled_at = now;
        }
        if (state.tokens < 1.0) {
            const double wait = (1.0 - state.tokens) / options_.rate_per_s;
            const auto seconds = static_cast<std::int64_t>(std::ceil(wait));
            return {RateDecision::Verdict::kFrequencyBan, std::max<std::int64_t>(1, seconds)};
        }
        state.tokens -= 1.0;
    }

    if (options_.daily_quota > 0) {
        ++state.used;
    }
    return {};
}

}  // namespace scout::sim
