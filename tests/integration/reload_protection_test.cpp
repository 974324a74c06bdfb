// Process-level tests of SIGHUP reload for the protection and monitoring settings
// (compression, inbound rate limit, API-key requirement, outbound quota, cost estimate,
// event-loop threshold): each test changes a family in the development layer, signals, and
// observes every changed value in what a client or an operator sees. The coverage map that
// names these tests is in reload_test.cpp.
#include <scout/middleware/gzip.hpp>

#include "reload_support.hpp"
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kToken = "reload-protection-test-token";
const Headers kBearer = {{"Authorization", std::string("Bearer ") + kToken}};
const std::string kSearch = "/search?q=usb+cable&affiliate=false";
// Clean data (one upstream call per page) and a small catalogue (a quick start).
const std::vector<std::string> kSimArgs = {"--no-quirks", "--catalog-size", "3000"};

ScoutProcess::Options with_sim(const SimProcess& sim, const json& development) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.emplace_back("admin.token", kToken);
    options.development_json = development.dump();
    return options;
}

int status(const std::optional<HttpResponse>& response) {
    return response ? response->status : -1;
}

// The value of one series of /metrics (`name` or `name{labels}`); -1 when absent.
double sample(const ScoutProcess& scout, const std::string& series) {
    const auto response = http_get(scout.port(), "/metrics", kBearer);
    std::istringstream in(response ? response->body : std::string());
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(series + " ")) {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return -1;
}

// ---- compression ---------------------------------------------------------------------------

json compression(bool enabled, std::size_t min_bytes, int level) {
    return {{"compression", {{"enabled", enabled}, {"min_bytes", min_bytes}, {"level", level}}}};
}

// The admin page is a fixed body of a few kB compressed on the fly, and every /search builds
// its page anew (no page cache) with the same products, so the encoded sizes of two levels
// compare like for like on both paths.
TEST(Reload, CompressionSwitchThresholdAndLevel) {
    SimProcess sim(kSimArgs);
    ScoutProcess::Options options = with_sim(sim, compression(false, 1024, 1));
    options.settings.emplace_back("cache.ttl.search_s", "0");
    ScoutProcess scout(std::move(options));
    const auto get = [&](const std::string& target) {
        const auto response = http_get(scout.port(), target, {{"Accept-Encoding", "gzip"}});
        EXPECT_EQ(status(response), 200) << target;
        return response.value_or(HttpResponse{});
    };
    const std::string search = "/search?q=usb+cable&page_size=30&affiliate=false";
    const HttpResponse plain = get("/admin/");
    ASSERT_GT(plain.body.size(), 2048U);
    EXPECT_EQ(plain.header("content-encoding"), "");
    EXPECT_EQ(get(search).header("content-encoding"), "");

    // enabled false -> true: gzip at level 1.
    ASSERT_TRUE(reload(scout, compression(true, 1024, 1).dump()));
    const HttpResponse fast = get("/admin/");
    EXPECT_EQ(fast.header("content-encoding"), "gzip");
    EXPECT_EQ(middleware::gzip_decompress(fast.body, 1U << 20U), plain.body);
    const HttpResponse fast_page = get(search);
    EXPECT_EQ(fast_page.header("content-encoding"), "gzip");

    // level 1 -> 9: the same bodies, at least 5 % smaller (some 10 % in practice).
    ASSERT_TRUE(reload(scout, compression(true, 1024, 9).dump()));
    const HttpResponse small = get("/admin/");
    EXPECT_EQ(small.header("content-encoding"), "gzip");
    EXPECT_EQ(middleware::gzip_decompress(small.body, 1U << 20U), plain.body);
    EXPECT_LT(small.body.size() * 20, fast.body.size() * 19);
    const HttpResponse small_page = get(search);
    EXPECT_EQ(small_page.header("content-encoding"), "gzip");
    EXPECT_LT(small_page.body.size() * 20, fast_page.body.size() * 19);

    // min_bytes 1024 -> just above the admin page: sent as it is.
    ASSERT_TRUE(reload(scout, compression(true, plain.body.size() + 1, 9).dump()));
    const HttpResponse below = get("/admin/");
    EXPECT_EQ(below.header("content-encoding"), "");
    EXPECT_EQ(below.body, plain.body);
}

