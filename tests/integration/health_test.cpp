// Process-level tests of GET /health/detailed: real scout, scout-sim and redis-server on
// loopback. Redis down is degraded (200), draining is unhealthy (503), and the answer never
// waits on a hung dependency.
#include "redis_server.hpp"
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <future>
#include <thread>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

ScoutProcess::Options with(const SimProcess& sim, const std::string& redis_url) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings({
        {"redis.url", redis_url},
        {"redis.reconnect_min_ms", "50"},
        {"redis.reconnect_max_ms", "300"},
        {"server.threads", "2"},
    });
    return options;
}

struct Health {
    int status = 0;
    json body;
};

Health health(const ScoutProcess& scout, milliseconds timeout = seconds(10)) {
    const auto response = http_request(scout.port(), "GET", "/health/detailed", {}, {}, timeout);
    if (!response) {
        return {};
    }
    return {response->status, json::parse(response->body)};
}

bool reaches(const ScoutProcess& scout, const std::string& status, seconds within) {
    return eventually(within, [&] { return health(scout).body.value("status", "") == status; });
}

TEST(HealthDetailed, ReportsEveryComponentAndIsHealthyWithItsDependenciesUp) {
    SimProcess sim;
    RedisServer redis;
    ScoutProcess scout(with(sim, redis.url()));
    ASSERT_TRUE(reaches(scout, "healthy", seconds(10))) << health(scout).body.dump();
    // The probes start with the first request and run beside it: latency_ms is null until
    // the first PING has answered.
    ASSERT_TRUE(eventually(seconds(5), [&] {
        return health(scout).body["components"]["redis"]["latency_ms"].is_number();
    })) << health(scout).body.dump();
    const Health h = health(scout);
    EXPECT_EQ(h.status, 200);
    EXPECT_FALSE(h.body["version"].get<std::string>().empty());
    EXPECT_TRUE(h.body["uptime_s"].is_number_integer());
    for (const char* name : {"upstream", "redis", "memory_cache", "event_loop"}) {
        ASSERT_TRUE(h.body["components"].contains(name)) << name;
        EXPECT_EQ(h.body["components"][name]["status"], "ok") << name;
        EXPECT_TRUE(h.body["components"][name].contains("last_error")) << name;
    }
    EXPECT_EQ(h.body["components"]["upstream"]["breakers"]["product.query"], "closed");
    EXPECT_TRUE(h.body["components"]["redis"]["latency_ms"].is_number());
    EXPECT_EQ(health(scout).body["components"]["event_loop"]["lag_ms"].size(), 2U);
}

// Redis killed: degraded with HTTP 200 within 2 s (cached answers still flow); healthy again
// once it is back.
TEST(HealthDetailed, RedisDownIsDegradedAndRecovers) {
    SimProcess sim;
    RedisServer redis;
    ScoutProcess scout(with(sim, redis.url()));
    ASSERT_TRUE(reaches(scout, "healthy", seconds(10))) << health(scout).body.dump();

    redis.kill();
    // Both workers' connections are lost: the redis component is down (not degraded, as
    // it is while only some are), the instance degraded.
    ASSERT_TRUE(eventually(seconds(2), [&] {
        return health(scout).body["components"]["redis"].value("status", "") == "down";
    })) << health(scout).body.dump();
    const Health down = health(scout);
    EXPECT_EQ(down.status, 200);
    EXPECT_EQ(down.body["status"], "degraded");
    EXPECT_EQ(down.body["components"]["redis"]["status"], "down");
    EXPECT_EQ(down.body["components"]["redis"]["connections_up"], 0);
    EXPECT_TRUE(down.body["components"]["redis"]["last_error"].is_string());
    EXPECT_TRUE(down.body["components"]["redis"]["last_error_unix_ms"].is_number_integer());

    redis.start();
    ASSERT_TRUE(reaches(scout, "healthy", seconds(10))) << health(scout).body.dump();
    // Each worker reconnects on its own; once healthy, every answer says so, whichever
    // worker gives it (it read only its own connection once, and flipped back to down).
    for (int i = 0; i < 20; ++i) {
        const Health again = health(scout);
        ASSERT_EQ(again.body["components"]["redis"]["status"], "ok") << again.body.dump();
        EXPECT_EQ(again.body["components"]["redis"]["connections_up"], 2) << again.body.dump();
        EXPECT_EQ(again.body["components"]["redis"]["connections"], 2);
    }
}

