// Deterministic, portable pseudo-random numbers for scout-sim (catalogue generation, fault
// rolls, jitter, request ids). Same seed gives the same sequence with every compiler and
// standard library (no std::*_distribution). Not thread-safe: one instance per user.
#pragma once

#include <cstdint>
#include <span>

namespace scout::sim {

// SplitMix64 finaliser: a good 64-bit mixing function.
constexpr std::uint64_t mix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31U);
}

// Order-sensitive combination of two values into a well-mixed 64-bit hash.
constexpr std::uint64_t hash_combine(std::uint64_t a, std::uint64_t b) {
    return mix64(a ^ mix64(b + 0x632BE59BD9B4E019ULL));
}

// Uniform double in [0, 1) from a 64-bit value.
constexpr double to_unit(std::uint64_t x) {
    return static_cast<double>(x >> 11U) * (1.0 / 9007199254740992.0);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        state_ += 0x9E3779B97F4A7C15ULL;
        return mix64(state_);
    }

    // Uniform integer in [0, n); n == 0 returns 0.
    std::uint64_t below(std::uint64_t n) {
        if (n == 0) {
            return 0;
        }
        const std::uint64_t threshold = (0 - n) % n;  // rejection removes modulo bias
        for (;;) {
            const std::uint64_t r = next();
            if (r >= threshold) {
                return r % n;
            }
        }
    }

    // Uniform integer in [lo, hi] (inclusive); requires lo <= hi.
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        return lo + static_cast<std::int64_t>(below(span));
    }

    double unit() { return to_unit(next()); }

    bool chance(double p) { return p > 0.0 && unit() < p; }

    template <class T>
    const T& pick(std::span<const T> items) {
        return items[below(items.size())];
    }

private:
    std::uint64_t state_;
};

}  // namespace scout::sim
