// Process-level tests of the admin metrics endpoints: real scout on loopback, real promtool
// and the Prometheus Python client (Debian packages) reading /metrics.
#include "redis_server.hpp"
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>

namespace scout::test {
namespace {

using nlohmann::json;

const std::string kToken = "monitoring-test-token-0123456789";

ScoutProcess scout_with_token() {
    ScoutProcess::Options options;
    options.settings = {{"admin.token", kToken}};
    return ScoutProcess(std::move(options));
}

Headers bearer(const std::string& token = kToken) {
    return {{"Authorization", "Bearer " + token}};
}

json metrics(const ScoutProcess& scout) {
    const auto response = http_get(scout.port(), "/api/monitoring/metrics", bearer());
    EXPECT_TRUE(response && response->status == 200);
    return response ? json::parse(response->body) : json{};
}

double route_requests(const json& doc, const std::string& route) {
    return doc["routes"].contains(route) ? doc["routes"][route].value("requests", 0.0) : 0.0;
}

// Runs a shell command with `input` on stdin; returns its exit status and output.
std::pair<int, std::string> run_with_input(const std::string& command, const std::string& input) {
    const TempDir dir;
    const std::string in = dir.write("in.txt", input);
    const std::string out = dir.path() + "/out.txt";
    const int status = std::system((command + " < " + in + " > " + out + " 2>&1").c_str());
    return {WEXITSTATUS(status), read_file(out)};
}

TEST(Monitoring, AdminRoutesNeedTheToken) {
    ScoutProcess scout = scout_with_token();
    const auto none = http_get(scout.port(), "/api/monitoring/metrics");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401);
    EXPECT_EQ(none->header("www-authenticate"), R"(Bearer realm="scout-admin")");
    const auto wrong = http_get(scout.port(), "/api/monitoring/metrics", bearer("wrong"));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 403);
    EXPECT_EQ(json::parse(wrong->body)["error"]["code"], "forbidden");
    for (const char* path : {"/api/monitoring/metrics", "/admin/monitoring/metrics", "/metrics"}) {
        const auto ok = http_get(scout.port(), path, bearer());
        ASSERT_TRUE(ok) << path;
        EXPECT_EQ(ok->status, 200) << path;
        EXPECT_EQ(ok->header("cache-control"), "no-store") << path;
    }
    EXPECT_EQ(scout.log_text().find(kToken), std::string::npos) << "the token must never be logged";
}

TEST(Monitoring, WithoutATokenTheAdminRoutesAre404AndAWarningIsLogged) {
    ScoutProcess scout({});
    const auto response = http_get(scout.port(), "/api/monitoring/metrics", bearer());
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 404);
    EXPECT_NE(scout.log_text().find("admin.token is empty"), std::string::npos);
}

TEST(Monitoring, CountersMoveByExactlyTheRequestsMadeAndResetZeroesThem) {
    ScoutProcess scout = scout_with_token();
    const json before = metrics(scout);
    EXPECT_EQ(before["version"].get<std::string>().empty(), false);
    EXPECT_TRUE(before["uptime_s"].is_number_integer());
    for (int i = 0; i < 7; ++i) {
        ASSERT_TRUE(http_get(scout.port(), "/health"));
    }
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(http_get(scout.port(), "/no/such/path"));
    }
    const json after = metrics(scout);
    EXPECT_EQ(route_requests(after, "health") - route_requests(before, "health"), 7);
    EXPECT_EQ(route_requests(after, "-") - route_requests(before, "-"), 3);
    EXPECT_EQ(after["routes"]["-"]["by_class"]["4xx"].get<double>(), route_requests(after, "-"));
    EXPECT_GE(after["routes"]["health"]["latency_ms"]["count"].get<double>(), 7);
    EXPECT_GT(after["routes"]["health"]["latency_ms"]["p99_ms"].get<double>(), 0);

    const auto reset =
        http_request(scout.port(), "POST", "/api/monitoring/metrics/reset", bearer());
    ASSERT_TRUE(reset);
    EXPECT_EQ(reset->status, 200);
    const json names = json::parse(reset->body)["reset"];
    EXPECT_NE(std::find(names.begin(), names.end(), "scout_http_requests_total"), names.end());
    const json zeroed = metrics(scout);
    EXPECT_EQ(route_requests(zeroed, "health"), 0);
    EXPECT_EQ(route_requests(zeroed, "-"), 0);
    EXPECT_EQ(zeroed["metrics"]["scout_build_info"]["samples"][0]["value"], 1);
}

