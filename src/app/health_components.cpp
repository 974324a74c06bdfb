#include "app/health_components.hpp"

#include <deque>
#include <mutex>
#include <string>
#include <utility>

namespace scout::app {
namespace {

using monitoring::ComponentReport;
using monitoring::ComponentStatus;
using monitoring::Probe;
using std::chrono::steady_clock;

// A TCP connect to the gateway, never an API call: at 1,000 health checks a second the
// upstream sees one connection per interval.
constexpr std::chrono::milliseconds kUpstreamProbeInterval{5000};
constexpr std::chrono::milliseconds kUpstreamProbeDeadline{1000};
constexpr std::chrono::milliseconds kRedisProbeInterval{1000};
constexpr std::chrono::milliseconds kRedisProbeDeadline{500};
// Recent call outcomes: failures at least half of the calls of the last 30 s (3 or more).
constexpr std::chrono::seconds kOutcomeWindow{30};
constexpr std::uint64_t kMinRecentFailures = 3;

// The probe's failure as the report's last error, unless a newer one is known.
void take_probe_error(const Probe::Result& probe, ComponentReport& report) {
    report.latency_ms = probe.latency_ms;
    if (probe.last_error_unix_ms > report.last_error_unix_ms) {
        report.last_error = probe.last_error;
        report.last_error_unix_ms = probe.last_error_unix_ms;
    }
}

bool probe_failed(const Probe::Result& probe) {
    return probe.overdue || (probe.ran && !probe.ok);
}

class UpstreamHealth {
public:
    explicit UpstreamHealth(const HealthSources& sources)
        : breakers_(sources.breakers),
          metrics_(sources.upstream_metrics),
          probe_(
              kUpstreamProbeInterval,
              kUpstreamProbeDeadline,
              [url = sources.config.upstream.gateway_url] {
                  return monitoring::tcp_connect_check(url, kUpstreamProbeDeadline);
              }
          ) {}

    Probe& probe() { return probe_; }

    ComponentReport read() {
        ComponentReport report;
        nlohmann::json breakers = nlohmann::json::object();
        std::string open;
        for (const std::string_view method : upstream::kKnownMethods) {
            const auto state = breakers_.for_method(method).state();
            breakers[std::string(upstream::method_label(method))] = upstream::to_string(state);
            if (state != upstream::CircuitBreaker::State::kClosed) {
                open += open.empty() ? "" : ", ";
                open += upstream::method_label(method);
            }
        }
        const auto [calls, failures] = recent_outcomes();
        const std::lock_guard lock(mutex_);
        if (!open.empty()) {
            note_error("circuit not closed: " + open);
        } else if (failures >= kMinRecentFailures && 2 * failures >= calls) {
            note_error(
                std::to_string(failures) + " of " + std::to_string(calls) +
                " calls failed in the last 30 s"
            );
        }
        report.last_error = last_error_;
        report.last_error_unix_ms = last_error_unix_ms_;
        const Probe::Result probe = probe_.result();
        take_probe_error(probe, report);
        report.status = probe_failed(probe) || !open.empty() ? ComponentStatus::kDown
                        : failures >= kMinRecentFailures && 2 * failures >= calls
                            ? ComponentStatus::kDegraded
                            : ComponentStatus::kOk;
        report.details = {
            {"probe", "tcp connect to upstream.gateway_url"},
            {"breakers", std::move(breakers)},
            {"recent_calls", calls},
            {"recent_failures", failures}};
        return report;
    }

private:
    struct Sample {
        steady_clock::time_point at;
        std::uint64_t calls = 0;
        std::uint64_t failures = 0;
    };

    [[nodiscard]] Sample totals() const {
        Sample sample{steady_clock::now()};
        for (const std::string_view method : upstream::kKnownMethods) {
            const upstream::MethodMetrics& m = metrics_.for_method(method);
            sample.calls += m.calls_ok->value();
            for (const monitoring::Counter* failed : m.calls_failed) {
                sample.failures += failed->value();
            }
        }
        sample.calls += sample.failures;
        return sample;
    }

