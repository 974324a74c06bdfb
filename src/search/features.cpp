#include <scout/search/features.hpp>

namespace scout::search {
namespace {

constexpr std::array<std::string_view, kFeatureCount> kNames = {
    "enhanced_caching", "retry_logic", "data_validation", "quality_ranking"};

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) noexcept {
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= kFnvPrime;
    }
    return hash;
}

// splitmix64's finaliser: FNV alone leaves keys that differ in their last byte (127.0.0.1,
// 127.0.0.2 ...) in neighbouring buckets.
std::uint64_t mix(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
}

const config::FeatureFlagConfig& setting(const config::FeaturesConfig& flags, Feature feature) {
    switch (feature) {
        case Feature::kEnhancedCaching:
            return flags.enhanced_caching;
        case Feature::kRetryLogic:
            return flags.retry_logic;
        case Feature::kDataValidation:
            return flags.data_validation;
        case Feature::kQualityRanking:
            break;
    }
    return flags.quality_ranking;
}

}  // namespace

std::string_view to_string(Feature feature) noexcept {
    return kNames[static_cast<std::size_t>(feature)];
}

std::uint32_t rollout_bucket(std::string_view flag, std::string_view client_key) noexcept {
    constexpr std::string_view kSeparator("\0", 1);  // "ab"+"c" and "a"+"bc" hash apart
    const std::uint64_t hash = fnv1a(fnv1a(fnv1a(kFnvOffset, flag), kSeparator), client_key);
    return static_cast<std::uint32_t>(mix(hash) % 100U);
}

FeatureFlags::FeatureFlags(const config::FeaturesConfig& initial, monitoring::Registry& registry) {
    auto& enabled = registry.gauge(
        "scout_feature_flag_enabled",
        "Feature flag switched on (1) or off for everyone (0)",
        {"flag"}
    );
    auto& rollout = registry.gauge(
        "scout_feature_flag_rollout_percent",
        "Share of clients a feature flag is rolled out to",
        {"flag"}
    );
    auto& requests = registry.counter(
        "scout_feature_requests_total",
        "Requests decided per feature flag and arm (on, off)",
        {"flag", "arm"}
    );
    for (std::size_t i = 0; i < kFeatureCount; ++i) {
        const std::string name(kNames[i]);
        flags_[i].enabled = &enabled.with({name});
        flags_[i].rollout = &rollout.with({name});
        flags_[i].on = &requests.with({name, "on"});
        flags_[i].off = &requests.with({name, "off"});
    }
    update(initial);
}

void FeatureFlags::update(const config::FeaturesConfig& flags) {
    for (std::size_t i = 0; i < kFeatureCount; ++i) {
        const config::FeatureFlagConfig& flag = setting(flags, static_cast<Feature>(i));
        flags_[i].enabled->set(flag.enabled ? 1 : 0);
        flags_[i].rollout->set(flag.rollout_percent);
        flags_[i].percent.store(flag.enabled ? flag.rollout_percent : 0, std::memory_order_relaxed);
    }
}

Features FeatureFlags::decide(std::string_view client_key) const {
    Features features;
    for (std::size_t i = 0; i < kFeatureCount; ++i) {
        const Flag& flag = flags_[i];
        const int percent = flag.percent.load(std::memory_order_relaxed);
        // At 0 and 100 every client is in the same arm: no hash needed.
        const bool on =
            percent >= 100 || (percent > 0 && in_rollout(kNames[i], client_key, percent));
        (on ? flag.on : flag.off)->inc();
        features.set(static_cast<Feature>(i), on);
    }
    return features;
}

}  // namespace scout::search