TEST(Monitoring, PrometheusExpositionParsesWithRealParsers) {
    ScoutProcess scout = scout_with_token();
    ASSERT_TRUE(http_get(scout.port(), "/health"));
    ASSERT_TRUE(http_get(scout.port(), "/nope"));
    const auto response = http_get(scout.port(), "/metrics", bearer());
    ASSERT_TRUE(response);
    ASSERT_EQ(response->status, 200);
    EXPECT_EQ(response->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const std::string& text = response->body;
    EXPECT_NE(text.find("# TYPE scout_http_requests_total counter"), std::string::npos);
    EXPECT_NE(
        text.find("scout_http_requests_total{route=\"health\",code=\"2xx\"} "), std::string::npos
    ) << text;
    EXPECT_NE(
        text.find("scout_http_request_duration_seconds_bucket{route=\"health\",le=\"+Inf\"} "),
        std::string::npos
    );
    EXPECT_NE(text.find("scout_build_info{version=\""), std::string::npos);

    const auto [promtool_status, promtool_out] = run_with_input("promtool check metrics", text);
    EXPECT_EQ(promtool_status, 0) << promtool_out;

    // Every line a valid sample, HELP/TYPE for each family, histogram buckets cumulative.
    const std::string script = R"(/usr/bin/python3 -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
families = list(text_string_to_metric_families(sys.stdin.read()))
assert families, "no families"
for f in families:
    assert f.documentation, f.name
    if f.type == "histogram":
        buckets = {}
        for s in f.samples:
            if s.name.endswith("_bucket"):
                key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
                buckets.setdefault(key, []).append(s.value)
        for values in buckets.values():
            assert values == sorted(values), (f.name, values)
print(len(families), "families")
')";
    const auto [python_status, python_out] = run_with_input(script, text);
    EXPECT_EQ(python_status, 0) << python_out;
}

ScoutProcess::Options slow_scout(const SimProcess& sim, const std::string& development_json) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings({{"admin.token", kToken}});
    options.development_json = development_json;
    return options;
}

json slow_requests(const ScoutProcess& scout) {
    const auto response = http_get(scout.port(), "/api/monitoring/slow-requests", bearer());
    EXPECT_TRUE(response && response->status == 200);
    return response ? json::parse(response->body)["requests"] : json::array();
}

