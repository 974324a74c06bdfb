// Process-level tests of what an operator reads in the log during an outage: repeated
// warnings are rate-limited with a count of what was held back, and state changes are logged
// once each way.
#include "redis_server.hpp"
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <thread>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kProductQuery = "aliexpress.affiliate.product.query";

// The JSON events whose msg is `msg`.
std::vector<json> events(const ScoutProcess& scout, const std::string& msg) {
    std::vector<json> out;
    for (const std::string& line : scout.log_lines()) {
        json event = json::parse(line);
        if (event["msg"] == msg) {
            out.push_back(std::move(event));
        }
    }
    return out;
}

std::size_t lines_mentioning(const ScoutProcess& scout, const std::string& text) {
    std::size_t n = 0;
    for (const std::string& line : scout.log_lines()) {
        n += line.find(text) != std::string::npos ? 1 : 0;
    }
    return n;
}

// Redis killed for a few seconds while searches flow: a handful of lines (per worker: the
// connection lost, the failed reconnects once, the reconnect), not one per search or probe.
TEST(OperatorLogs, RedisOutageCostsABoundedNumberOfLines) {
    SimProcess sim;
    RedisServer redis;
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.emplace_back("redis.url", redis.url());
    options.settings.emplace_back("server.threads", "2");
    options.settings.emplace_back("redis.reconnect_min_ms", "20");
    options.settings.emplace_back("redis.reconnect_max_ms", "100");
    ScoutProcess scout(options);
    ASSERT_TRUE(eventually(seconds(10), [&] {
        return lines_mentioning(scout, "redis connected") >= 2;
    }));
    redis.kill();
    const auto until = std::chrono::steady_clock::now() + seconds(3);
    int searches = 0;
    while (std::chrono::steady_clock::now() < until) {
        const auto response =
            http_get(scout.port(), "/search?q=outage+" + std::to_string(searches++));
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 200);  // memory-only meanwhile
    }
    redis.start();
    ASSERT_TRUE(eventually(seconds(10), [&] {
        return lines_mentioning(scout, "redis connected") >= 4;  // each worker is back
    }));
    // About 30 reconnect attempts per worker and every search failed over to memory.
    const std::size_t redis_warnings =
        events(scout, "redis connection lost").size() + events(scout, "redis unavailable").size();
    EXPECT_GE(searches, 5);
    EXPECT_LE(redis_warnings, 4U) << scout.log_text();
    EXPECT_EQ(events(scout, "redis connection lost").size(), 2U);  // once per worker
}

// An open breaker refuses every search: one warning per interval per method, and the next one
// says how many were held back.
TEST(OperatorLogs, OpenBreakerWarnsOncePerIntervalWithTheSuppressedCount) {
    SimProcess sim;
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.emplace_back("cache.ttl.search_s", "0");
    options.settings.emplace_back("upstream.retry.max_attempts", "1");
    options.settings.emplace_back("upstream.breaker.min_calls", "2");
    options.settings.emplace_back("upstream.breaker.open_ms", "600000");
    ScoutProcess scout(options);
    sim.add_fault({{"kind", "http_503"}, {"method", kProductQuery}});
    for (int i = 0; i < 2; ++i) {
        http_get(scout.port(), "/search?q=fail" + std::to_string(i));
    }
    constexpr int kRefused = 30;
    for (int i = 0; i < kRefused; ++i) {
        const auto response = http_get(scout.port(), "/search?q=r" + std::to_string(i));
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 503);
    }
    const std::string refused = "upstream call refused: circuit breaker open";
    ASSERT_TRUE(eventually(seconds(5), [&] { return events(scout, refused).size() == 1; }));
    EXPECT_EQ(events(scout, refused)[0]["suppressed"], 0);
    EXPECT_EQ(events(scout, "upstream circuit breaker changed state").size(), 1U);

    std::this_thread::sleep_for(milliseconds(10'500));  // the throttle's interval is 10 s
    ASSERT_TRUE(http_get(scout.port(), "/search?q=later"));
    ASSERT_TRUE(eventually(seconds(5), [&] { return events(scout, refused).size() == 2; }));
    EXPECT_EQ(events(scout, refused)[1]["suppressed"], kRefused - 1);
}

}  // namespace
}  // namespace scout::test
