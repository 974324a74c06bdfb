// The metrics registry: counters, gauges and fixed-bucket histograms, grouped in families
// with a small fixed set of label names, read by the admin endpoints and /metrics.
//
// Cost model (the hot path is a cache hit of ~20 us, so an observation must be a few ns):
// a counter or histogram is split into kShards cache-line-sized cells; a thread always writes
// the cell chosen for it on first use, with a relaxed atomic add: no lock, no allocation, no
// contention between workers. Readers sum the cells (a scrape, a few times a second at most).
// Families hand out a metric per label set once (under a mutex) and callers keep the
// reference: resolve labels when a component is built, never per observation.
//
// Thread-safety: every member of every type here is thread-safe. Metrics live as long as the
// registry; references to them stay valid (they never move).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scout::monitoring {

inline constexpr std::size_t kShards = 16;

namespace detail {

// The cell a thread writes: assigned round-robin on a thread's first observation.
std::size_t assign_shard() noexcept;

inline std::size_t this_shard() noexcept {
    thread_local std::size_t shard = kShards;  // constant-initialised: no TLS guard
    if (shard == kShards) [[unlikely]] {
        shard = assign_shard();
    }
    return shard;
}

// Process-wide switch, used to measure what recording costs (metrics.recording=false).
inline std::atomic<bool> recording{true};

struct alignas(64) Cell {
    std::atomic<std::uint64_t> value{0};
};

}  // namespace detail

// Turns every observation into a no-op (reads still work). For benchmarks of the cost of
// recording; production keeps it on.
inline void set_recording(bool on) noexcept {
    detail::recording.store(on, std::memory_order_relaxed);
}
[[nodiscard]] inline bool recording() noexcept {
    return detail::recording.load(std::memory_order_relaxed);
}

// A monotonically increasing count (resettable by an admin).
class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept {
        if (recording()) {
            cells_[detail::this_shard()].value.fetch_add(n, std::memory_order_relaxed);
        }
    }
    [[nodiscard]] std::uint64_t value() const noexcept;
    void reset() noexcept;

private:
    std::array<detail::Cell, kShards> cells_;
};

// A value that goes up and down (connections open, entries cached). One atomic: gauges are
// set by their owner or read from it through a collector, not written by every request.
class Gauge {
public:
    void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t value() const noexcept {
        return value_.load(std::memory_order_relaxed);
    }

private:
    std::atomic<std::int64_t> value_{0};
};

// Upper bounds (seconds) of the latency buckets, shared by every latency histogram so that
// routes can be compared and summed; +Inf is implicit.
inline constexpr std::array<double, 16> kLatencyBuckets{
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0};

struct HistogramSnapshot {
    std::vector<double> bounds;         // upper bounds, ascending (without +Inf)
    std::vector<std::uint64_t> counts;  // per bucket, NOT cumulative; size bounds+1 (+Inf)
    std::uint64_t count = 0;
    double sum = 0;  // in the observed unit (seconds for latency)

    // The q-quantile (0 < q < 1) by linear interpolation inside the bucket that holds it;
    // 0 without observations; the last finite bound when it falls into +Inf.
    [[nodiscard]] double quantile(double q) const;
    // Counts accumulated since `earlier` (same bounds): for windows.
    [[nodiscard]] HistogramSnapshot minus(const HistogramSnapshot& earlier) const;
};

// Observations in fixed buckets; sum kept in nanounits so that it is an integer add.
class Histogram {
public:
    static constexpr std::size_t kMaxBuckets = kLatencyBuckets.size() + 1;

    explicit Histogram(std::span<const double> bounds = kLatencyBuckets);

    void observe(double value) noexcept;
    [[nodiscard]] HistogramSnapshot snapshot() const;
    void reset() noexcept;

private:
    struct alignas(64) Shard {
        std::array<std::atomic<std::uint64_t>, kMaxBuckets> buckets{};
        std::atomic<std::uint64_t> count{0};
        std::atomic<std::uint64_t> sum_nano{0};
    };
    std::vector<double> bounds_;
    std::array<Shard, kShards> shards_;
};

enum class MetricType { kCounter, kGauge, kHistogram };

using Labels = std::vector<std::string>;  // values, in the order of the family's label names

struct Sample {
    Labels labels;
    double value = 0;             // counter, gauge
    HistogramSnapshot histogram;  // histogram
};

