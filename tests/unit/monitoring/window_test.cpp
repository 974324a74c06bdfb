// Windows over the registry: delta() of two snapshots and the MetricsHistory ring; the JSON
// aggregates (hit rate per tier, upstream calls and cost, error rate) built from them.
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/metrics_handlers.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace scout::monitoring {
namespace {

using std::chrono::seconds;

const Sample& only(const std::vector<FamilySnapshot>& families, const std::string& name) {
    for (const FamilySnapshot& family : families) {
        if (family.name == name) {
            return family.samples.at(0);
        }
    }
    throw std::runtime_error("no family " + name);
}

TEST(Delta, CountersAndHistogramsSinceEarlierGaugesAsNow) {
    Registry registry;
    Counter& requests = registry.counter("requests_total", "r").with({});
    Gauge& open = registry.gauge("open", "o").with({});
    Histogram& latency = registry.histogram("latency_seconds", "l").with({});
    requests.inc(5);
    open.set(3);
    latency.observe(0.001);
    const auto earlier = registry.snapshot();
    requests.inc(2);
    open.set(7);
    latency.observe(0.2);
    latency.observe(0.3);
    const auto window = delta(registry.snapshot(), earlier);
    EXPECT_EQ(only(window, "requests_total").value, 2);
    EXPECT_EQ(only(window, "open").value, 7);
    EXPECT_EQ(only(window, "latency_seconds").histogram.count, 2U);
    EXPECT_GT(only(window, "latency_seconds").histogram.quantile(0.5), 0.1);
}

TEST(Delta, AfterAResetCountsFromZero) {
    Registry registry;
    Counter& requests = registry.counter("requests_total", "r").with({});
    requests.inc(10);
    const auto earlier = registry.snapshot();
    registry.reset();
    requests.inc(4);
    EXPECT_EQ(only(delta(registry.snapshot(), earlier), "requests_total").value, 4);
}

TEST(MetricsHistory, KeepsOneSnapshotPerSpacingAndFindsTheOneAWindowBack) {
    MetricsHistory history(seconds(10), 3);
    const MetricsHistory::TimePoint t0{};
    EXPECT_FALSE(history.at_least(t0, seconds(60)));
    for (int i = 0; i <= 40; i += 5) {  // 0, 5 (dropped: too soon), 10, ... 40
        std::vector<FamilySnapshot> families{
            {"t", "", MetricType::kGauge, {}, {{{}, static_cast<double>(i), {}}}}};
        history.record(t0 + seconds(i), std::move(families));
    }
    // Kept: 20, 30, 40 (capacity 3). 15 s back from 45: the one at 30.
    const auto past = history.at_least(t0 + seconds(45), seconds(15));
    ASSERT_TRUE(past);
    EXPECT_EQ(past->at, t0 + seconds(30));
    // Further back than kept: the oldest.
    EXPECT_EQ(history.at_least(t0 + seconds(45), seconds(600))->at, t0 + seconds(20));
}

TEST(MetricsJson, AggregatesHitRatesUpstreamCostAndErrorRateTotalsAndWindow) {
    Registry registry;
    auto& cache = registry.counter("scout_cache_requests_total", "c", {"tier", "kind", "result"});
    cache.with({"l1", "search", "hit"}).inc(3);
    cache.with({"l1", "search", "miss"}).inc(1);
    cache.with({"l2", "search", "miss"}).inc(1);
    auto& calls = registry.counter("scout_upstream_calls_total", "u", {"method", "outcome"});
    calls.with({"product.query", "ok"}).inc(3);
    calls.with({"product.query", "transient"}).inc(1);
    auto& http = registry.counter("scout_http_requests_total", "h", {"route", "code"});
    http.with({"search", "2xx"}).inc(9);
    http.with({"search", "5xx"}).inc(1);
    const auto earlier = registry.snapshot();
    cache.with({"l1", "search", "hit"}).inc(1);
    registry.add_collector([](std::vector<FamilySnapshot>& out) {
        out.push_back({"scout_upstream_cost_total", "c", MetricType::kCounter, {}, {{{}, 0.4, {}}}}
        );
    });

    const auto families = registry.snapshot();
    const Window window{60, delta(families, earlier)};
    const auto doc = nlohmann::json::parse(metrics_json(families, 42, &window));
    EXPECT_EQ(doc["uptime_s"], 42);
    EXPECT_DOUBLE_EQ(doc["cache"]["l1"]["hit_rate"].get<double>(), 0.8);
    EXPECT_DOUBLE_EQ(doc["cache"]["l2"]["hit_rate"].get<double>(), 0.0);
    EXPECT_EQ(doc["upstream"]["calls"], 4);
    EXPECT_EQ(doc["upstream"]["failed"], 1);
    EXPECT_DOUBLE_EQ(doc["upstream"]["cost"].get<double>(), 0.4);
    EXPECT_DOUBLE_EQ(doc["error_rate"].get<double>(), 0.1);
    EXPECT_EQ(doc["window"]["seconds"], 60);
    EXPECT_DOUBLE_EQ(doc["window"]["cache"]["l1"]["hit_rate"].get<double>(), 1.0);
    EXPECT_EQ(doc["window"]["upstream"]["calls"], 0);
}

}  // namespace
}  // namespace scout::monitoring
