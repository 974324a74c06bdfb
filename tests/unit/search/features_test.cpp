#include <scout/search/features.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scout::search {
namespace {

std::vector<std::string> distinct_clients(int n) {
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) {
        keys.push_back(
            "10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
            std::to_string(i % 256)
        );
    }
    return keys;
}

int count_in(std::string_view flag, const std::vector<std::string>& clients, int percent) {
    int in = 0;
    for (const std::string& client : clients) {
        in += in_rollout(flag, client, percent) ? 1 : 0;
    }
    return in;
}

std::uint64_t arm_count(
    const monitoring::Registry& registry, std::string_view flag, std::string_view arm
) {
    for (const auto& family : registry.snapshot()) {
        if (family.name != "scout_feature_requests_total") {
            continue;
        }
        for (const auto& sample : family.samples) {
            if (sample.labels == monitoring::Labels{std::string(flag), std::string(arm)}) {
                return static_cast<std::uint64_t>(sample.value);
            }
        }
    }
    return 0;
}

TEST(Rollout, AtFiftyPercentBetweenFortyAndSixtyPercentOfAThousandClientsAreIn) {
    const auto clients = distinct_clients(1000);
    for (int f = 0; f < static_cast<int>(kFeatureCount); ++f) {
        const auto flag = to_string(static_cast<Feature>(f));
        const int in = count_in(flag, clients, 50);
        EXPECT_GE(in, 400) << flag;
        EXPECT_LE(in, 600) << flag;
    }
}

TEST(Rollout, ConsecutiveLoopbackAddressesSpreadToo) {
    std::vector<std::string> clients;
    for (int i = 1; i <= 200; ++i) {
        clients.push_back("127.0.0." + std::to_string(i));
    }
    const int in = count_in("quality_ranking", clients, 50);
    EXPECT_GE(in, 70);
    EXPECT_LE(in, 130);
}

TEST(Rollout, StableForAClientAndOnlyAddsClientsAsThePercentageGrows) {
    const auto clients = distinct_clients(1000);
    for (const std::string& client : clients) {
        const auto bucket = rollout_bucket("retry_logic", client);
        ASSERT_LT(bucket, 100U);
        EXPECT_EQ(bucket, rollout_bucket("retry_logic", client));
        // In at 10 % implies in at 50 % implies in at 100 %.
        EXPECT_LE(in_rollout("retry_logic", client, 10), in_rollout("retry_logic", client, 50));
        EXPECT_TRUE(in_rollout("retry_logic", client, 100));
        EXPECT_FALSE(in_rollout("retry_logic", client, 0));
    }
}

TEST(Rollout, FlagsSplitClientsIndependently) {
    const auto clients = distinct_clients(1000);
    int both = 0;
    for (const std::string& client : clients) {
        both += (in_rollout("retry_logic", client, 50) && in_rollout("data_validation", client, 50))
                    ? 1
                    : 0;
    }
    EXPECT_GE(both, 150);  // about a quarter, not a half: the flag's name is in the hash
    EXPECT_LE(both, 350);
}

TEST(Rollout, BucketIsTheSameOnEveryPlatform) {
    // Pinned (computed independently): a change of the hash would move clients between arms
    // across a deploy, and instances of two versions would disagree about a client.
    EXPECT_EQ(rollout_bucket("enhanced_caching", "203.0.113.7"), 77U);
    EXPECT_EQ(rollout_bucket("quality_ranking", "127.0.0.1"), 60U);
}

TEST(FeatureFlags, DecideFollowsUpdatesAndCountsEachArm) {
    monitoring::Registry registry;
    config::FeaturesConfig cfg;
    cfg.quality_ranking.rollout_percent = 0;
    cfg.retry_logic.enabled = false;  // beats its rollout_percent of 100
    FeatureFlags flags(cfg, registry);
    const Features first = flags.decide("192.0.2.1");
    EXPECT_TRUE(first.has(Feature::kEnhancedCaching));
    EXPECT_FALSE(first.has(Feature::kRetryLogic));
    EXPECT_TRUE(first.has(Feature::kDataValidation));
    EXPECT_FALSE(first.has(Feature::kQualityRanking));
    EXPECT_EQ(first.page_variant(), 2U);
    EXPECT_EQ(arm_count(registry, "quality_ranking", "off"), 1U);
    EXPECT_EQ(arm_count(registry, "enhanced_caching", "on"), 1U);

    cfg.quality_ranking.rollout_percent = 100;
    cfg.retry_logic.enabled = true;
    flags.update(cfg);
    EXPECT_EQ(flags.decide("192.0.2.1"), Features{});
    EXPECT_EQ(arm_count(registry, "quality_ranking", "on"), 1U);
    EXPECT_EQ(arm_count(registry, "retry_logic", "on"), 1U);
}

TEST(FeatureFlags, HalfRolloutSplitsRequestsByClientNotByRequest) {
    monitoring::Registry registry;
    config::FeaturesConfig cfg;
    cfg.data_validation.rollout_percent = 50;
    FeatureFlags flags(cfg, registry);
    const auto clients = distinct_clients(1000);
    int in = 0;
    for (const std::string& client : clients) {
        const bool on = flags.decide(client).has(Feature::kDataValidation);
        for (int repeat = 0; repeat < 3; ++repeat) {
            EXPECT_EQ(flags.decide(client).has(Feature::kDataValidation), on) << client;
        }
        in += on ? 1 : 0;
    }
    EXPECT_GE(in, 400);
    EXPECT_LE(in, 600);
    EXPECT_EQ(arm_count(registry, "data_validation", "on"), 4U * static_cast<std::uint64_t>(in));
    EXPECT_EQ(
        arm_count(registry, "data_validation", "off") +
            arm_count(registry, "data_validation", "on"),
        4000U
    );
}

TEST(Features, PageVariantSeparatesOnlyWhatChangesThePage) {
    Features f;
    EXPECT_EQ(f.page_variant(), 0U);
    f.set(Feature::kEnhancedCaching, false);
    f.set(Feature::kRetryLogic, false);
    EXPECT_EQ(f.page_variant(), 0U);
    f.set(Feature::kDataValidation, false);
    EXPECT_EQ(f.page_variant(), 1U);
    f.set(Feature::kQualityRanking, false);
    EXPECT_EQ(f.page_variant(), 3U);
    f.set(Feature::kDataValidation, true);
    EXPECT_EQ(f.page_variant(), 2U);
}

}  // namespace
}  // namespace scout::search