// ---- inbound rate limit and API keys -------------------------------------------------------

struct Limits {
    bool enabled = true;
    double rate_per_s = 1000;
    int burst = 1000;
    int per_minute = 0;
    double global_rate_per_s = 0;
    int global_burst = 0;
    json trusted_proxies = json::array();
    int max_clients = 100'000;
};

json rate_limit(const Limits& l) {
    return {
        {"rate_limit",
         {{"enabled", l.enabled},
          {"per_client",
           {{"rate_per_s", l.rate_per_s}, {"burst", l.burst}, {"per_minute", l.per_minute}}},
          {"global", {{"rate_per_s", l.global_rate_per_s}, {"burst", l.global_burst}}},
          {"trusted_proxies", l.trusted_proxies},
          {"max_clients", l.max_clients}}}};
}

// GET kSearch from a loopback address of its own (127.0.0.<n>): another client.
std::optional<HttpResponse> search_from(const ScoutProcess& scout, int n) {
    return http_get_from(scout.port(), "127.0.0." + std::to_string(n), kSearch);
}

std::string error_message(const std::optional<HttpResponse>& response) {
    const json body = json::parse(response ? response->body : "{}", nullptr, false);
    return body.is_object() ? body["error"].value("message", "") : "";
}

TEST(Reload, RateLimitSwitchMinuteWindowAndGlobalBucket) {
    SimProcess sim(kSimArgs);
    Limits limits{.enabled = false, .per_minute = 2, .global_burst = 2};
    ScoutProcess scout(with_sim(sim, rate_limit(limits)));
    for (int i = 0; i < 4; ++i) {
        const auto free = http_get(scout.port(), kSearch);
        EXPECT_EQ(status(free), 200);
        EXPECT_EQ(free ? free->header("ratelimit-limit") : "?", "");
    }

    // enabled false -> true: the minute window of 2 holds.
    limits.enabled = true;
    ASSERT_TRUE(reload(scout, rate_limit(limits).dump()));
    const auto first = http_get(scout.port(), kSearch);
    EXPECT_EQ(status(first), 200);
    EXPECT_EQ(first ? first->header("ratelimit-limit") : "", "2");
    EXPECT_EQ(status(http_get(scout.port(), kSearch)), 200);
    const auto third = http_get(scout.port(), kSearch);
    EXPECT_EQ(status(third), 429);
    EXPECT_NE(error_message(third).find("this minute"), std::string::npos);

    // per_minute 2 -> 3: one more this minute.
    limits.per_minute = 3;
    ASSERT_TRUE(reload(scout, rate_limit(limits).dump()));
    EXPECT_EQ(status(http_get(scout.port(), kSearch)), 200);
    EXPECT_EQ(status(http_get(scout.port(), kSearch)), 429);

    // global.rate_per_s 0 (off) -> 0.01 with a burst of 2: the third client waits.
    limits.per_minute = 0;
    limits.global_rate_per_s = 0.01;
    ASSERT_TRUE(reload(scout, rate_limit(limits).dump()));
    EXPECT_EQ(status(search_from(scout, 2)), 200);
    EXPECT_EQ(status(search_from(scout, 3)), 200);
    const auto global = search_from(scout, 4);
    EXPECT_EQ(status(global), 429);
    EXPECT_NE(error_message(global).find("service is receiving"), std::string::npos);

    // global.burst 2 -> 3: room for one more.
    limits.global_burst = 3;
    ASSERT_TRUE(reload(scout, rate_limit(limits).dump()));
    EXPECT_EQ(status(search_from(scout, 5)), 200);
    EXPECT_EQ(status(search_from(scout, 6)), 429);

    // global.rate_per_s 0.01 -> 1000: the drained bucket refills at the new rate at once, not
    // after the 300 s the old one had reserved.
    limits.global_rate_per_s = 1000;
    ASSERT_TRUE(reload(scout, rate_limit(limits).dump()));
    EXPECT_TRUE(eventually(seconds(5), [&] { return status(search_from(scout, 7)) == 200; }));
}