const std::string kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// A search held 700 ms by the upstream, with monitoring.slow_request_ms at 300: a warning
// with the request id and trace id, and a record in /api/monitoring/slow-requests.
TEST(Monitoring, ASlowRequestIsLoggedWithItsRequestIdAndKept) {
    SimProcess sim;
    ScoutProcess scout(slow_scout(sim, R"({"monitoring":{"slow_request_ms":300}})"));
    ASSERT_TRUE(http_get(scout.port(), "/health"));
    EXPECT_TRUE(slow_requests(scout).empty());
    sim.add_fault({{"kind", "delay"}, {"delay_ms", 700}, {"count", 1}});
    const auto response = http_get(
        scout.port(),
        "/search?q=usb+cable&page_size=5",
        {{"X-Request-ID", "slow-request-1"}, {"traceparent", kTraceparent}}
    );
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    const json slow = slow_requests(scout);
    ASSERT_EQ(slow.size(), 1U) << slow.dump();
    EXPECT_EQ(slow[0]["request_id"], "slow-request-1");
    EXPECT_EQ(slow[0]["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(slow[0]["route"], "search");
    EXPECT_GE(slow[0]["duration_ms"].get<double>(), 300);
    EXPECT_EQ(slow[0]["target"], "/search?q=usb+cable&page_size=5");
    // The breakdown: the 700 ms went to the upstream; every phase of a miss was measured.
    const json& timings = slow[0]["timings"];
    EXPECT_GE(timings.value("upstream_us", 0), 650'000) << timings.dump();
    for (const char* phase : {"cache_us", "ranking_us", "serialize_us"}) {
        EXPECT_TRUE(timings.contains(phase) && timings[phase].get<std::int64_t>() >= 0) << phase;
    }
    bool warned = false;
    ASSERT_TRUE(eventually(std::chrono::seconds(5), [&] {
        for (const std::string& line : scout.log_lines()) {
            const json entry = json::parse(line);
            if (entry.value("msg", "") == "slow request" &&
                entry.value("request_id", "") == "slow-request-1") {
                warned = entry.value("trace_id", "") == "4bf92f3577b34da6a3ce929d0e0e4736" &&
                         entry.value("level", "") == "warn" &&
                         entry.value("upstream_us", 0) >= 650'000 &&
                         entry.value("serialize_us", -1) >= 0;
                return true;
            }
        }
        return false;
    }));
    EXPECT_TRUE(warned);

    const auto recent = http_get(scout.port(), "/api/monitoring/recent-requests?limit=2", bearer());
    ASSERT_TRUE(recent);
    EXPECT_EQ(json::parse(recent->body)["requests"].size(), 2U);
    const auto bad = http_get(scout.port(), "/api/monitoring/recent-requests?limit=0", bearer());
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
}

double sample(const json& doc, const std::string& family, const json& labels) {
    for (const json& s : doc["metrics"][family]["samples"]) {
        if (s["labels"] == labels) {
            return s.value("value", s.value("count", 0.0));
        }
    }
    return -1;
}

// One cold search: one product.query call, counted once per attempt and per call; a repeat
// is a cache hit that adds nothing upstream; breakers closed.
TEST(Monitoring, UpstreamCallsAreCountedPerMethodAndOutcome) {
    SimProcess sim;
    ScoutProcess scout(slow_scout(sim, "{}"));
    ASSERT_TRUE(http_get(scout.port(), "/search?q=usb+cable&affiliate=false"));
    ASSERT_TRUE(http_get(scout.port(), "/search?q=usb+cable&affiliate=false"));
    const json doc = metrics(scout);
    const json query_ok = {{"method", "product.query"}, {"outcome", "ok"}};
    EXPECT_EQ(sample(doc, "scout_upstream_calls_total", query_ok), 1) << doc["metrics"].dump();
    EXPECT_EQ(
        sample(
            doc, "scout_upstream_attempts_total", {{"method", "product.query"}, {"result", "ok"}}
        ),
        1
    );
    EXPECT_EQ(
        sample(doc, "scout_upstream_call_duration_seconds", {{"method", "product.query"}}), 1
    );
    EXPECT_EQ(sample(doc, "scout_upstream_retries_total", {{"method", "product.query"}}), 0);
    EXPECT_EQ(sample(doc, "scout_circuit_breaker_state", {{"method", "product.query"}}), 0);
    EXPECT_EQ(sim.calls("aliexpress.affiliate.product.query"), 1);
}

double tier(const json& doc, const std::string& name, const std::string& result) {
    return doc["cache"].contains(name) ? doc["cache"][name].value(result, 0.0) : 0.0;
}

// N searches (3 queries, each twice): the search route moves by exactly N, in the totals and
// in the last minute; the repeats are exactly the L1 hits, every L1 miss is one L2 lookup, and
// each query was fetched once (one single-flight leader, one upstream call).
TEST(Monitoring, SearchesMoveRouteAndCacheCountersByExactlyTheRequestsMade) {
    SimProcess sim;
    RedisServer redis;
    ScoutProcess::Options options = slow_scout(sim, "{}");
    options.settings.emplace_back("redis.url", redis.url());
    ScoutProcess scout(std::move(options));
    const json before = metrics(scout);
    constexpr int kSearches = 6;
    for (int i = 0; i < kSearches; ++i) {
        const auto response =
            http_get(scout.port(), "/search?affiliate=false&q=usb+cable+" + std::to_string(i % 3));
        ASSERT_TRUE(response && response->status == 200);
    }
    const auto response = http_get(scout.port(), "/api/monitoring/metrics?window=60", bearer());
    ASSERT_TRUE(response && response->status == 200);
    const json after = json::parse(response->body);
    EXPECT_EQ(route_requests(after, "search") - route_requests(before, "search"), kSearches);
    EXPECT_EQ(route_requests(after["window"], "search"), kSearches) << after["window"].dump();
    EXPECT_EQ(tier(after, "l1", "hit") - tier(before, "l1", "hit"), kSearches / 2);
    const double l1_misses = tier(after, "l1", "miss") - tier(before, "l1", "miss");
    const double l2_lookups = tier(after, "l2", "hit") + tier(after, "l2", "miss") +
                              tier(after, "l2", "stale") - tier(before, "l2", "hit") -
                              tier(before, "l2", "miss") - tier(before, "l2", "stale");
    EXPECT_GE(l1_misses, kSearches / 2);
    EXPECT_EQ(l2_lookups, l1_misses) << after["cache"].dump();
    EXPECT_EQ(sample(after, "scout_single_flight_total", {{"role", "leader"}}), kSearches / 2);
    EXPECT_EQ(after["upstream"]["calls"], kSearches / 2);
    EXPECT_EQ(sim.calls("aliexpress.affiliate.product.query"), kSearches / 2);

    const auto bad = http_get(scout.port(), "/api/monitoring/metrics?window=0", bearer());
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
}

// upstream.cost_per_call prices every upstream request made.
TEST(Monitoring, EstimatedCostIsCallsTimesCostPerCall) {
    SimProcess sim;
    ScoutProcess::Options options = slow_scout(sim, R"({"upstream":{"cost_per_call":0.25}})");
    options.settings.emplace_back("redis.url", "");
    ScoutProcess scout(std::move(options));
    ASSERT_TRUE(http_get(scout.port(), "/search?q=usb+cable&affiliate=false"));
    ASSERT_TRUE(http_get(scout.port(), "/search?q=phone+case&affiliate=false"));
    const json doc = metrics(scout);
    EXPECT_DOUBLE_EQ(doc["upstream"]["cost"].get<double>(), 0.5) << doc["upstream"].dump();
    EXPECT_EQ(doc["upstream"]["attempts"], 2);
}

// monitoring.slow_request_ms is reloadable: one SIGHUP, then the new threshold holds.
TEST(Monitoring, SlowThresholdFollowsAReload) {
    SimProcess sim;
    ScoutProcess scout(slow_scout(sim, R"({"monitoring":{"slow_request_ms":600000}})"));
    sim.add_fault({{"kind", "delay"}, {"delay_ms", 400}});
    ASSERT_TRUE(http_get(scout.port(), "/search?q=phone+case"));
    EXPECT_TRUE(slow_requests(scout).empty());

    scout.dir().write("config/development.json", R"({"monitoring":{"slow_request_ms":100}})");
    scout.process().signal(SIGHUP);
    ASSERT_TRUE(eventually(std::chrono::seconds(5), [&] {
        return scout.log_text().find("configuration reloaded") != std::string::npos;
    }));
    ASSERT_TRUE(http_get(scout.port(), "/search?q=power+bank"));
    const json slow = slow_requests(scout);
    ASSERT_EQ(slow.size(), 1U) << slow.dump();
    EXPECT_EQ(slow[0]["target"], "/search?q=power+bank");
}

}  // namespace
}  // namespace scout::test
