// Retry delay computation (exponential backoff with jitter), kept apart from the retry loop
// so it can be tested exactly. Owned by the upstream area; immutable after construction and
// safe to share between threads (the RNG is the caller's, one per worker).
#pragma once

#include <scout/config/config.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace scout::upstream {

enum class Jitter {
    kFull,   // uniform in [0, d]: best at spreading a herd of clients
    kEqual,  // uniform in [d/2, d]: spread, but never much shorter than d
    kNone,   // exactly d (tests, or a single client)
};

// "full" | "equal" | "none" (exact); nullopt otherwise.
std::optional<Jitter> parse_jitter(std::string_view name);

class Backoff {
public:
    // Throws std::invalid_argument on a config that validation should have refused
    // (unknown jitter, negative delays, max < base, multiplier < 1): a start-up error.
    explicit Backoff(const config::RetryConfig& config);

    // Upper bound d_k of the delay before retry `retry_index` (0 = the first retry):
    // min(max_delay_ms, base_delay_ms * multiplier^k). Negative indexes count as 0.
    [[nodiscard]] std::chrono::milliseconds max_delay(int retry_index) const;

    // The delay to wait before retry `retry_index`, jittered with `rng`.
    template <std::uniform_random_bit_generator Rng>
    [[nodiscard]] std::chrono::milliseconds delay(int retry_index, Rng& rng) const {
        const std::int64_t d = max_delay(retry_index).count();
        switch (jitter_) {
            case Jitter::kNone:
                return std::chrono::milliseconds(d);
            case Jitter::kEqual: {
                const std::int64_t half = d / 2;
                std::uniform_int_distribution<std::int64_t> dist(half, d);
                return std::chrono::milliseconds(dist(rng));
            }
            case Jitter::kFull:
                break;
        }
        std::uniform_int_distribution<std::int64_t> dist(0, d);
        return std::chrono::milliseconds(dist(rng));
    }

    [[nodiscard]] Jitter jitter() const noexcept { return jitter_; }

private:
    std::int64_t base_ms_;
    std::int64_t cap_ms_;
    double multiplier_;
    Jitter jitter_;
};

}  // namespace scout::upstream