// Sends GET /nowhere as `count` clients named by X-Forwarded-For (10.x.y.z), pipelined in
// batches (a connection per batch: scout caps the requests of one): each new client takes a
// bucket of the limiter. Returns the answers received.
int as_forwarded_clients(const ScoutProcess& scout, int first, int count) {
    int answered = 0;
    constexpr int kBatch = 100;
    for (int start = first; start < first + count; start += kBatch) {
        const int stop = std::min(first + count, start + kBatch);
        std::string batch;
        for (int i = start; i < stop; ++i) {
            const std::string address = "10." + std::to_string(i / 65536 % 256) + "." +
                                        std::to_string(i / 256 % 256) + "." +
                                        std::to_string(i % 256);
            batch += raw_request("GET", "/nowhere", {{"X-Forwarded-For", address}});
        }
        HttpConnection connection(scout.port(), seconds(30));
        if (!connection.send(batch)) {
            return answered;
        }
        for (int i = start; i < stop && connection.read_response(); ++i) {
            ++answered;
        }
    }
    return answered;
}

TEST(Reload, RateLimitTrustedProxiesAndClientTableBound) {
    SimProcess sim(kSimArgs);
    Limits limits{.rate_per_s = 0.01, .burst = 1};
    ScoutProcess scout(with_sim(sim, rate_limit(limits)));
    const Headers alice{{"X-Forwarded-For", "203.0.113.9"}};
    const Headers bob{{"X-Forwarded-For", "198.51.100.2"}};
    EXPECT_EQ(status(http_get(scout.port(), kSearch, alice)), 200);
    EXPECT_EQ(status(http_get(scout.port(), kSearch, bob)), 429);  // the same peer to scout

    // trusted_proxies [] -> 127.0.0.1: the forwarded client is the client.
    limits.trusted_proxies = {"127.0.0.1/32"};
    ASSERT_TRUE(reload(scout, rate_limit(limits).dump()));
    EXPECT_EQ(status(http_get(scout.port(), kSearch, bob)), 200);
    EXPECT_EQ(status(http_get(scout.port(), kSearch, bob)), 429);

    // max_clients 100000 -> 1024 (its minimum): the table shrinks as new clients arrive.
    ASSERT_EQ(as_forwarded_clients(scout, 0, 1200), 1200);
    EXPECT_GE(sample(scout, "scout_rate_limit_clients"), 1200);
    EXPECT_EQ(sample(scout, R"(scout_rate_limit_evictions_total{kind="idle"})"), 0);
    limits.max_clients = 1024;
    ASSERT_TRUE(reload(scout, rate_limit(limits).dump()));
    // 1200 more spread over the 64 shards: each shard meets a new client (all but surely)
    // and evicts down to its share.
    ASSERT_EQ(as_forwarded_clients(scout, 1200, 1200), 1200);
    EXPECT_LE(sample(scout, "scout_rate_limit_clients"), 1024);
    EXPECT_GE(
        sample(scout, R"(scout_rate_limit_evictions_total{kind="idle"})") +
            sample(scout, R"(scout_rate_limit_evictions_total{kind="active"})"),
        1200 + 1200 + 2 - 1024
    );
}

TEST(Reload, AuthRequired) {
    SimProcess sim(kSimArgs);
    // sha256("s3cret-client-key-42"), 1 request/s, burst 5.
    const std::string key = "s3cret-client-key-42";
    json auth = {
        {"required", false},
        {"api_keys",
         {"tester:cb7367e7ec53f4631cd221f4774fe12b8a15f982872901662bc4136577ab0eda:1:5"}}};
    ScoutProcess scout(with_sim(sim, {{"auth", auth}}));
    EXPECT_EQ(status(http_get(scout.port(), kSearch)), 200);

    // required false -> true: no key is 401, the key is served.
    auth["required"] = true;
    ASSERT_TRUE(reload(scout, json{{"auth", auth}}.dump()));
    const auto refused = http_get(scout.port(), kSearch);
    EXPECT_EQ(status(refused), 401);
    EXPECT_EQ(refused ? refused->header("www-authenticate") : "", R"(ApiKey realm="scout")");
    EXPECT_EQ(status(http_get(scout.port(), kSearch, {{"X-API-Key", key}})), 200);
}

