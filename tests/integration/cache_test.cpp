// Process-level tests of the two-tier cache: real scout + scout-sim + redis-server on loopback.
#include <scout/cache/cached_response.hpp>

#include "redis_server.hpp"
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kProductQuery = "aliexpress.affiliate.product.query";

// Instances sharing Redis share the secret its values are authenticated with.
constexpr const char* kL2Secret = "test-l2-secret";

ScoutProcess::Options memory_only(const SimProcess& sim) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings({
        {"search.cursor_secret", "test-cursor-secret"},
        {"redis.url", ""},
    });
    return options;
}

ScoutProcess::Options with_redis(
    const SimProcess& sim,
    const RedisServer& redis,
    std::vector<std::pair<std::string, std::string>> extra = {}
) {
    ScoutProcess::Options options = memory_only(sim);
    options.settings.back() = {"redis.url", redis.url()};
    options.settings.insert(
        options.settings.end(),
        {{"cache.l2_secret", kL2Secret},
         {"redis.command_timeout_ms", "50"},
         {"redis.reconnect_min_ms", "50"},
         {"redis.reconnect_max_ms", "500"}}
    );
    options.settings.insert(options.settings.end(), extra.begin(), extra.end());
    return options;
}

HttpResponse search(const ScoutProcess& scout, const std::string& target) {
    const auto response = http_get(scout.port(), target);
    EXPECT_TRUE(response) << target;
    return response.value_or(HttpResponse{});
}

TEST(TieredCache, RestartedInstanceServesFromRedisWithoutCallingTheUpstream) {
    SimProcess sim;
    RedisServer redis;
    json first;
    long before = 0;
    {
        ScoutProcess scout(with_redis(sim, redis));
        ASSERT_TRUE(wait_l2_ready(scout));
        before = sim.calls(kProductQuery);
        const HttpResponse miss = search(scout, "/search?q=usb+cable&page_size=10&sort=orders");
        ASSERT_EQ(miss.status, 200) << miss.body;
        EXPECT_EQ(miss.header("x-cache"), "MISS");
        EXPECT_EQ(miss.header("x-cache-l2"), "ok");
        first = json::parse(miss.body);
        // Reordered, re-spaced, re-cased: the same key, served from L1.
        const HttpResponse hit = search(scout, "/search?sort=orders&page_size=10&q=USB%20%20cable");
        EXPECT_EQ(hit.header("x-cache"), "HIT");
    }
    EXPECT_EQ(sim.calls(kProductQuery), before + 1);
    // The L2 writes happen in the background: wait for both pages (probe and query).
    ASSERT_TRUE(eventually(seconds(5), [&] {
        const auto keys = redis.command({"KEYS", "scout:v1:search:*"});
        return keys && keys->elements.size() >= 2;
    }));
    ScoutProcess restarted(with_redis(sim, redis));  // empty L1
    ASSERT_TRUE(wait_l2_ready(restarted));
    before = sim.calls(kProductQuery);
    const HttpResponse from_l2 = search(restarted, "/search?q=usb+cable&page_size=10&sort=orders");
    EXPECT_EQ(from_l2.header("x-cache"), "HIT");
    EXPECT_EQ(json::parse(from_l2.body), first);
    EXPECT_EQ(sim.calls(kProductQuery), before) << "served from Redis, no upstream call";
}

TEST(TieredCache, RedisDyingMidStreamFailsNoRequestAndReconnectsWhenBack) {
    SimProcess sim;
    RedisServer redis;
    const int port = redis.port();
    ScoutProcess scout(with_redis(sim, redis));
    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    std::atomic<int> served{0};
    std::atomic<int> memory_only{0};
    std::thread stream([&] {
        int i = 0;
        while (!stop.load()) {
            const auto response =
                http_get(scout.port(), "/search?q=usb&page_size=" + std::to_string(1 + (i++ % 50)));
            if (!response || response->status != 200) {
                ++failures;
            } else {
                ++served;
                memory_only += response->header("x-cache-l2") == "unavailable" ? 1 : 0;
            }
        }
    });
    std::this_thread::sleep_for(milliseconds(500));
    redis.kill();
    // Several searches served memory-only (a count, not a duration: the machine may be slow).
    const bool several = eventually(seconds(10), [&] { return memory_only.load() >= 4; });
    stop = true;
    stream.join();
    EXPECT_TRUE(several) << memory_only.load() << " of " << served.load();
    EXPECT_EQ(failures.load(), 0);

    // Back on the same port: Scout reconnects by itself within 2 s and writes to it again.
    redis.start();
    ASSERT_EQ(redis.port(), port);
    const auto restarted = std::chrono::steady_clock::now();
    EXPECT_TRUE(eventually(seconds(2), [&] {
        // A cached page: the probe itself costs nothing, only the L2 state matters.
        return search(scout, "/search?q=usb&page_size=1").header("x-cache-l2") == "ok";
    }));
    EXPECT_LT(std::chrono::steady_clock::now() - restarted, milliseconds(2500)) << scout.log_text();
    // New pages are written to Redis again (whichever worker serves them; each worker has its
    // own connection, so keep asking with new pages until one lands).
    int page_size = 1;
    EXPECT_TRUE(eventually(seconds(5), [&] {
        search(scout, "/search?q=laptop+stand&page_size=" + std::to_string(page_size++ % 50 + 1));
        const auto keys = redis.command({"DBSIZE"});
        return keys && keys->integer > 0;
    })) << "writes reach Redis again";
}