    // Calls and failures of about the last kOutcomeWindow (samples kept once a second).
    std::pair<std::uint64_t, std::uint64_t> recent_outcomes() {
        const Sample now = totals();
        const std::lock_guard lock(mutex_);
        if (samples_.empty() || now.at - samples_.back().at >= std::chrono::seconds(1)) {
            samples_.push_back(now);
        }
        while (samples_.size() > 1 && now.at - samples_.front().at > kOutcomeWindow) {
            samples_.pop_front();
        }
        const Sample& oldest = samples_.front();
        // A metrics reset makes totals go back: count from zero then.
        const bool reset = now.calls < oldest.calls || now.failures < oldest.failures;
        return reset ? std::pair{now.calls, now.failures}
                     : std::pair{now.calls - oldest.calls, now.failures - oldest.failures};
    }

    // Under mutex_: a new error text gets the current time; a repeated one keeps its first.
    void note_error(std::string text) {
        if (text != last_error_) {
            last_error_ = std::move(text);
            last_error_unix_ms_ = monitoring::unix_ms_now();
        }
    }

    upstream::BreakerSet& breakers_;
    const upstream::UpstreamMetrics& metrics_;
    Probe probe_;
    std::mutex mutex_;
    std::deque<Sample> samples_;
    std::string last_error_;
    std::int64_t last_error_unix_ms_ = 0;
};

awaitable<std::string> ping(cache::RedisStore* store) {
    cache::RedisClient* client = store->client_for_this_thread();
    if (client == nullptr) {
        co_return "not on a worker thread";
    }
    const boost::system::error_code error = co_await client->ping();
    co_return error ? "PING: " + error.message() : std::string();
}

class RedisHealth {
public:
    explicit RedisHealth(cache::RedisStore* store)
        : store_(store),
          probe_(kRedisProbeInterval, kRedisProbeDeadline, [store] { return ping(store); }) {}

    Probe* probe() { return store_ != nullptr ? &probe_ : nullptr; }

    [[nodiscard]] ComponentReport read() const {
        ComponentReport report;
        if (store_ == nullptr) {
            report.status = ComponentStatus::kDisabled;
            return report;
        }
        // Every worker's connection, not only the answering worker's: each reconnects on its
        // own, and two probes of one instance must not disagree.
        const auto [up, total] = store_->connections();
        const Probe::Result probe = probe_.result();
        take_probe_error(probe, report);
        if (up < total && report.last_error.empty()) {
            report.last_error = std::to_string(total - up) + " of " + std::to_string(total) +
                                " worker connections not connected";
            report.last_error_unix_ms = monitoring::unix_ms_now();
        }
        report.status = up == 0 || probe_failed(probe) ? ComponentStatus::kDown
                        : up < total                   ? ComponentStatus::kDegraded
                                                       : ComponentStatus::kOk;
        report.details = {
            {"connected", up == total}, {"connections_up", up}, {"connections", total}};
        if (const cache::RedisClient* client = store_->client_for_this_thread()) {
            report.details["master"] = client->master();  // with Sentinel: the one it named
        }
        return report;
    }

private:
    cache::RedisStore* store_;
    Probe probe_;
};

struct Components {
    explicit Components(const HealthSources& sources) : upstream(sources), redis(sources.redis) {}
    UpstreamHealth upstream;
    RedisHealth redis;
};

ComponentReport memory_cache(const cache::TieredCache& cache, const config::CacheConfig& cfg) {
    const cache::LruStats l1 = cache.l1_stats();
    ComponentReport report;
    report.details = {
        {"entries", l1.entries},
        {"bytes", l1.bytes},
        {"max_entries", cfg.memory.max_entries},
        {"max_bytes", cfg.memory.max_bytes}};
    return report;
}

}  // namespace

std::shared_ptr<void> add_health_components(
    monitoring::HealthMonitor& monitor, const HealthSources& sources
) {
    auto components = std::make_shared<Components>(sources);
    Components* c = components.get();
    monitor.add_component("upstream", [c] { return c->upstream.read(); }, {&c->upstream.probe()});
    std::vector<Probe*> redis_probes;
    if (Probe* probe = c->redis.probe()) {
        redis_probes.push_back(probe);
    }
    monitor.add_component(
        "redis", [c] { return c->redis.read(); }, std::move(redis_probes)
    );
    monitor.add_component("memory_cache", [&cache = sources.cache, memory = sources.config.cache] {
        return memory_cache(cache, memory);
    });
    return components;
}

}  // namespace scout::app