// ---- outbound quota, cost estimate ----------------------------------------------------------

// Every search asks the upstream once (clean data, no links, no page cache, no retry).
ScoutProcess::Options upstream_scout(const SimProcess& sim, const json& development) {
    ScoutProcess::Options options = with_sim(sim, development);
    options.settings.insert(
        options.settings.end(),
        {{"cache.ttl.search_s", "0"},
         {"upstream.request_timeout_ms", "8000"},
         {"upstream.attempt_timeout_ms", "6000"},
         {"upstream.retry.max_attempts", "1"},
         {"upstream.breaker.min_calls", "10000"}}
    );
    return options;
}

struct Quota {
    double rate_per_s = 0;
    int burst = 1;
    int daily = 0;
    int max_queue = 10;
    int max_wait_ms = 5000;
    int instances_hint = 1;
};

json quota(const Quota& q) {
    return {
        {"upstream",
         {{"quota",
           {{"rate_per_s", q.rate_per_s},
            {"burst", q.burst},
            {"daily", q.daily},
            {"max_queue", q.max_queue},
            {"max_wait_ms", q.max_wait_ms},
            {"instances_hint", q.instances_hint}}}}}};
}

// A search no cache holds: one upstream call, or a quota refusal (503).
int cold_search(const ScoutProcess& scout) {
    static std::atomic<int> n = 0;
    return status(http_get(
        scout.port(),
        "/search?q=usb&affiliate=false&page_size=5&min_price=0." + std::to_string(10 + ++n % 90)
    ));
}

// `n` cold searches sent at once: how many were answered 200 and how many 503. At once, so
// that what the quota decides does not depend on how fast this machine runs them.
std::pair<int, int> cold_searches_at_once(const ScoutProcess& scout, int n) {
    std::vector<std::future<int>> answers;
    for (int i = 0; i < n; ++i) {
        answers.push_back(std::async(std::launch::async, [&scout] { return cold_search(scout); }));
    }
    std::pair<int, int> ok_and_refused;
    for (auto& answer : answers) {
        const int code = answer.get();
        ok_and_refused.first += code == 200 ? 1 : 0;
        ok_and_refused.second += code == 503 ? 1 : 0;
    }
    return ok_and_refused;
}

double rejected(const ScoutProcess& scout, const std::string& reason) {
    return sample(scout, R"(scout_upstream_quota_rejected_total{reason=")" + reason + R"("})");
}

// Without Redis the quota is this instance's bucket, at rate / instances_hint.
TEST(Reload, OutboundQuota) {
    SimProcess sim(kSimArgs);
    Quota q{.daily = 2};
    ScoutProcess scout(upstream_scout(sim, quota(q)));
    EXPECT_EQ(cold_search(scout), 200);
    EXPECT_EQ(cold_search(scout), 200);
    EXPECT_EQ(cold_search(scout), 503);
    EXPECT_EQ(rejected(scout, "daily"), 1);

    // daily 2 -> 4: the day's third call goes.
    q.daily = 4;
    ASSERT_TRUE(reload(scout, quota(q).dump()));
    EXPECT_EQ(cold_search(scout), 200);
    // instances_hint 1 -> 2 (daily 4 -> 6): this instance's share is 3, all used.
    q.daily = 6;
    q.instances_hint = 2;
    ASSERT_TRUE(reload(scout, quota(q).dump()));
    EXPECT_EQ(cold_search(scout), 503);
    EXPECT_EQ(rejected(scout, "daily"), 2);

    // rate_per_s 0 -> 1 (no daily budget): of three calls at once (burst 1) at most one goes;
    // the others would wait a second or more, longer than max_wait_ms 5000 -> 100 allows.
    q = Quota{.rate_per_s = 1, .max_wait_ms = 100};
    ASSERT_TRUE(reload(scout, quota(q).dump()));
    auto [ok, refused] = cold_searches_at_once(scout, 3);
    EXPECT_LE(ok, 1);
    EXPECT_GE(refused, 2);
    EXPECT_GE(rejected(scout, "deadline"), 2);

    // max_wait_ms 100 -> 5000 with max_queue 10 -> 0: no call may wait at all.
    q.max_wait_ms = 5000;
    q.max_queue = 0;
    ASSERT_TRUE(reload(scout, quota(q).dump()));
    std::tie(ok, refused) = cold_searches_at_once(scout, 3);
    EXPECT_LE(ok, 1);
    EXPECT_GE(rejected(scout, "queue_full"), 2);

    // max_queue 0 -> 10: three calls at once all go, waiting up to 5 s for slots a second
    // apart.
    q.max_queue = 10;
    ASSERT_TRUE(reload(scout, quota(q).dump()));
    std::tie(ok, refused) = cold_searches_at_once(scout, 3);
    EXPECT_EQ(ok, 3);
    EXPECT_GE(sample(scout, "scout_upstream_quota_wait_seconds_count"), 2);

    // rate_per_s 1 -> 0.01 and burst 1 -> 3: three calls go, the fourth would wait 100 s.
    q.rate_per_s = 0.01;
    q.burst = 3;
    ASSERT_TRUE(reload(scout, quota(q).dump()));
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(cold_search(scout), 200) << i;
    }
    EXPECT_EQ(cold_search(scout), 503);
    EXPECT_GE(rejected(scout, "deadline"), 3);
}

