// Feature flags with percentage rollout: which of the behaviours that can be rolled out (or
// back) one request may use. A client is in or out of a flag's rollout by a stable hash of its
// client key and the flag's name, so the same client sees the same behaviour on every request
// and every instance, and raising the percentage only adds clients.
#pragma once

#include <scout/config/config.hpp>
#include <scout/monitoring/metrics.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace scout::search {

enum class Feature : std::uint8_t {
    kEnhancedCaching,  // off: L1 only (no L2 reads or writes, no stale serving)
    kRetryLogic,       // off: one upstream attempt per call
    kDataValidation,   // off: the validator's business drops are skipped (sanitising stays)
    kQualityRanking,   // off: no quality score, filter or local ranking (upstream order)
};
inline constexpr std::size_t kFeatureCount = 4;

// "enhanced_caching", "retry_logic", "data_validation", "quality_ranking" (the config names).
std::string_view to_string(Feature feature) noexcept;

// The decisions for one request; all on by default (the full behaviour).
class Features {
public:
    // Pages differ in content when validation or ranking is off: they are cached apart.
    static constexpr unsigned kPageVariants = 4;

    [[nodiscard]] constexpr bool has(Feature feature) const noexcept {
        return (off_ & bit(feature)) == 0;
    }
    constexpr void set(Feature feature, bool on) noexcept {
        off_ = static_cast<std::uint8_t>(on ? off_ & ~bit(feature) : off_ | bit(feature));
    }
    // 0 for the full behaviour, else 1..kPageVariants-1.
    [[nodiscard]] constexpr unsigned page_variant() const noexcept {
        return (has(Feature::kDataValidation) ? 0U : 1U) |
               (has(Feature::kQualityRanking) ? 0U : 2U);
    }
    constexpr bool operator==(const Features&) const = default;

private:
    static constexpr std::uint8_t bit(Feature feature) noexcept {
        return static_cast<std::uint8_t>(1U << static_cast<unsigned>(feature));
    }
    std::uint8_t off_ = 0;
};

// The client's bucket 0-99 for `flag`: a stable hash (FNV-1a, then a 64-bit mix) of the flag's
// name and the client key, the same on every platform and in every process.
std::uint32_t rollout_bucket(std::string_view flag, std::string_view client_key) noexcept;

// Whether the client is in a rollout of `percent` (0-100) for `flag`.
inline bool in_rollout(std::string_view flag, std::string_view client_key, int percent) noexcept {
    return static_cast<int>(rollout_bucket(flag, client_key)) < percent;
}

// The live flags (features.* of the configuration) and their metrics:
//   scout_feature_flag_enabled{flag}, scout_feature_flag_rollout_percent{flag} (gauges) and
//   scout_feature_requests_total{flag,arm="on"|"off"}: the requests decided in each arm.
// Shared by all workers; thread-safe. decide() neither allocates nor locks.
class FeatureFlags {
public:
    FeatureFlags(const config::FeaturesConfig& initial, monitoring::Registry& registry);

    // A reload: later decisions use these settings.
    void update(const config::FeaturesConfig& flags);

    // The arms of the client with this key (its address, or the one a trusted proxy names),
    // counted in scout_feature_requests_total.
    [[nodiscard]] Features decide(std::string_view client_key) const;

private:
    struct Flag {
        std::atomic<int> percent{100};  // the rollout in effect: 0 when disabled
        monitoring::Gauge* enabled = nullptr;
        monitoring::Gauge* rollout = nullptr;
        monitoring::Counter* on = nullptr;
        monitoring::Counter* off = nullptr;
    };
    std::array<Flag, kFeatureCount> flags_;
};

}  // namespace scout::search
