#include <scout/monitoring/metrics.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace scout::monitoring {

namespace detail {

std::size_t assign_shard() noexcept {
    static std::atomic<std::size_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed) % kShards;
}

}  // namespace detail

namespace {

constexpr double kNano = 1e9;

bool name_char(char c, bool first, bool allow_colon) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    return alpha || (allow_colon && c == ':') || (!first && digit);
}

bool valid_name(std::string_view name, bool allow_colon) {
    if (name.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!name_char(name[i], i == 0, allow_colon)) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool valid_metric_name(std::string_view name) {
    return valid_name(name, true);
}

bool valid_label_name(std::string_view name) {
    return valid_name(name, false) && !name.starts_with("__");
}

// ---- Counter -------------------------------------------------------------------------------

std::uint64_t Counter::value() const noexcept {
    std::uint64_t total = 0;
    for (const auto& cell : cells_) {
        total += cell.value.load(std::memory_order_relaxed);
    }
    return total;
}

void Counter::reset() noexcept {
    for (auto& cell : cells_) {
        cell.value.store(0, std::memory_order_relaxed);
    }
}

// ---- Histogram -----------------------------------------------------------------------------

Histogram::Histogram(std::span<const double> bounds) : bounds_(bounds.begin(), bounds.end()) {
    if (bounds_.size() + 1 > kMaxBuckets || !std::is_sorted(bounds_.begin(), bounds_.end())) {
        throw std::invalid_argument("histogram bounds: at most 16, ascending");
    }
}

void Histogram::observe(double value) noexcept {
    if (!recording()) {
        return;
    }
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin()
    );
    Shard& shard = shards_[detail::this_shard()];
    shard.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    shard.count.fetch_add(1, std::memory_order_relaxed);
    const double nano = std::isfinite(value) && value > 0 ? value * kNano : 0.0;
    shard.sum_nano.fetch_add(static_cast<std::uint64_t>(nano), std::memory_order_relaxed);
}

HistogramSnapshot Histogram::snapshot() const {
    HistogramSnapshot out;
    out.bounds = bounds_;
    out.counts.assign(bounds_.size() + 1, 0);
    std::uint64_t sum_nano = 0;
    for (const Shard& shard : shards_) {
        for (std::size_t b = 0; b < out.counts.size(); ++b) {
            out.counts[b] += shard.buckets[b].load(std::memory_order_relaxed);
        }
        out.count += shard.count.load(std::memory_order_relaxed);
        sum_nano += shard.sum_nano.load(std::memory_order_relaxed);
    }
    out.sum = static_cast<double>(sum_nano) / kNano;
    return out;
}

void Histogram::reset() noexcept {
    for (Shard& shard : shards_) {
        for (auto& bucket : shard.buckets) {
            bucket.store(0, std::memory_order_relaxed);
        }
        shard.count.store(0, std::memory_order_relaxed);
        shard.sum_nano.store(0, std::memory_order_relaxed);
    }
}

double HistogramSnapshot::quantile(double q) const {
    std::uint64_t total = 0;
    for (const std::uint64_t c : counts) {
        total += c;
    }
    if (total == 0 || bounds.empty()) {
        return 0;
    }
    const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
    double seen = 0;
    for (std::size_t b = 0; b < counts.size(); ++b) {
        const auto in_bucket = static_cast<double>(counts[b]);
        if (in_bucket > 0 && seen + in_bucket >= rank) {
            if (b == bounds.size()) {
                return bounds.back();  // +Inf bucket: the best finite answer
            }
            const double lower = b == 0 ? 0.0 : bounds[b - 1];
            return lower + (bounds[b] - lower) * ((rank - seen) / in_bucket);
        }
        seen += in_bucket;
    }
    return bounds.back();
}

