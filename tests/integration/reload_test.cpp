// Process-level tests of SIGHUP reload: every setting the field table calls reloadable has a
// test here (or names the one elsewhere) that reloads it once and observes the new behaviour
// in a real scout against scout-sim, so the docs and the code cannot drift apart.
#include <scout/config/config.hpp>

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
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kProductQuery = "aliexpress.affiliate.product.query";
constexpr const char* kLinkGenerate = "aliexpress.affiliate.link.generate";

// Every reloadable setting -> the process test that reloads it and observes the effect.
const std::map<std::string, std::string>& covered() {
    static const std::map<std::string, std::string> tests = {
        {"upstream.request_timeout_ms", "Reload.UpstreamTimeouts"},
        {"upstream.attempt_timeout_ms", "Reload.UpstreamTimeouts"},
        {"upstream.retry.max_attempts", "Reload.RetrySettings"},
        {"upstream.retry.base_delay_ms", "Reload.RetrySettings"},
        {"upstream.retry.max_delay_ms", "Reload.RetrySettings"},
        {"upstream.retry.multiplier", "Reload.RetrySettings"},
        {"upstream.retry.jitter", "Reload.RetrySettings"},
        {"upstream.breaker.failure_ratio", "Reload.BreakerRatioCoolDownAndTrials"},
        {"upstream.breaker.open_ms", "Reload.BreakerRatioCoolDownAndTrials"},
        {"upstream.breaker.half_open_max_calls", "Reload.BreakerRatioCoolDownAndTrials"},
        {"upstream.breaker.min_calls", "Upstream.BreakerSettingsTakeEffectOnReload"},
        {"upstream.breaker.window_ms", "Reload.BreakerWindow"},
        {"upstream.max_ban_s", "Reload.MaxBan"},
        {"monitoring.slow_request_ms", "Monitoring.SlowThresholdFollowsAReload"},
        {"log.level", "ScoutLifecycle.SighupReloadsLogLevel"},
        {"features.enhanced_caching.enabled", "FeatureFlags.EnhancedCachingOffServesNoStalePages"},
        {"features.enhanced_caching.rollout_percent",
         "FeatureFlags.EnhancedCachingOffServesNoStalePages"},
        {"features.retry_logic.enabled", "FeatureFlags.RetryLogicOffMeansOneAttempt"},
        {"features.retry_logic.rollout_percent", "FeatureFlags.RetryLogicOffMeansOneAttempt"},
        {"features.data_validation.enabled",
         "FeatureFlags.DataValidationOffSkipsTheValidatorsDrops"},
        {"features.data_validation.rollout_percent",
         "FeatureFlags.DataValidationOffSkipsTheValidatorsDrops"},
        {"features.quality_ranking.enabled",
         "FeatureFlags.HalfRolloutIsStablePerClientAndFollowsReloads"},
        {"features.quality_ranking.rollout_percent",
         "FeatureFlags.HalfRolloutIsStablePerClientAndFollowsReloads"},
        {"rate_limit.per_client.rate_per_s",
         "RateLimit.ARateChangeBySighupTakesEffectWithoutDroppingAConnection"},
        {"rate_limit.per_client.burst",
         "RateLimit.ARateChangeBySighupTakesEffectWithoutDroppingAConnection"},
        {"auth.api_keys", "ApiKeys.NoneAndWrongGet401TheRightOneItsOwnLimitAndARevokedOne401"},
        // In reload_protection_test.cpp:
        {"compression.enabled", "Reload.CompressionSwitchThresholdAndLevel"},
        {"compression.min_bytes", "Reload.CompressionSwitchThresholdAndLevel"},
        {"compression.level", "Reload.CompressionSwitchThresholdAndLevel"},
        {"rate_limit.enabled", "Reload.RateLimitSwitchMinuteWindowAndGlobalBucket"},
        {"rate_limit.per_client.per_minute", "Reload.RateLimitSwitchMinuteWindowAndGlobalBucket"},
        {"rate_limit.global.rate_per_s", "Reload.RateLimitSwitchMinuteWindowAndGlobalBucket"},
        {"rate_limit.global.burst", "Reload.RateLimitSwitchMinuteWindowAndGlobalBucket"},
        {"rate_limit.trusted_proxies", "Reload.RateLimitTrustedProxiesAndClientTableBound"},
        {"rate_limit.max_clients", "Reload.RateLimitTrustedProxiesAndClientTableBound"},
        {"auth.required", "Reload.AuthRequired"},
        {"upstream.quota.rate_per_s", "Reload.OutboundQuota"},
        {"upstream.quota.burst", "Reload.OutboundQuota"},
        {"upstream.quota.daily", "Reload.OutboundQuota"},
        {"upstream.quota.max_queue", "Reload.OutboundQuota"},
        {"upstream.quota.max_wait_ms", "Reload.OutboundQuota"},
        {"upstream.quota.instances_hint", "Reload.OutboundQuota"},
        {"upstream.cost_per_call", "Reload.CostPerCall"},
        {"monitoring.max_event_loop_lag_ms", "Reload.EventLoopLagThreshold"},
    };
    return tests;
}