TEST(TieredCache, FrozenRedisCostsAtMostTheCommandTimeout) {
    SimProcess sim;
    RedisServer redis;
    ScoutProcess scout(with_redis(sim, redis, {{"redis.command_timeout_ms", "50"}}));
    ASSERT_TRUE(wait_l2_ready(scout));
    // Baseline: cold searches (L1 miss, L2 miss, upstream call) with a healthy Redis.
    auto timed = [&](const std::string& q) {
        const auto started = std::chrono::steady_clock::now();
        const HttpResponse response = search(scout, "/search?q=" + q + "&page_size=5");
        EXPECT_EQ(response.status, 200) << response.body;
        return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    };
    milliseconds baseline{0};
    for (const char* q : {"usb", "earphones", "phone+case"}) {
        baseline = std::max(baseline, timed(q));
    }
    // Freeze Redis for 2 s from another connection.
    std::thread sleeper([&] { (void)redis.command({"DEBUG", "SLEEP", "2"}, seconds(5)); });
    std::this_thread::sleep_for(milliseconds(100));
    milliseconds frozen{0};
    for (const char* q : {"laptop+stand", "usb+cable", "wireless+earphones"}) {
        frozen = std::max(frozen, timed(q));
    }
    sleeper.join();
    // One L2 read times out (50 ms); the lock is skipped and the L2 write is in the background.
    // Allow scheduling noise on a shared machine on top of the timeout.
    EXPECT_LT(frozen.count(), baseline.count() + 50 + 150)
        << "baseline " << baseline.count() << " ms";
    EXPECT_GE(frozen.count(), 40) << "the L2 read waited for its timeout";
}

// A Redis that hangs with its connection open: after redis.timeouts_before_reconnect timeouts
// in a row the worker drops the connection, later searches skip L2 (memory-only, said in
// X-Cache-L2) instead of each waiting for the timeout, and the connection comes back by
// itself once Redis answers.
TEST(TieredCache, HangingRedisIsDroppedAndSearchesGoMemoryOnlyUntilItAnswers) {
    SimProcess sim;
    RedisServer redis;
    ScoutProcess scout(
        with_redis(sim, redis, {{"server.threads", "1"}, {"redis.timeouts_before_reconnect", "2"}})
    );
    ASSERT_TRUE(wait_l2_ready(scout));
    std::thread sleeper([&] { (void)redis.command({"DEBUG", "SLEEP", "3"}, seconds(6)); });
    std::this_thread::sleep_for(milliseconds(100));
    int n = 0;
    std::vector<std::string> states;
    const bool memory_only = eventually(seconds(2), [&] {
        const HttpResponse cold =
            search(scout, "/search?q=usb&page_size=" + std::to_string(++n % 50 + 1));
        EXPECT_EQ(cold.status, 200) << cold.body;  // no request fails meanwhile
        states.push_back(cold.header("x-cache-l2"));
        return states.back() == "unavailable";
    });
    sleeper.join();
    EXPECT_TRUE(memory_only) << "still waiting on Redis after " << n << " searches";
    // Two timeouts in a row (reads and background writes both count) drop the connection:
    // within the first few searches, not after every search waited for its timeout.
    EXPECT_LE(states.size(), 4U);
    const bool back = eventually(seconds(5), [&] {
        return search(scout, "/search?q=usb&page_size=3").header("x-cache-l2") == "ok";
    });
    EXPECT_TRUE(back) << "the connection came back once Redis answered";
}

