// The outbound quota at process level: two real Scout instances sharing one redis-server and
// one scout-sim. Rates are measured from scout-sim's own call counter over whole windows (the
// quota's bound holds for any window: at most burst + rate * seconds calls), never from
// timings of single requests.
#include "redis_server.hpp"
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace scout::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

constexpr const char* kAdminToken = "quota-test-admin-token";
constexpr double kRate = 5.0;
constexpr int kBurst = 5;
// Clean data (one upstream call per page) and a small catalogue (fast answers).
const std::vector<std::string> kSimArgs = {"--no-quirks", "--catalog-size", "3000"};

ScoutProcess::Options instance(
    const SimProcess& sim,
    const RedisServer& redis,
    std::vector<std::pair<std::string, std::string>> extra = {}
) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.insert(
        options.settings.end(),
        {{"search.cursor_secret", "quota-test-cursor-secret"},
         {"cache.l2_secret", "quota-test-l2-secret"},
         {"admin.token", kAdminToken},
         {"redis.url", redis.url()},
         // Generous: the machine running the tests is loaded, and the point here is pacing.
         {"redis.command_timeout_ms", "1000"},
         {"redis.reconnect_min_ms", "50"},
         {"redis.reconnect_max_ms", "500"},
         {"upstream.request_timeout_ms", "8000"},
         {"upstream.attempt_timeout_ms", "6000"},
         {"upstream.breaker.min_calls", "10000"},
         {"upstream.quota.rate_per_s", "5"},
         {"upstream.quota.burst", std::to_string(kBurst)},
         {"upstream.quota.instances_hint", "2"},
         {"upstream.quota.max_wait_ms", "7000"}}
    );
    options.settings.insert(options.settings.end(), extra.begin(), extra.end());
    return options;
}

std::string metrics_text(const ScoutProcess& scout) {
    const auto response = http_get(
        scout.port(), "/metrics", {{"Authorization", std::string("Bearer ") + kAdminToken}}
    );
    return response ? response->body : std::string();
}

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}

// `count` distinct cold searches split over 4 client threads per instance; returns how many
// did not answer 200.
int cold_searches(const std::vector<const ScoutProcess*>& instances, int first, int count) {
    constexpr int kClientsPerInstance = 4;
    std::atomic<int> next{first};
    std::atomic<int> failures{0};
    std::vector<std::thread> clients;
    for (const ScoutProcess* scout : instances) {
        for (int c = 0; c < kClientsPerInstance; ++c) {
            clients.emplace_back([&, port = scout->port()] {
                for (int i = next++; i < first + count; i = next++) {
                    // A distinct price floor (in cents, below every product's price): a
                    // distinct page of the same products, one upstream call.
                    const std::string cents = std::to_string(100 + i % 100);
                    const std::string target =
                        "/search?q=usb&page_size=5&min_price=" + std::to_string(i / 100) + "." +
                        cents.substr(1);
                    const auto response = http_request(port, "GET", target, {}, {}, seconds(30));
                    if (!response || response->status != 200) {
                        ++failures;
                        ADD_FAILURE()
                            << target << " -> "
                            << (response ? std::to_string(response->status) + " " + response->body
                                         : std::string("no answer"));
                    }
                }
            });
        }
    }
    for (std::thread& client : clients) {
        client.join();
    }
    return failures.load();
}

struct Window {
    long calls = 0;
    double seconds = 0;
};

// Upstream calls scout-sim saw while `work` ran, and for how long it ran.
template <typename Work>
Window measure(const SimProcess& sim, Work work) {
    const long before = sim.requests_total();
    const auto started = Steady::now();
    work();
    Window window;
    window.seconds = std::chrono::duration<double>(Steady::now() - started).count();
    window.calls = sim.requests_total() - before;
    return window;
}