TEST(Reload, CostPerCall) {
    SimProcess sim(kSimArgs);
    const auto cost = [](double per_call) {
        return json{{"upstream", {{"cost_per_call", per_call}}}};
    };
    ScoutProcess scout(upstream_scout(sim, cost(0.25)));
    ASSERT_EQ(cold_search(scout), 200);
    EXPECT_DOUBLE_EQ(sample(scout, "scout_upstream_cost_total"), 0.25);

    // 0.25 -> 1.5: each call from now on adds 1.5.
    ASSERT_TRUE(reload(scout, cost(1.5).dump()));
    const double before = sample(scout, "scout_upstream_cost_total");
    ASSERT_EQ(cold_search(scout), 200);
    ASSERT_EQ(cold_search(scout), 200);
    EXPECT_DOUBLE_EQ(sample(scout, "scout_upstream_cost_total") - before, 3.0);
}

// ---- event-loop threshold ------------------------------------------------------------------

// GET /health/detailed sent while scout is stopped for `stop`: every worker's loop is that
// late when the request is read.
std::optional<HttpResponse> health_after_a_stall(ScoutProcess& scout, milliseconds stop) {
    scout.process().signal(SIGSTOP);
    auto answer = std::async(std::launch::async, [port = scout.port()] {
        return http_request(port, "GET", "/health/detailed", {}, {}, seconds(20));
    });
    std::this_thread::sleep_for(stop);
    scout.process().signal(SIGCONT);
    return answer.get();
}

std::string event_loop_status(const std::optional<HttpResponse>& response) {
    const json body = json::parse(response ? response->body : "{}", nullptr, false);
    return body.is_object() ? body["components"]["event_loop"].value("status", "") : "";
}

TEST(Reload, EventLoopLagThreshold) {
    SimProcess sim(kSimArgs);
    const auto threshold = [](int ms) {
        return json{{"monitoring", {{"max_event_loop_lag_ms", ms}}}};
    };
    ScoutProcess scout(with_sim(sim, threshold(60'000)));
    const auto tolerated = health_after_a_stall(scout, milliseconds(400));
    EXPECT_EQ(status(tolerated), 200) << (tolerated ? tolerated->body : "");
    EXPECT_EQ(event_loop_status(tolerated), "ok");

    // 60000 -> 200 ms: the same stall makes scout unhealthy.
    ASSERT_TRUE(reload(scout, threshold(200).dump()));
    const auto stalled = health_after_a_stall(scout, milliseconds(400));
    EXPECT_EQ(status(stalled), 503) << (stalled ? stalled->body : "");
    EXPECT_NE(event_loop_status(stalled), "ok");
    EXPECT_NE(
        stalled ? stalled->body.find(R"("max_lag_ms":200)") : std::string::npos, std::string::npos
    );
}

}  // namespace
}  // namespace scout::test