HistogramSnapshot HistogramSnapshot::minus(const HistogramSnapshot& earlier) const {
    HistogramSnapshot out = *this;
    if (earlier.counts.size() != counts.size()) {
        return out;
    }
    for (std::size_t b = 0; b < counts.size(); ++b) {
        out.counts[b] -= std::min(out.counts[b], earlier.counts[b]);
    }
    out.count -= std::min(out.count, earlier.count);
    out.sum = std::max(0.0, out.sum - earlier.sum);
    return out;
}

// ---- Family --------------------------------------------------------------------------------

template <class Metric>
Metric& Family<Metric>::with(const Labels& values) {
    if (values.size() != label_names_.size()) {
        throw std::invalid_argument("metric " + name_ + ": wrong number of label values");
    }
    const std::lock_guard lock(mutex_);
    auto& slot = metrics_[values];
    if (!slot) {
        slot = std::make_unique<Metric>();
    }
    return *slot;
}

template <class Metric>
void Family<Metric>::for_each(const std::function<void(const Labels&, const Metric&)>& visit
) const {
    const std::lock_guard lock(mutex_);
    for (const auto& [labels, metric] : metrics_) {
        visit(labels, *metric);
    }
}

template <class Metric>
void Family<Metric>::reset_all() {
    if constexpr (!std::is_same_v<Metric, Gauge>) {  // gauges are levels, not counts
        const std::lock_guard lock(mutex_);
        for (auto& entry : metrics_) {
            entry.second->reset();
        }
    }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- Registry ------------------------------------------------------------------------------

void Registry::check_unique(const std::string& name, MetricType type) const {
    const bool clash = (type != MetricType::kCounter && counters_.contains(name)) ||
                       (type != MetricType::kGauge && gauges_.contains(name)) ||
                       (type != MetricType::kHistogram && histograms_.contains(name));
    if (clash) {
        throw std::invalid_argument("metric " + name + " declared twice with different types");
    }
}

template <class Metric>
Family<Metric>& Registry::declare(
    std::map<std::string, std::unique_ptr<Family<Metric>>>& families,
    std::string name,
    std::string help,
    std::vector<std::string> label_names
) {
    if (!valid_metric_name(name) ||
        !std::all_of(label_names.begin(), label_names.end(), valid_label_name)) {
        throw std::invalid_argument("invalid metric or label name: " + name);
    }
    const std::lock_guard lock(mutex_);
    if (const auto it = families.find(name); it != families.end()) {
        if (it->second->label_names() != label_names) {
            throw std::invalid_argument("metric " + name + " declared with other labels");
        }
        return *it->second;
    }
    auto& slot = families[name];
    slot = std::make_unique<Family<Metric>>(name, std::move(help), std::move(label_names));
    return *slot;
}

Family<Counter>& Registry::counter(
    std::string name, std::string help, std::vector<std::string> label_names
) {
    check_unique(name, MetricType::kCounter);
    return declare(counters_, std::move(name), std::move(help), std::move(label_names));
}

Family<Gauge>& Registry::gauge(
    std::string name, std::string help, std::vector<std::string> label_names
) {
    check_unique(name, MetricType::kGauge);
    return declare(gauges_, std::move(name), std::move(help), std::move(label_names));
}

Family<Histogram>& Registry::histogram(
    std::string name, std::string help, std::vector<std::string> label_names
) {
    check_unique(name, MetricType::kHistogram);
    return declare(histograms_, std::move(name), std::move(help), std::move(label_names));
}

void Registry::add_collector(Collector collector) {
    const std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

namespace {

template <class Metric, class Fill>
void snapshot_families(
    const std::map<std::string, std::unique_ptr<Family<Metric>>>& families,
    MetricType type,
    Fill fill,
    std::vector<FamilySnapshot>& out
) {
    for (const auto& [name, family] : families) {
        FamilySnapshot snap{name, family->help(), type, family->label_names(), {}};
        family->for_each([&](const Labels& labels, const Metric& metric) {
            Sample sample;
            sample.labels = labels;
            fill(metric, sample);
            snap.samples.push_back(std::move(sample));
        });
        out.push_back(std::move(snap));
    }
}

}  // namespace

std::vector<FamilySnapshot> Registry::snapshot() const {
    std::vector<FamilySnapshot> out;
    std::vector<Collector> collectors;
    {
        const std::lock_guard lock(mutex_);
        snapshot_families(
            counters_,
            MetricType::kCounter,
            [](const Counter& c, Sample& s) { s.value = static_cast<double>(c.value()); },
            out
        );
        snapshot_families(
            gauges_,
            MetricType::kGauge,
            [](const Gauge& g, Sample& s) { s.value = static_cast<double>(g.value()); },
            out
        );
        snapshot_families(
            histograms_,
            MetricType::kHistogram,
            [](const Histogram& h, Sample& s) { s.histogram = h.snapshot(); },
            out
        );
        collectors = collectors_;
    }
    for (const Collector& collect : collectors) {
        collect(out);
    }
    std::sort(out.begin(), out.end(), [](const FamilySnapshot& a, const FamilySnapshot& b) {
        return a.name < b.name;
    });
    return out;
}

std::vector<std::string> Registry::reset() {
    std::vector<std::string> names;
    const std::lock_guard lock(mutex_);
    for (auto& [name, family] : counters_) {
        family->reset_all();
        names.push_back(name);
    }
    for (auto& [name, family] : histograms_) {
        family->reset_all();
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

// ---- windows -------------------------------------------------------------------------------

namespace {

const Sample* find_sample(const FamilySnapshot& family, const Labels& labels) {
    for (const Sample& sample : family.samples) {
        if (sample.labels == labels) {
            return &sample;
        }
    }
    return nullptr;
}

void subtract(FamilySnapshot& family, const FamilySnapshot& earlier) {
    for (Sample& sample : family.samples) {
        const Sample* before = find_sample(earlier, sample.labels);
        if (before == nullptr) {
            continue;
        }
        if (family.type == MetricType::kHistogram) {
            if (before->histogram.count <= sample.histogram.count) {
                sample.histogram = sample.histogram.minus(before->histogram);
            }
        } else if (before->value <= sample.value) {
            sample.value -= before->value;
        }
    }
}

}  // namespace

std::vector<FamilySnapshot> delta(
    const std::vector<FamilySnapshot>& now, const std::vector<FamilySnapshot>& earlier
) {
    std::vector<FamilySnapshot> out = now;
    for (FamilySnapshot& family : out) {
        if (family.type == MetricType::kGauge) {
            continue;
        }
        const auto match = std::find_if(earlier.begin(), earlier.end(), [&](const auto& e) {
            return e.name == family.name && e.type == family.type;
        });
        if (match != earlier.end()) {
            subtract(family, *match);
        }
    }
    return out;
}

MetricsHistory::MetricsHistory(std::chrono::seconds spacing, std::size_t capacity)
    : spacing_(spacing), capacity_(std::max<std::size_t>(1, capacity)) {}

void MetricsHistory::record(TimePoint at, std::vector<FamilySnapshot> families) {
    const std::lock_guard lock(mutex_);
    if (!ring_.empty() && at - ring_.back().at < spacing_) {
        return;
    }
    ring_.push_back({at, std::make_shared<const std::vector<FamilySnapshot>>(std::move(families))});
    while (ring_.size() > capacity_) {
        ring_.pop_front();
    }
}

std::optional<MetricsHistory::Past> MetricsHistory::at_least(
    TimePoint now, std::chrono::seconds ago
) const {
    const std::lock_guard lock(mutex_);
    if (ring_.empty()) {
        return std::nullopt;
    }
    for (auto it = ring_.rbegin(); it != ring_.rend(); ++it) {
        if (now - it->at >= ago) {
            return *it;
        }
    }
    return ring_.front();
}

}  // namespace scout::monitoring