TEST(ReloadCoverage, EveryReloadableSettingHasAProcessTest) {
    std::size_t reloadable = 0;
    for (const config::SettingInfo& setting : config::settings()) {
        if (setting.reloadable) {
            ++reloadable;
            EXPECT_EQ(covered().count(setting.path), 1U)
                << setting.path << " is reloadable but no process test reloads it";
        } else {
            EXPECT_EQ(covered().count(setting.path), 0U)
                << setting.path << " is listed here but is not reloadable";
        }
    }
    EXPECT_EQ(reloadable, covered().size());
}

ScoutProcess::Options upstream_scout(const SimProcess& sim, const std::string& default_json) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.emplace_back("cache.ttl.search_s", "0");  // every search asks the upstream
    options.default_json = default_json;
    return options;
}

// Status of one search and the product.query calls it made.
std::pair<int, long> search(
    const SimProcess& sim, const ScoutProcess& scout, const std::string& q
) {
    // Attempts at product.query, the faulted ones included (a transport fault never reaches
    // the method handler that sim.calls() counts): every /sync request but link.generate's.
    const auto attempts = [&] { return sim.requests_total() - sim.calls(kLinkGenerate); };
    const long before = attempts();
    const auto response = http_get(scout.port(), "/search?q=" + q);
    return {response ? response->status : 0, attempts() - before};
}

void fail_next(const SimProcess& sim, int count) {
    sim.add_fault({{"kind", "http_503"}, {"count", count}, {"method", kProductQuery}});
}

TEST(Reload, UpstreamTimeouts) {
    SimProcess sim;
    const std::string retries = R"("retry":{"max_attempts":3,"base_delay_ms":5})";
    ScoutProcess scout(upstream_scout(
        sim, R"({"upstream":{"request_timeout_ms":5000,"attempt_timeout_ms":5000,)" + retries + "}}"
    ));
    sim.add_fault({{"kind", "delay"}, {"delay_ms", 800}, {"method", kProductQuery}});
    EXPECT_EQ(search(sim, scout, "a"), std::make_pair(200, 1L));
    // attempt_timeout_ms: each attempt now gives up at 250 ms; the 5 s deadline allows retries.
    ASSERT_TRUE(reload(
        scout,
        R"({"upstream":{"request_timeout_ms":5000,"attempt_timeout_ms":250,)" + retries + "}}"
    ));
    EXPECT_EQ(search(sim, scout, "b"), std::make_pair(504, 3L));
    // request_timeout_ms: the whole call now ends with its first attempt.
    ASSERT_TRUE(reload(
        scout, R"({"upstream":{"request_timeout_ms":250,"attempt_timeout_ms":250,)" + retries + "}}"
    ));
    EXPECT_EQ(search(sim, scout, "c"), std::make_pair(504, 1L));
}