TEST(TieredCache, TwoInstancesSharingRedisFetchAMissOnce) {
    SimProcess sim({"--latency-ms", "300"});
    RedisServer redis;
    ScoutProcess a(with_redis(sim, redis));
    ScoutProcess b(with_redis(sim, redis));
    ASSERT_TRUE(wait_l2_ready(a));
    ASSERT_TRUE(wait_l2_ready(b));
    const long before = sim.calls(kProductQuery);
    HttpResponse from_a;
    HttpResponse from_b;
    std::thread ta([&] { from_a = search(a, "/search?q=phone+case&page_size=8"); });
    std::this_thread::sleep_for(milliseconds(50));
    std::thread tb([&] { from_b = search(b, "/search?q=phone+case&page_size=8"); });
    ta.join();
    tb.join();
    EXPECT_EQ(from_a.status, 200);
    EXPECT_EQ(from_b.status, 200);
    EXPECT_EQ(sim.calls(kProductQuery), before + 1) << "the second instance waited for the first";
    EXPECT_EQ(json::parse(from_a.body), json::parse(from_b.body));
}

// ---- single-flight (B3) -------------------------------------------------------------------

// Two workers share one flight table and Redis: a request that missed L1 while the previous
// flight was finishing must find the page on re-checking, not fetch it again. Several trials
// (a distinct page each), because the race only shows in some of them.
TEST(TieredCache, ConcurrentColdSearchesOnTwoWorkersCallTheUpstreamOnce) {
    SimProcess sim({"--latency-ms", "5"});
    RedisServer redis;
    ScoutProcess scout(with_redis(sim, redis, {{"server.threads", "2"}}));
    ASSERT_TRUE(wait_l2_ready(scout));
    constexpr int kTrials = 10;
    constexpr int kClients = 50;
    std::vector<long> calls_per_trial;
    for (int trial = 0; trial < kTrials; ++trial) {
        const std::string target =
            "/search?q=usb+cable&page_size=" + std::to_string(trial + 2) + "&affiliate=false";
        const long before = sim.calls(kProductQuery);
        std::atomic<int> ok{0};
        std::vector<std::thread> clients;
        clients.reserve(kClients);
        for (int i = 0; i < kClients; ++i) {
            clients.emplace_back([&] {
                const auto response = http_get(scout.port(), target);
                ok += response && response->status == 200 ? 1 : 0;
            });
        }
        for (std::thread& client : clients) {
            client.join();
        }
        EXPECT_EQ(ok.load(), kClients) << target;
        calls_per_trial.push_back(sim.calls(kProductQuery) - before);
    }
    EXPECT_EQ(calls_per_trial, std::vector<long>(kTrials, 1L));
}

// A slow upstream (1.5-2.5 s per call) is when the cross-instance lock matters: the second
// instance waits for the first one's page as long as the lock may live, not for 1 s.
TEST(TieredCache, TwoInstancesWaitForASlowPeerInsteadOfFetchingAgain) {
    SimProcess sim({"--latency-ms", "2000"});
    RedisServer redis;
    const std::vector<std::pair<std::string, std::string>> slow = {
        {"upstream.attempt_timeout_ms", "3000"}};
    ScoutProcess a(with_redis(sim, redis, slow));
    ScoutProcess b(with_redis(sim, redis, slow));
    ASSERT_TRUE(wait_l2_ready(a));
    ASSERT_TRUE(wait_l2_ready(b));
    const std::string target = "/search?q=usb+cable&page_size=7&affiliate=false";
    const long before = sim.calls(kProductQuery);
    HttpResponse from_a;
    HttpResponse from_b;
    std::thread ta([&] { from_a = search(a, target); });
    std::this_thread::sleep_for(milliseconds(100));
    std::thread tb([&] { from_b = search(b, target); });
    ta.join();
    tb.join();
    EXPECT_EQ(from_a.status, 200) << from_a.body;
    EXPECT_EQ(from_b.status, 200) << from_b.body;
    EXPECT_EQ(sim.calls(kProductQuery), before + 1) << "the second instance waited for the first";
    EXPECT_EQ(json::parse(from_a.body), json::parse(from_b.body));
    // The lock is released once the page is stored.
    EXPECT_TRUE(eventually(seconds(2), [&] {
        const auto locks = redis.command({"KEYS", "scout:lock:*"});
        return locks && locks->elements.empty();
    }));
}

// ---- an untrusted shared tier (A5, B4) ----------------------------------------------------

// "public, max-age=N" -> N (-1 when absent).
long max_age(const HttpResponse& response) {
    const std::string value = response.header("cache-control");
    const auto at = value.find("max-age=");
    return at == std::string::npos ? -1 : std::stol(value.substr(at + 8));
}