// The upstream holds every call (scout-sim `timeout` fault): searches hang, the health answer
// does not (it reads known state; probes run in the background).
TEST(HealthDetailed, AnswersWithinOneSecondWhileTheUpstreamHangs) {
    SimProcess sim;
    RedisServer redis;
    ScoutProcess scout(with(sim, redis.url()));
    sim.add_fault({{"kind", "timeout"}});
    std::vector<std::future<bool>> searches;
    for (int i = 0; i < 4; ++i) {
        searches.push_back(std::async(std::launch::async, [&scout, i] {
            return http_get(scout.port(), "/search?q=hang+" + std::to_string(i)).has_value();
        }));
    }
    std::this_thread::sleep_for(milliseconds(300));
    for (int i = 0; i < 10; ++i) {
        const auto started = std::chrono::steady_clock::now();
        const Health h = health(scout, seconds(1));
        EXPECT_EQ(h.status, 200) << "no answer within 1 s";
        EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(1));
        std::this_thread::sleep_for(milliseconds(100));
    }
    for (auto& search : searches) {
        EXPECT_TRUE(search.get());  // each ends with the upstream deadline
    }
}

// Upstream failing: the breaker opens, the upstream is down and Scout degraded (200).
TEST(HealthDetailed, UpstreamFailingIsDegraded) {
    SimProcess sim;
    ScoutProcess scout(with(sim, ""));
    sim.add_fault({{"kind", "http_503"}});
    for (int i = 0; i < 12; ++i) {
        ASSERT_TRUE(http_get(scout.port(), "/search?q=fail+" + std::to_string(i)));
    }
    ASSERT_TRUE(reaches(scout, "degraded", seconds(5))) << health(scout).body.dump();
    const Health h = health(scout);
    EXPECT_EQ(h.status, 200);
    EXPECT_NE(h.body["components"]["upstream"]["status"], "ok");
    EXPECT_TRUE(h.body["components"]["upstream"]["last_error"].is_string());
    EXPECT_EQ(h.body["components"]["redis"]["status"], "disabled");
}

// SIGTERM: unhealthy with 503 for the rest of the drain, on a load balancer's kept-alive
// connection (new connections are refused once the drain starts).
TEST(HealthDetailed, DrainingIsUnhealthy) {
    SimProcess sim;
    ScoutProcess::Options options = with(sim, "");
    options.settings.emplace_back("server.shutdown_grace_ms", "10000");
    ScoutProcess scout(std::move(options));
    HttpConnection probe(scout.port());
    ASSERT_TRUE(probe.send(raw_request("GET", "/health/detailed")));
    const auto first = probe.read_response();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);
    ASSERT_TRUE(probe.send("GET /health/detailed HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    // A request in flight keeps the drain going.
    HttpConnection in_flight(scout.port());
    ASSERT_TRUE(in_flight.send("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"
    ));
    std::this_thread::sleep_for(milliseconds(200));

    scout.process().signal(SIGTERM);
    ASSERT_TRUE(eventually(seconds(5), [&] { return !HttpConnection(scout.port()).connected(); }));
    ASSERT_TRUE(probe.send("\r\n"));
    const auto draining = probe.read_response();
    ASSERT_TRUE(draining);
    EXPECT_EQ(draining->status, 503);
    const json body = json::parse(draining->body);
    EXPECT_EQ(body["status"], "unhealthy");
    EXPECT_EQ(body["draining"], true);
    ASSERT_TRUE(in_flight.send("67890"));
    EXPECT_TRUE(in_flight.read_response());
    EXPECT_EQ(scout.process().wait_for(seconds(10)), 0);
}

}  // namespace
}  // namespace scout::test