TEST(Reload, RetrySettings) {
    SimProcess sim;
    const auto config = [](const std::string& retry) {
        return R"({"upstream":{"request_timeout_ms":2000,"attempt_timeout_ms":1000,)"
               R"("breaker":{"min_calls":10000},"retry":{)" +
               retry + "}}}";
    };
    ScoutProcess scout(upstream_scout(
        sim,
        config(
            R"("max_attempts":1,"base_delay_ms":5,"max_delay_ms":600000,"multiplier":10,"jitter":"none")"
        )
    ));
    fail_next(sim, 1);
    EXPECT_EQ(search(sim, scout, "a"), std::make_pair(502, 1L));

    // max_attempts 1 -> 10: the fault is retried away.
    ASSERT_TRUE(reload(
        scout,
        config(
            R"("max_attempts":10,"base_delay_ms":5,"max_delay_ms":600000,"multiplier":10,"jitter":"none")"
        )
    ));
    fail_next(sim, 1);
    EXPECT_EQ(search(sim, scout, "b"), std::make_pair(200, 2L));
    // Waits 5, 50, 500, then 5000 ms, past the 2 s deadline: 4 attempts, 6 faults win.
    fail_next(sim, 6);
    EXPECT_EQ(search(sim, scout, "c"), std::make_pair(502, 4L));
    sim.clear_faults();

    // multiplier 10 -> 1: waits of 5 ms, so 7 attempts fit.
    ASSERT_TRUE(reload(
        scout,
        config(
            R"("max_attempts":10,"base_delay_ms":5,"max_delay_ms":600000,"multiplier":1,"jitter":"none")"
        )
    ));
    fail_next(sim, 6);
    EXPECT_EQ(search(sim, scout, "d"), std::make_pair(200, 7L));

    // max_delay_ms 600000 -> 10 (multiplier back at 10): waits capped at 10 ms.
    ASSERT_TRUE(reload(
        scout,
        config(
            R"("max_attempts":10,"base_delay_ms":5,"max_delay_ms":10,"multiplier":10,"jitter":"none")"
        )
    ));
    fail_next(sim, 6);
    EXPECT_EQ(search(sim, scout, "e"), std::make_pair(200, 7L));

    // base_delay_ms 5 -> 3000: the first wait lies past the deadline, so no retry.
    ASSERT_TRUE(reload(
        scout,
        config(
            R"("max_attempts":10,"base_delay_ms":3000,"max_delay_ms":3000,"multiplier":1,"jitter":"none")"
        )
    ));
    fail_next(sim, 1);
    EXPECT_EQ(search(sim, scout, "f"), std::make_pair(502, 1L));
    sim.clear_faults();

    // jitter none -> full: a wait of 0-3000 ms fits the deadline about half the time, so some
    // search among several is retried to a 200 (all failing: 1e-3).
    ASSERT_TRUE(reload(
        scout,
        config(
            R"("max_attempts":2,"base_delay_ms":3000,"max_delay_ms":3000,"multiplier":1,"jitter":"full")"
        )
    ));
    bool retried = false;
    for (int i = 0; i < 10 && !retried; ++i) {
        sim.clear_faults();
        fail_next(sim, 1);
        retried = search(sim, scout, "g" + std::to_string(i)).first == 200;
    }
    EXPECT_TRUE(retried);
}

TEST(Reload, BreakerRatioCoolDownAndTrials) {
    SimProcess sim;
    const auto config = [](const std::string& breaker) {
        return R"({"upstream":{"retry":{"max_attempts":1},"breaker":{"min_calls":4,"window_ms":600000,)" +
               breaker + "}}}";
    };
    ScoutProcess scout(upstream_scout(
        sim, config(R"("failure_ratio":1.0,"open_ms":3600000,"half_open_max_calls":1)")
    ));
    const auto opened = [&] { return occurrences(scout.log_text(), R"("to":"open")"); };
    const auto closed = [&] { return occurrences(scout.log_text(), R"("to":"closed")"); };
    EXPECT_EQ(search(sim, scout, "ok").first, 200);
    fail_next(sim, 3);
    for (const char* q : {"f1", "f2", "f3"}) {
        EXPECT_EQ(search(sim, scout, q).first, 502);
    }
    EXPECT_EQ(opened(), 0U);  // 3 of 4 failed: below a ratio of 1.0

    // failure_ratio 1.0 -> 0.5: the next failure (4 of 5) opens the circuit.
    ASSERT_TRUE(
        reload(scout, config(R"("failure_ratio":0.5,"open_ms":3600000,"half_open_max_calls":1)"))
    );
    fail_next(sim, 1);
    EXPECT_EQ(search(sim, scout, "f4").first, 502);
    EXPECT_TRUE(eventually(seconds(5), [&] { return opened() == 1; }));
    EXPECT_EQ(search(sim, scout, "refused"), std::make_pair(503, 0L));

    // open_ms 1 h -> 200 ms: the cool-down under way ends, one trial closes the circuit.
    ASSERT_TRUE(
        reload(scout, config(R"("failure_ratio":0.5,"open_ms":200,"half_open_max_calls":1)"))
    );
    std::optional<int> status;
    EXPECT_TRUE(eventually(seconds(10), [&] {
        status = search(sim, scout, "probe").first;
        return status == 200;
    })) << *status;
    EXPECT_TRUE(eventually(seconds(5), [&] { return closed() == 1; }));

    // half_open_max_calls 1 -> 3: after the next opening one good trial no longer closes it.
    ASSERT_TRUE(
        reload(scout, config(R"("failure_ratio":0.5,"open_ms":200,"half_open_max_calls":3)"))
    );
    fail_next(sim, 4);
    for (const char* q : {"g1", "g2", "g3", "g4"}) {
        search(sim, scout, q);
    }
    EXPECT_TRUE(eventually(seconds(5), [&] { return opened() == 2; }));
    EXPECT_TRUE(eventually(seconds(10), [&] { return search(sim, scout, "t1").first == 200; }));
    std::this_thread::sleep_for(milliseconds(300));
    EXPECT_EQ(closed(), 1U);  // 1 of 3 trials
    EXPECT_EQ(search(sim, scout, "t2").first, 200);
    EXPECT_EQ(search(sim, scout, "t3").first, 200);
    EXPECT_TRUE(eventually(seconds(5), [&] { return closed() == 2; }));
}

