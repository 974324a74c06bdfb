// Process-level tests of the feature flags: a real scout with scout-sim, clients told apart by
// their loopback source address (127.0.0.x), flags moved by SIGHUP.
#include "reload_support.hpp"
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <thread>

namespace scout::test {
namespace {

using nlohmann::json;

constexpr const char* kToken = "features-test-token";
constexpr const char* kProductQuery = "aliexpress.affiliate.product.query";
constexpr const char* kLinkGenerate = "aliexpress.affiliate.link.generate";

ScoutProcess::Options flag_scout(
    const SimProcess& sim,
    const std::string& default_json,
    std::vector<std::pair<std::string, std::string>> extra = {}
) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.emplace_back("admin.token", kToken);
    options.settings.insert(options.settings.end(), extra.begin(), extra.end());
    options.default_json = default_json;
    return options;
}

std::string client(int i) {
    return "127.0.0." + std::to_string(i);
}

// Whether the client's page was quality-ranked: ranked products carry a quality score.
std::optional<bool> ranked_for(const ScoutProcess& scout, const std::string& source) {
    const auto response = http_get_from(scout.port(), source, "/search?q=phone+case");
    if (!response || response->status != 200) {
        return std::nullopt;
    }
    const json body = json::parse(response->body);
    if (body["products"].empty()) {
        return std::nullopt;
    }
    return body["products"][0]["quality_score"].get<double>() > 0.0;
}

double metric(const ScoutProcess& scout, const std::string& line_prefix) {
    return scrape_metric(scout, kToken, line_prefix);
}

// Rollout at 50 %: 40-60 % of the clients get the feature, each on every request; SIGHUP to
// 100 % gives it to all of them without a restart, and enabled=false takes it from all.
TEST(FeatureFlags, HalfRolloutIsStablePerClientAndFollowsReloads) {
    SimProcess sim;
    ScoutProcess scout(flag_scout(sim, R"({"features":{"quality_ranking":{"rollout_percent":50}}})")
    );
    constexpr int kClients = 50;
    std::map<int, bool> arm;
    int in = 0;
    for (int i = 1; i <= kClients; ++i) {
        const auto first = ranked_for(scout, client(i));
        const auto again = ranked_for(scout, client(i));
        ASSERT_TRUE(first && again) << client(i);
        EXPECT_EQ(*first, *again) << client(i) << " saw both behaviours";
        arm[i] = *first;
        in += *first ? 1 : 0;
    }
    EXPECT_GE(in, kClients * 40 / 100);
    EXPECT_LE(in, kClients * 60 / 100);
    const std::string on = R"(scout_feature_requests_total{flag="quality_ranking",arm="on"})";
    const std::string off = R"(scout_feature_requests_total{flag="quality_ranking",arm="off"})";
    EXPECT_EQ(metric(scout, on), 2.0 * in);
    EXPECT_EQ(metric(scout, off), 2.0 * (kClients - in));
    EXPECT_EQ(metric(scout, R"(scout_feature_flag_rollout_percent{flag="quality_ranking"})"), 50);

    ASSERT_TRUE(reload(scout, R"({"features":{"quality_ranking":{"rollout_percent":100}}})"));
    for (int i = 1; i <= kClients; ++i) {
        EXPECT_EQ(ranked_for(scout, client(i)), std::optional<bool>(true)) << client(i);
    }
    EXPECT_EQ(metric(scout, R"(scout_feature_flag_rollout_percent{flag="quality_ranking"})"), 100);

    ASSERT_TRUE(
        reload(scout, R"({"features":{"quality_ranking":{"rollout_percent":100,"enabled":false}}})")
    );
    for (int i = 1; i <= 5; ++i) {
        EXPECT_EQ(ranked_for(scout, client(i)), std::optional<bool>(false)) << client(i);
    }
    EXPECT_EQ(metric(scout, R"(scout_feature_flag_enabled{flag="quality_ranking"})"), 0);
}

// retry_logic off: one attempt, so a single transient fault is a 502 instead of a retried 200.
TEST(FeatureFlags, RetryLogicOffMeansOneAttempt) {
    SimProcess sim;
    ScoutProcess scout(flag_scout(
        sim, R"({"upstream":{"retry":{"base_delay_ms":5}}})", {{"cache.ttl.search_s", "0"}}
    ));
    const auto attempt = [&](const std::string& q) {
        sim.add_fault({{"kind", "http_503"}, {"count", 1}, {"method", kProductQuery}});
        // Attempts at product.query, the faulted ones included (a transport fault never reaches
        // the method handler that sim.calls() counts): every /sync request but link.generate's.
        const auto attempts = [&] { return sim.requests_total() - sim.calls(kLinkGenerate); };
        const long before = attempts();
        const auto response = http_get(scout.port(), "/search?q=" + q);
        return std::make_pair(response ? response->status : 0, attempts() - before);
    };
    EXPECT_EQ(attempt("usb"), std::make_pair(200, 2L));
    ASSERT_TRUE(reload(
        scout,
        R"({"upstream":{"retry":{"base_delay_ms":5}},"features":{"retry_logic":{"rollout_percent":0}}})"
    ));
    EXPECT_EQ(attempt("cable"), std::make_pair(502, 1L));
    ASSERT_TRUE(reload(
        scout,
        R"({"upstream":{"retry":{"base_delay_ms":5}},"features":{"retry_logic":{"enabled":false}}})"
    ));
    EXPECT_EQ(attempt("lamp"), std::make_pair(502, 1L));
}

// data_validation off: the price ceiling (search.max_price) no longer drops products.
TEST(FeatureFlags, DataValidationOffSkipsTheValidatorsDrops) {
    SimProcess sim;
    ScoutProcess scout(
        flag_scout(sim, R"({"search":{"max_price":1}})", {{"cache.ttl.search_s", "0"}})
    );
    const auto products = [&](const std::string& q) {
        const auto response = http_get(scout.port(), "/search?q=" + q);
        EXPECT_TRUE(response && response->status == 200);
        return response ? json::parse(response->body)["products"].size() : 0U;
    };
    // Nearly every price is above 1 USD: the validator drops all but the odd cheap one.
    const std::size_t validated = products("laptop");
    ASSERT_TRUE(reload(
        scout, R"({"search":{"max_price":1},"features":{"data_validation":{"rollout_percent":0}}})"
    ));
    EXPECT_GT(products("laptop"), validated);
    ASSERT_TRUE(reload(
        scout, R"({"search":{"max_price":1},"features":{"data_validation":{"enabled":false}}})"
    ));
    EXPECT_GT(products("desk"), 0U);
}

// enhanced_caching off: no stale page when the upstream fails (L1 hits still serve).
TEST(FeatureFlags, EnhancedCachingOffServesNoStalePages) {
    SimProcess sim;
    ScoutProcess scout(flag_scout(
        sim, R"({"upstream":{"retry":{"max_attempts":1}}})", {{"cache.ttl.search_s", "1"}}
    ));
    for (const char* q : {"mug", "pen", "bag"}) {
        const auto fresh = http_get(scout.port(), std::string("/search?q=") + q);
        ASSERT_TRUE(fresh && fresh->status == 200);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past the 1 s TTL
    sim.add_fault({{"kind", "http_503"}, {"method", kProductQuery}});
    const auto stale = http_get(scout.port(), "/search?q=mug");
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->status, 200);
    EXPECT_EQ(stale->header("x-cache"), "STALE");
    ASSERT_TRUE(reload(
        scout,
        R"({"upstream":{"retry":{"max_attempts":1}},"features":{"enhanced_caching":{"rollout_percent":0}}})"
    ));
    const auto refused = http_get(scout.port(), "/search?q=pen");
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->status, 200) << refused->header("x-cache");
    ASSERT_TRUE(reload(
        scout,
        R"({"upstream":{"retry":{"max_attempts":1}},"features":{"enhanced_caching":{"enabled":false}}})"
    ));
    const auto disabled = http_get(scout.port(), "/search?q=bag");
    ASSERT_TRUE(disabled);
    EXPECT_NE(disabled->status, 200) << disabled->header("x-cache");
}

}  // namespace
}  // namespace scout::test
