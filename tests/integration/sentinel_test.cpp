// Process-level test of Redis high availability: real scout + scout-sim, a redis-server master,
// a replica (--replicaof) and three redis-sentinel processes on loopback. The master is
// SIGKILLed under load; Sentinel promotes the replica and Scout follows it without a restart.
#include "redis_server.hpp"
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
using Clock = std::chrono::steady_clock;

constexpr const char* kAdminToken = "sentinel-test-admin-token";

ScoutProcess::Options following(const SimProcess& sim, const SentinelTopology& redis) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.insert(
        options.settings.end(),
        {
            {"admin.token", kAdminToken},
            {"cache.l2_secret", "test-l2-secret"},
            // With sentinels the URL gives only credentials and db: its port 1 is never dialled.
            {"redis.url", "redis://127.0.0.1:1/0"},
            {"redis.sentinels", nlohmann::json(redis.addresses()).dump()},
            {"redis.master_name", "mymaster"},
            {"redis.connect_timeout_ms", "300"},
            {"redis.reconnect_min_ms", "50"},
            {"redis.reconnect_max_ms", "500"},
        }
    );
    return options;
}

std::int64_t dbsize(const RedisServer& server) {
    const auto reply = server.command({"DBSIZE"}, milliseconds(500));
    return reply && reply->kind == RespReply::Kind::kInteger ? reply->integer : -1;
}

// Searches from a few threads until stopped: repeats (L1 hits) and new pages (misses that go
// upstream and are written to L2). Counts the answers that are not 200.
class SearchLoad {
public:
    explicit SearchLoad(int port) {
        for (int t = 0; t < 3; ++t) {
            threads_.emplace_back([this, port, t] { run(port, t); });
        }
    }
    SearchLoad(const SearchLoad&) = delete;
    SearchLoad& operator=(const SearchLoad&) = delete;
    SearchLoad(SearchLoad&&) = delete;
    SearchLoad& operator=(SearchLoad&&) = delete;
    ~SearchLoad() { stop(); }

    void stop() {
        stop_ = true;
        for (auto& thread : threads_) {
            if (thread.joinable()) {
                thread.join();
            }
        }
    }
    [[nodiscard]] int served() const { return served_.load(); }
    [[nodiscard]] int failed() const { return failed_.load(); }
    [[nodiscard]] int memory_only() const { return memory_only_.load(); }

private:
    void run(int port, int thread) {
        static const std::vector<std::string> kWords = {"usb", "lamp", "desk", "mouse", "phone"};
        for (int i = 0; !stop_.load(); ++i) {
            // Two requests in three repeat a page (L1 hits); every third walks to a new
            // (word, size) pair: a miss that goes upstream and is written to L2.
            const int n = i % 3 == 0 ? i : 0;
            const std::string target = "/search?q=" + kWords[(n + thread) % kWords.size()] +
                                       "&page_size=" + std::to_string(1 + (n * 3 + thread) % 50);
            const auto response = http_get(port, target);
            if (!response || response->status != 200) {
                ++failed_;
                continue;
            }
            ++served_;
            memory_only_ += response->header("x-cache-l2") == "unavailable" ? 1 : 0;
        }
    }

    std::atomic<bool> stop_{false};
    std::atomic<int> served_{0};
    std::atomic<int> failed_{0};
    std::atomic<int> memory_only_{0};
    std::vector<std::thread> threads_;
};

TEST(RedisSentinel, MasterKilledUnderLoadFailsNoSearchAndL2WritesResumeOnThePromotedReplica) {
    if (find_redis_server().empty() || find_redis_sentinel().empty()) {
        GTEST_SKIP() << "redis-server or redis-sentinel is not installed";
    }
    SimProcess sim;
    SentinelTopology redis;
    ASSERT_TRUE(redis.wait_ready()) << "replica in sync, sentinels aware of each other";
    ScoutProcess scout(following(sim, redis));
    ASSERT_TRUE(wait_l2_ready(scout)) << scout.log_text();
    ASSERT_TRUE(eventually(seconds(5), [&] { return dbsize(redis.master) > 0; }));

    SearchLoad load(scout.port());
    std::this_thread::sleep_for(seconds(1));
    const auto killed = Clock::now();
    redis.master.kill();
    // Sentinel's failover: down-after 1 s, then the vote and the promotion.
    ASSERT_TRUE(redis.wait_master(redis.replica.port(), seconds(30)));
    const auto switched = Clock::now();
    const std::int64_t at_switch = dbsize(redis.replica);
    // New pages land on the promoted replica: Scout asked Sentinel again and reconnected.
    const bool resumed = eventually(seconds(2), [&] { return dbsize(redis.replica) > at_switch; });
    const auto resumed_at = Clock::now();
    std::this_thread::sleep_for(milliseconds(500));
    load.stop();

    const auto ms = [](Clock::duration d) {
        return std::chrono::duration_cast<milliseconds>(d).count();
    };
    // Reported, not asserted: the machine may be slow.
    std::cout << "failover_ms=" << ms(switched - killed)
              << " l2_resumed_after_switch_ms=" << ms(resumed_at - switched)
              << " served=" << load.served() << " memory_only=" << load.memory_only() << "\n";
    EXPECT_TRUE(resumed) << "no L2 write on the new master within 2 s of the switch\n"
                         << scout.log_text();
    EXPECT_EQ(load.failed(), 0) << load.served() << " served";
    EXPECT_GT(load.memory_only(), 0) << "some searches were served while Redis switched";
    EXPECT_GE(scrape_metric(scout, kAdminToken, "scout_redis_master_switches_total"), 1.0);
    EXPECT_TRUE(eventually(seconds(5), [&] {
        return scrape_metric(scout, kAdminToken, "scout_redis_connections_up") == 2.0;
    })) << "both workers on the new master";
}

}  // namespace
}  // namespace scout::test