TEST(Reload, BreakerWindow) {
    SimProcess sim;
    const auto config = [](int window_ms) {
        return R"({"upstream":{"retry":{"max_attempts":1},"breaker":{"min_calls":2,"failure_ratio":0.5,"window_ms":)" +
               std::to_string(window_ms) + "}}}";
    };
    ScoutProcess scout(upstream_scout(sim, config(100)));
    sim.add_fault({{"kind", "http_503"}, {"method", kProductQuery}});
    // Failures 500 ms apart never share a 100 ms window.
    for (const char* q : {"a", "b", "c"}) {
        EXPECT_EQ(search(sim, scout, q), std::make_pair(502, 1L));
        std::this_thread::sleep_for(milliseconds(500));
    }
    ASSERT_TRUE(reload(scout, config(600'000)));
    EXPECT_EQ(search(sim, scout, "d").first, 502);
    EXPECT_EQ(search(sim, scout, "e").first, 502);
    EXPECT_EQ(search(sim, scout, "f"), std::make_pair(503, 0L));  // 2 in the window: open
}

TEST(Reload, MaxBan) {
    SimProcess sim;
    const auto config = [](int max_ban_s) {
        return R"({"upstream":{"request_timeout_ms":500,"attempt_timeout_ms":400,"max_ban_s":)" +
               std::to_string(max_ban_s) + "}}";
    };
    ScoutProcess scout(upstream_scout(sim, config(86'400)));
    ASSERT_TRUE(reload(scout, config(1)));
    sim.add_fault({{"kind", "rate_limit"}, {"ban_seconds", 86'400}, {"count", 1}});
    const auto banned = http_get(scout.port(), "/search?q=usb");
    ASSERT_TRUE(banned);
    EXPECT_EQ(banned->status, 503);
    EXPECT_EQ(banned->header("retry-after"), "1");  // 86400 with the setting before the reload
    EXPECT_TRUE(eventually(seconds(20), [&] { return search(sim, scout, "usb").first == 200; }));
}

// A reload logs each setting it changed (old -> new, secrets redacted) and each that waits
// for a restart.
TEST(Reload, LogsWhatChangedAndWhatNeedsARestart) {
    SimProcess sim;
    ScoutProcess scout(upstream_scout(sim, R"({"admin":{"token":"first-token"}})"));
    ASSERT_TRUE(reload(
        scout, R"({"admin":{"token":"second-token"},"upstream":{"retry":{"max_attempts":5}}})"
    ));
    std::string changed;
    std::string restart;
    for (const std::string& line : scout.log_lines()) {
        const json event = json::parse(line);
        if (event["msg"] == "setting changed") {
            changed += event.dump();
        } else if (event["msg"] == "setting changed on disk but needs a restart") {
            restart += event.dump();
        }
    }
    EXPECT_NE(changed.find(R"("setting":"upstream.retry.max_attempts")"), std::string::npos);
    // json::dump() orders keys alphabetically: "from" and "to" are not side by side.
    EXPECT_NE(changed.find(R"("from":"3")"), std::string::npos) << changed;
    EXPECT_NE(changed.find(R"("to":"5")"), std::string::npos) << changed;
    EXPECT_NE(restart.find(R"("setting":"admin.token")"), std::string::npos) << restart;
    EXPECT_NE(restart.find("<redacted>"), std::string::npos) << restart;
    EXPECT_EQ(scout.log_text().find("second-token"), std::string::npos);
    EXPECT_EQ(scout.log_text().find("first-token"), std::string::npos);
}

}  // namespace
}  // namespace scout::test
