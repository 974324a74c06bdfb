#include <scout/upstream/backoff.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace scout::upstream {

std::optional<Jitter> parse_jitter(std::string_view name) {
    if (name == "full") {
        return Jitter::kFull;
    }
    if (name == "equal") {
        return Jitter::kEqual;
    }
    if (name == "none") {
        return Jitter::kNone;
    }
    return std::nullopt;
}

namespace {

Jitter checked_jitter(const config::RetryConfig& config) {
    const auto jitter = parse_jitter(config.jitter);
    if (!jitter) {
        throw std::invalid_argument(
            "retry.jitter must be 'full', 'equal' or 'none', got '" + config.jitter + "'"
        );
    }
    return *jitter;
}

}  // namespace

Backoff::Backoff(const config::RetryConfig& config)
    : base_ms_(config.base_delay_ms),
      cap_ms_(config.max_delay_ms),
      multiplier_(config.multiplier),
      jitter_(checked_jitter(config)) {
    if (base_ms_ < 0 || cap_ms_ < base_ms_) {
        throw std::invalid_argument("retry: need 0 <= base_delay_ms <= max_delay_ms");
    }
    if (!std::isfinite(multiplier_) || multiplier_ < 1.0) {
        throw std::invalid_argument("retry.multiplier must be a finite number >= 1");
    }
}

std::chrono::milliseconds Backoff::max_delay(int retry_index) const {
    if (base_ms_ == 0) {
        return std::chrono::milliseconds(0);
    }
    const int k = std::max(retry_index, 0);
    // pow() is exact for integral multipliers and exponents (100 * 2^3 == 800); a huge
    // exponent yields inf, which the cap absorbs.
    const double d = static_cast<double>(base_ms_) * std::pow(multiplier_, k);
    const auto cap = static_cast<double>(cap_ms_);
    if (!(d < cap)) {
        return std::chrono::milliseconds(cap_ms_);
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(d));
}

}  // namespace scout::upstream