// Searches `target` and returns the key (without the "scout:" prefix) it wrote to Redis.
std::string search_and_find_key(
    const ScoutProcess& scout, RedisServer& redis, const std::string& target
) {
    auto keys = [&] {
        std::set<std::string> all;
        if (const auto reply = redis.command({"KEYS", "scout:v1:search:*"})) {
            for (const RespReply& key : reply->elements) {
                all.insert(key.text.substr(std::string("scout:").size()));
            }
        }
        return all;
    };
    const std::set<std::string> before = keys();
    EXPECT_EQ(search(scout, target).status, 200);
    std::string written;
    EXPECT_TRUE(eventually(seconds(5), [&] {
        for (const std::string& key : keys()) {
            if (!before.contains(key)) {
                written = key;
                return true;
            }
        }
        return false;
    })) << target;
    return written;
}

// The review's recipe: values planted by someone who can write to Redis, with response
// splitting in Content-Type and ETag and an expiry in 2199, or simply huge.
TEST(TieredCache, PlantedRedisValuesAreNeverServedAsIs) {
    SimProcess sim;
    RedisServer redis;
    const std::vector<std::string> targets = {
        "/search?q=usb&page_size=3",
        "/search?q=phone+case&page_size=3",
        "/search?q=earphones&page_size=3",
        "/search?q=laptop+stand&page_size=3"};
    std::vector<std::string> keys;
    {
        ScoutProcess writer(with_redis(sim, redis, {{"server.threads", "1"}}));
        ASSERT_TRUE(wait_l2_ready(writer));
        for (const std::string& target : targets) {
            keys.push_back(search_and_find_key(writer, redis, target));
            ASSERT_FALSE(keys.back().empty());
        }
    }
    const auto now = std::chrono::system_clock::now();
    cache::CachedResponse forged = cache::make_cached_response(R"({"planted":true})", "");
    forged.content_type = "application/json\r\nX-Injected: yes";
    forged.etag = "\"x\"\r\nSet-Cookie: planted=1; Path=/";
    forged.fetched_at = now;
    forged.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(7'226'582'400));
    auto plant = [&](const std::string& key, const cache::CachedResponse& value, const char* secret
                 ) {
        const std::string bytes = cache::encode(value, cache::ValueBinding{key, secret});
        ASSERT_TRUE(redis.command({"SET", "scout:" + key, bytes, "PX", "3600000"}));
    };
    // 1. Without the secret. 2. With it (a leaked secret, a compromised instance), but with
    // headers that would split the response. 3. 20 MB. 4. With the secret, safe headers, fresh
    // until 2199.
    plant(keys[0], forged, "a-guessed-secret");
    plant(keys[1], forged, kL2Secret);
    ASSERT_TRUE(redis.command({"SET", "scout:" + keys[2], std::string(20U << 20U, 'x')}));
    cache::CachedResponse long_lived =
        cache::make_cached_response(R"({"products":[]})", "application/json");
    long_lived.fetched_at = now;
    long_lived.expires_at = forged.expires_at;
    plant(keys[3], long_lived, kL2Secret);

    ScoutProcess reader(with_redis(sim, redis, {{"server.threads", "1"}}));  // empty L1
    ASSERT_TRUE(wait_l2_ready(reader));
    for (int i = 0; i < 3; ++i) {
        const HttpResponse response = search(reader, targets[i]);
        EXPECT_EQ(response.status, 200) << response.body;
        EXPECT_EQ(response.header("x-cache"), "MISS") << "a rejected value is a miss";
        EXPECT_EQ(response.headers.count("x-injected"), 0U);
        EXPECT_EQ(response.headers.count("set-cookie"), 0U);
        EXPECT_EQ(response.header("content-type"), "application/json");
        EXPECT_EQ(response.body.find("planted"), std::string::npos);
        EXPECT_GE(max_age(response), 0);
        EXPECT_LE(max_age(response), 300);
    }
    const HttpResponse authentic = search(reader, targets[3]);
    EXPECT_EQ(authentic.header("x-cache"), "HIT");
    EXPECT_GE(max_age(authentic), 0);
    EXPECT_LE(max_age(authentic), 300) << "this instance's TTL, not the value's 2199";
    EXPECT_NE(reader.log_text().find("cached value from redis rejected"), std::string::npos);
}

TEST(TieredCache, AnL2HitIsFreshForTheReadersTtlOnly) {
    SimProcess sim;
    RedisServer redis;
    ScoutProcess writer(with_redis(sim, redis, {{"cache.ttl.search_s", "3600"}}));
    ScoutProcess reader(with_redis(sim, redis, {{"cache.ttl.search_s", "60"}}));
    ASSERT_TRUE(wait_l2_ready(writer));
    ASSERT_TRUE(wait_l2_ready(reader));
    const std::string target = "/search?q=usb+cable&page_size=4";
    const HttpResponse written = search(writer, target);
    EXPECT_EQ(written.header("x-cache"), "MISS");
    EXPECT_GT(max_age(written), 3500);
    HttpResponse read;
    ASSERT_TRUE(eventually(seconds(5), [&] {
        read = search(reader, target);
        return read.header("x-cache") == "HIT";
    }));
    EXPECT_GE(max_age(read), 0);
    EXPECT_LE(max_age(read), 60);
}

// ---- request ids in shared pages (A9) -----------------------------------------------------

TEST(TieredCache, AClientsRequestIdIsEchoedButNeverWrittenIntoACachedPage) {
    SimProcess sim;
    ScoutProcess scout(memory_only(sim));
    const std::string chosen = "visit evil.example for 90% off";
    const auto first = http_get(scout.port(), "/search?q=unique+zz1", {{"X-Request-ID", chosen}});
    ASSERT_TRUE(first);
    ASSERT_EQ(first->status, 200) << first->body;
    EXPECT_EQ(first->header("x-request-id"), chosen);
    const std::string generated_by = json::parse(first->body)["meta"]["generated_by"];
    EXPECT_NE(generated_by, chosen);
    EXPECT_EQ(generated_by.size(), 32U);

    const HttpResponse later = search(scout, "/search?q=unique+zz1");
    EXPECT_EQ(later.header("x-cache"), "HIT");
    EXPECT_EQ(json::parse(later.body)["meta"]["generated_by"], generated_by);
    // The log ties the page's id to the client's (the log is written asynchronously).
    EXPECT_TRUE(eventually(seconds(5), [&] {
        const std::string log = scout.log_text();
        const auto line = log.find("fetching a search page");
        return line != std::string::npos && log.find(generated_by, line) != std::string::npos;
    })) << scout.log_text();

    // A server-minted request id is the page's own.
    const auto minted = http_get(scout.port(), "/search?q=unique+zz2");
    ASSERT_TRUE(minted);
    EXPECT_EQ(json::parse(minted->body)["meta"]["generated_by"], minted->header("x-request-id"));
}

// ---- refresh-ahead (hot keys never expire under their users) -------------------------------

// Two instances sharing Redis under a steady load on two hot keys for several TTLs: every
// answer is a hit (no request waits on the upstream), and each key costs one upstream call per
// refresh, made by one instance: at most one per key every 2 s (TTL 3 s, refreshed in its last
// 34 %), where one per instance would be twice that.
TEST(RefreshAhead, HotKeysStayCachedAcrossExpiriesWithOneCallPerKeyPerRefresh) {
    SimProcess sim({"--latency-ms", "100"});
    RedisServer redis;
    const std::vector<std::pair<std::string, std::string>> refresh = {
        {"cache.ttl.search_s", "3"}, {"cache.refresh_ahead_percent", "34"}};
    ScoutProcess a(with_redis(sim, redis, refresh));
    ScoutProcess b(with_redis(sim, redis, refresh));
    ASSERT_TRUE(wait_l2_ready(a));
    ASSERT_TRUE(wait_l2_ready(b));
    const std::vector<std::string> targets = {
        "/search?q=usb+cable&page_size=4&affiliate=false",
        "/search?q=phone+case&page_size=4&affiliate=false"};
    for (const std::string& target : targets) {
        ASSERT_EQ(search(a, target).status, 200);
    }
    const long before = sim.calls(kProductQuery);
    const auto start = std::chrono::steady_clock::now();
    const auto run_for = seconds(8);
    std::map<std::string, int> not_hits;  // "status X-Cache" -> count
    int answers = 0;
    while (std::chrono::steady_clock::now() - start < run_for) {
        for (const std::string& target : targets) {
            for (const ScoutProcess* scout : {&a, &b}) {
                const HttpResponse r = search(*scout, target);
                ++answers;
                if (r.status != 200 || r.header("x-cache") != "HIT") {
                    ++not_hits[std::to_string(r.status) + " " + r.header("x-cache")];
                }
            }
        }
        std::this_thread::sleep_for(milliseconds(25));
    }
    const long calls = sim.calls(kProductQuery) - before;
    EXPECT_TRUE(not_hits.empty()) << not_hits.size() << " kinds of answer other than a HIT, of "
                                  << answers << "; first: " << not_hits.begin()->first << " x"
                                  << not_hits.begin()->second;
    EXPECT_GE(calls, 2 * 2) << "each key refreshed at least twice in 8 s";
    EXPECT_LE(calls, 2 * 5) << "one refresh per key every 2 s at most, by one instance";
}

}  // namespace
}  // namespace scout::test