TEST(OutboundQuota, TwoInstancesShareOneRateThroughRedisAndKeepTheirShareWithoutIt) {
    if (find_redis_server().empty()) {
        GTEST_SKIP() << "redis-server is not installed";
    }
    RedisServer redis;
    SimProcess sim(kSimArgs);
    ScoutProcess a(instance(sim, redis));
    ScoutProcess b(instance(sim, redis));
    ASSERT_TRUE(wait_l2_ready(a));
    ASSERT_TRUE(wait_l2_ready(b));

    // 120 cold searches with Redis: one bucket for both.
    const Window shared = measure(sim, [&] { EXPECT_EQ(cold_searches({&a, &b}, 0, 120), 0); });
    EXPECT_GE(shared.calls, 120);
    EXPECT_LE(shared.calls, kBurst + kRate * shared.seconds + 1)
        << shared.calls << " calls in " << shared.seconds << " s";
    for (const ScoutProcess* scout : {&a, &b}) {
        const std::string metrics = metrics_text(*scout);
        EXPECT_TRUE(has_line(metrics, R"(scout_upstream_quota_mode{mode="redis"} 1)")) << metrics;
        EXPECT_TRUE(
            has_line(metrics, R"(scout_upstream_quota_rejected_total{reason="queue_full"} 0)")
        );
    }

    // Redis dies mid-run: each instance goes on alone at rate / instances_hint.
    const std::size_t log_a = a.log_text().size();
    const std::size_t log_b = b.log_text().size();
    redis.kill();
    const Window local = measure(sim, [&] { EXPECT_EQ(cold_searches({&a, &b}, 120, 80), 0); });
    EXPECT_GE(local.calls, 80);
    // Two local buckets of 2.5/s, burst 2 each.
    EXPECT_LE(local.calls, 2 * 2 + kRate * local.seconds + 1)
        << local.calls << " calls in " << local.seconds << " s";
    for (const auto& [scout, log_start] : {std::pair{&a, log_a}, std::pair{&b, log_b}}) {
        EXPECT_TRUE(has_line(metrics_text(*scout), R"(scout_upstream_quota_mode{mode="local"} 1)"));
        // Said once per change of mode, not per call.
        const std::string log = scout->log_text().substr(log_start);
        const std::string said = "outbound quota: pacing on this instance's share";
        const auto first = log.find(said);
        ASSERT_NE(first, std::string::npos);
        EXPECT_EQ(log.find(said, first + 1), std::string::npos);
    }
    std::cout << "[quota] shared: " << shared.calls << " calls in " << shared.seconds
              << " s; local: " << local.calls << " calls in " << local.seconds << " s\n";
}

TEST(OutboundQuota, ABanSeenByOneInstanceStopsTheOthersCalls) {
    if (find_redis_server().empty()) {
        GTEST_SKIP() << "redis-server is not installed";
    }
    RedisServer redis;
    SimProcess sim(kSimArgs);
    ScoutProcess a(instance(sim, redis, {{"upstream.max_ban_s", "60"}}));
    ScoutProcess b(instance(sim, redis, {{"upstream.max_ban_s", "60"}}));
    ASSERT_TRUE(wait_l2_ready(a));
    ASSERT_TRUE(wait_l2_ready(b));
    const auto warm = http_get(b.port(), "/search?q=phone+case&page_size=5");
    ASSERT_TRUE(warm && warm->status == 200);

    // The app's daily quota: a ban of the app key, not of one method.
    sim.add_fault({{"kind", "rate_limit"}, {"count", 1}, {"ban_seconds", 40}, {"daily", true}});
    const auto banned = http_get(a.port(), "/search?q=usb&page_size=5&min_price=1.01");
    ASSERT_TRUE(banned);
    EXPECT_EQ(banned->status, 503) << banned->body;

    // Instance b has not met the ban itself, yet makes no call while it lasts.
    const long calls = sim.requests_total();
    const auto refused = http_get(b.port(), "/search?q=usb&page_size=5&min_price=1.02");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503) << refused->body;
    EXPECT_NE(refused->body.find("upstream_unavailable"), std::string::npos) << refused->body;
    EXPECT_GE(std::stoi(refused->header("retry-after")), 20);
    EXPECT_EQ(sim.requests_total(), calls);
    EXPECT_TRUE(
        has_line(metrics_text(b), R"(scout_upstream_quota_rejected_total{reason="banned"} 1)")
    );

    // Cached answers keep flowing meanwhile.
    const auto cached = http_get(b.port(), "/search?q=phone+case&page_size=5");
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->status, 200);
    EXPECT_EQ(sim.requests_total(), calls);
}

}  // namespace
}  // namespace scout::test
