#include <scout/monitoring/metrics.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace scout::monitoring {
namespace {

// Runs `body(thread_index)` on `threads` threads at once and joins them.
template <class Body>
void on_threads(int threads, Body body) {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&body, t] { body(t); });
    }
    for (auto& thread : pool) {
        thread.join();
    }
}

TEST(Metrics, ConcurrentCounterIncrementsSumExactly) {
    Registry registry;
    Counter& counter = registry.counter("t_total", "test").with({});
    on_threads(8, [&](int) {
        for (int i = 0; i < 50'000; ++i) {
            counter.inc();
        }
    });
    counter.inc(5);
    EXPECT_EQ(counter.value(), 400'005U);
}

TEST(Metrics, ConcurrentHistogramObservationsCountExactly) {
    Registry registry;
    Histogram& histogram = registry.histogram("t_seconds", "test").with({});
    on_threads(8, [&](int t) {
        for (int i = 0; i < 20'000; ++i) {
            histogram.observe(t % 2 == 0 ? 0.001 : 0.2);
        }
    });
    const HistogramSnapshot snap = histogram.snapshot();
    EXPECT_EQ(snap.count, 160'000U);
    std::uint64_t in_buckets = 0;
    for (const auto c : snap.counts) {
        in_buckets += c;
    }
    EXPECT_EQ(in_buckets, 160'000U);
    EXPECT_NEAR(snap.sum, 80'000 * 0.001 + 80'000 * 0.2, 1e-3);
}

TEST(Metrics, ValueOnABoundGoesIntoThatBucket) {
    Histogram histogram;        // latency buckets
    histogram.observe(0.001);   // le=0.001
    histogram.observe(0.0011);  // le=0.0025
    histogram.observe(50.0);    // +Inf
    const HistogramSnapshot snap = histogram.snapshot();
    ASSERT_EQ(snap.counts.size(), kLatencyBuckets.size() + 1);
    EXPECT_EQ(snap.counts[3], 1U);  // bounds[3] == 0.001
    EXPECT_EQ(snap.counts[4], 1U);
    EXPECT_EQ(snap.counts.back(), 1U);
}

TEST(Metrics, QuantilesOfAUniformDistribution) {
    Histogram histogram;
    for (int i = 1; i <= 10'000; ++i) {
        histogram.observe(static_cast<double>(i) / 10'000.0);  // uniform on (0, 1] s
    }
    const HistogramSnapshot snap = histogram.snapshot();
    EXPECT_NEAR(snap.quantile(0.50), 0.50, 0.01);
    EXPECT_NEAR(snap.quantile(0.95), 0.95, 0.01);
    EXPECT_NEAR(snap.quantile(0.99), 0.99, 0.01);
    EXPECT_DOUBLE_EQ(HistogramSnapshot{}.quantile(0.5), 0.0);
}

TEST(Metrics, QuantileInTheOverflowBucketIsTheLastBound) {
    Histogram histogram;
    histogram.observe(100.0);
    EXPECT_DOUBLE_EQ(histogram.snapshot().quantile(0.5), kLatencyBuckets.back());
}

TEST(Metrics, MinusGivesTheObservationsOfAWindow) {
    Histogram histogram;
    histogram.observe(0.01);
    const HistogramSnapshot before = histogram.snapshot();
    histogram.observe(2.0);
    histogram.observe(2.0);
    const HistogramSnapshot window = histogram.snapshot().minus(before);
    EXPECT_EQ(window.count, 2U);
    EXPECT_NEAR(window.sum, 4.0, 1e-6);
    EXPECT_NEAR(window.quantile(0.5), 2.0, 0.5);
}

TEST(Metrics, FamiliesHandOutOneMetricPerLabelSet) {
    Registry registry;
    auto& family = registry.counter("req_total", "requests", {"route", "code"});
    Counter& a = family.with({"search", "2xx"});
    Counter& b = family.with({"search", "2xx"});
    Counter& c = family.with({"health", "2xx"});
    EXPECT_EQ(&a, &b);
    EXPECT_NE(&a, &c);
    EXPECT_EQ(&registry.counter("req_total", "requests", {"route", "code"}), &family);
    EXPECT_THROW(family.with({"search"}), std::invalid_argument);
}

TEST(Metrics, BadDeclarationsThrow) {
    Registry registry;
    registry.counter("x_total", "x");
    EXPECT_THROW(registry.gauge("x_total", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("x_total", "x", {"other"}), std::invalid_argument);
    EXPECT_THROW(registry.counter("9bad", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok_total", "x", {"bad-label"}), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok_total", "x", {"__reserved"}), std::invalid_argument);
}

TEST(Metrics, ResetZeroesCountersAndHistogramsButNotGauges) {
    Registry registry;
    Counter& counter = registry.counter("c_total", "c").with({});
    Gauge& gauge = registry.gauge("g", "g").with({});
    Histogram& histogram = registry.histogram("h_seconds", "h").with({});
    counter.inc(3);
    gauge.set(7);
    histogram.observe(0.1);
    const auto names = registry.reset();
    EXPECT_EQ(names, (std::vector<std::string>{"c_total", "h_seconds"}));
    EXPECT_EQ(counter.value(), 0U);
    EXPECT_EQ(histogram.snapshot().count, 0U);
    EXPECT_EQ(gauge.value(), 7);
}

TEST(Metrics, RecordingOffMakesObservationsNoOps) {
    Registry registry;
    Counter& counter = registry.counter("off_total", "c").with({});
    Histogram& histogram = registry.histogram("off_seconds", "h").with({});
    set_recording(false);
    counter.inc();
    histogram.observe(0.1);
    set_recording(true);
    EXPECT_EQ(counter.value(), 0U);
    EXPECT_EQ(histogram.snapshot().count, 0U);
    counter.inc();
    EXPECT_EQ(counter.value(), 1U);
}

TEST(Metrics, CollectorsAddSamplesAtScrapeTimeSortedByName) {
    Registry registry;
    registry.counter("b_total", "b").with({}).inc();
    int calls = 0;
    registry.add_collector([&calls](std::vector<FamilySnapshot>& out) {
        ++calls;
        out.push_back({"a_entries", "entries", MetricType::kGauge, {}, {Sample{{}, 42, {}}}});
    });
    const auto snap = registry.snapshot();
    ASSERT_EQ(snap.size(), 2U);
    EXPECT_EQ(snap[0].name, "a_entries");
    EXPECT_DOUBLE_EQ(snap[0].samples[0].value, 42);
    EXPECT_EQ(snap[1].name, "b_total");
    EXPECT_EQ(calls, 1);
}

TEST(Metrics, PrometheusTextFormat) {
    Registry registry;
    registry.counter("scout_x_total", "Things\nwith \\ a newline", {"route"}).with({"a\"b"}).inc(2);
    Histogram& h = registry.histogram("scout_y_seconds", "Latency").with({});
    h.observe(0.0001);
    h.observe(3.0);
    const std::string text = render_prometheus(registry.snapshot());
    EXPECT_NE(
        text.find(
            "# HELP scout_x_total Things\\nwith \\\\ a newline\n# TYPE scout_x_total counter\n"
            "scout_x_total{route=\"a\\\"b\"} 2\n"
        ),
        std::string::npos
    ) << text;
    EXPECT_NE(text.find("# TYPE scout_y_seconds histogram\n"), std::string::npos);
    EXPECT_NE(text.find("scout_y_seconds_bucket{le=\"0.0001\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("scout_y_seconds_bucket{le=\"2.5\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("scout_y_seconds_bucket{le=\"5\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("scout_y_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("scout_y_seconds_sum 3.0001\n"), std::string::npos) << text;
    EXPECT_NE(text.find("scout_y_seconds_count 2\n"), std::string::npos);
}

}  // namespace
}  // namespace scout::monitoring
