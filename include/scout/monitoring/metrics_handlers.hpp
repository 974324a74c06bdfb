// The admin metrics endpoints, read from the one registry:
//   GET  /metrics                      Prometheus text exposition 0.0.4
//   GET  /api/monitoring/metrics       JSON: per-route requests, error rate and latency
//                                      percentiles, overall error rate, hit rate per cache
//                                      tier, upstream calls, errors, retries and cost, plus
//                                      every family's samples; ?window=N adds the same
//                                      aggregates over the last N seconds ("window")
//   POST /api/monitoring/metrics/reset zeroes counters and histograms, names what it reset
//   GET  /api/monitoring/recent-requests?limit=N, /api/monitoring/slow-requests?limit=N
//                                      the request journal, newest first (limit 1-1000, 50)
// Authentication is the admin_auth middleware's job (the routes are registered as admin).
// Copyable values holding a shared registry; thread-safe.
#pragma once

#include <scout/http/pipeline.hpp>
#include <scout/monitoring/health.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/request_journal.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace scout::monitoring {

class PrometheusHandler {
public:
    explicit PrometheusHandler(Registry& registry) : registry_(&registry) {}
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    Registry* registry_;
};

// The families of a window: counters and histograms since `seconds` ago.
struct Window {
    double seconds = 0;
    std::vector<FamilySnapshot> families;
};

// Longest ?window= (the history keeps snapshots this far back).
inline constexpr std::chrono::seconds kMaxWindow{600};

class MetricsJsonHandler {
public:
    // `history` (may be null: no windows beyond the process start) feeds ?window=N.
    MetricsJsonHandler(
        Registry& registry,
        std::shared_ptr<const HealthState> health,
        std::shared_ptr<const MetricsHistory> history = nullptr
    )
        : registry_(&registry), health_(std::move(health)), history_(std::move(history)) {}
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    [[nodiscard]] Window window_of(
        const std::vector<FamilySnapshot>& families,
        std::chrono::steady_clock::time_point now,
        std::chrono::seconds seconds
    ) const;

    Registry* registry_;
    std::shared_ptr<const HealthState> health_;
    std::shared_ptr<const MetricsHistory> history_;
};

// Keeps `history` fed: a snapshot of `registry` every history->spacing(), on `io`, until
// the io_context stops. Both must outlive the io_context's run.
void record_history(asio::io_context& io, const Registry& registry, MetricsHistory& history);

class MetricsResetHandler {
public:
    explicit MetricsResetHandler(Registry& registry) : registry_(&registry) {}
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    Registry* registry_;
};

class RequestsHandler {
public:
    enum class Kind { kRecent, kSlow };
    RequestsHandler(const RequestJournal& journal, Kind kind) : journal_(&journal), kind_(kind) {}
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    const RequestJournal* journal_;
    Kind kind_;
};

// The JSON document of /api/monitoring/metrics for a snapshot and, when given, a window
// (exposed for unit tests).
std::string metrics_json(
    const std::vector<FamilySnapshot>& families, long long uptime_s, const Window* window = nullptr
);

}  // namespace scout::monitoring