struct FamilySnapshot {
    std::string name;  // e.g. scout_http_requests_total
    std::string help;
    MetricType type = MetricType::kCounter;
    std::vector<std::string> label_names;
    std::vector<Sample> samples;
};

// One metric name with its label names; creates one metric per distinct label set.
template <class Metric>
class Family {
public:
    Family(std::string name, std::string help, std::vector<std::string> label_names)
        : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

    // The metric for these label values (created on first use). Call when a component is
    // built and keep the reference; it takes a mutex. Throws std::invalid_argument when the
    // number of values differs from the number of label names (a programmer error).
    Metric& with(const Labels& values);

    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] const std::string& help() const { return help_; }
    [[nodiscard]] const std::vector<std::string>& label_names() const { return label_names_; }

    // Every (labels, metric) pair; the callback runs under the family's mutex.
    void for_each(const std::function<void(const Labels&, const Metric&)>& visit) const;
    void reset_all();

private:
    std::string name_;
    std::string help_;
    std::vector<std::string> label_names_;
    mutable std::mutex mutex_;
    std::map<Labels, std::unique_ptr<Metric>> metrics_;
};

// Adds samples read from a component at scrape time (e.g. L1 entries): the component keeps
// its own state and is read, not mirrored.
using Collector = std::function<void(std::vector<FamilySnapshot>& out)>;

class Registry {
public:
    Registry() = default;
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;
    Registry(Registry&&) = delete;
    Registry& operator=(Registry&&) = delete;
    ~Registry() = default;

    // Declares a family (or returns the one already declared with that name and type).
    // Throws std::invalid_argument for an invalid name or a clash of type or label names.
    Family<Counter>& counter(
        std::string name, std::string help, std::vector<std::string> label_names = {}
    );
    Family<Gauge>& gauge(
        std::string name, std::string help, std::vector<std::string> label_names = {}
    );
    Family<Histogram>& histogram(
        std::string name, std::string help, std::vector<std::string> label_names = {}
    );

    void add_collector(Collector collector);

    // Every family and collector, sorted by name.
    [[nodiscard]] std::vector<FamilySnapshot> snapshot() const;

    // Zeroes counters and histograms (not gauges, not collectors); returns the names of the
    // families it reset.
    std::vector<std::string> reset();

private:
    template <class Metric>
    Family<Metric>& declare(
        std::map<std::string, std::unique_ptr<Family<Metric>>>& families,
        std::string name,
        std::string help,
        std::vector<std::string> label_names
    );
    void check_unique(const std::string& name, MetricType type) const;

    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Family<Counter>>> counters_;
    std::map<std::string, std::unique_ptr<Family<Gauge>>> gauges_;
    std::map<std::string, std::unique_ptr<Family<Histogram>>> histograms_;
    std::vector<Collector> collectors_;
};

// Counters and histograms of `now` minus those of `earlier` (matched by family name and
// labels; a sample missing from `earlier`, or smaller there after a reset, counts from zero);
// gauges as they are in `now`. For windows ("the last minute").
std::vector<FamilySnapshot> delta(
    const std::vector<FamilySnapshot>& now, const std::vector<FamilySnapshot>& earlier
);

// Snapshots of the registry kept every `spacing` (a ring of `capacity`), so that an admin
// view can show the last minute as well as the totals. Thread-safe.
class MetricsHistory {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Past {
        TimePoint at;
        std::shared_ptr<const std::vector<FamilySnapshot>> families;
    };

    MetricsHistory(std::chrono::seconds spacing, std::size_t capacity);

    [[nodiscard]] std::chrono::seconds spacing() const { return spacing_; }
    // Keeps `families`, unless the newest kept one is less than `spacing` old at `at`.
    void record(TimePoint at, std::vector<FamilySnapshot> families);
    // The newest snapshot taken at least `ago` before `now`, else the oldest kept; nullopt
    // when none is kept.
    [[nodiscard]] std::optional<Past> at_least(TimePoint now, std::chrono::seconds ago) const;

private:
    const std::chrono::seconds spacing_;
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::deque<Past> ring_;  // oldest first
};

// Prometheus text exposition format 0.0.4 of a snapshot: # HELP / # TYPE per family,
// cumulative _bucket{le=...} lines, _sum and _count for histograms; label values escaped.
std::string render_prometheus(const std::vector<FamilySnapshot>& families);

// True for a valid Prometheus metric or label name ([a-zA-Z_:][a-zA-Z0-9_:]*; labels
// without ':').
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

}  // namespace scout::monitoring
