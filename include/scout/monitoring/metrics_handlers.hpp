// The admin metrics endpoints, read from the one registry:
//   GET  /metrics                      Prometheus text exposition 0.0.4
//   GET  /api/monitoring/metrics       JSON: per-route requests, error rate and latency
//                                      percentiles, plus every family's samples
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

class MetricsJsonHandler {
public:
    MetricsJsonHandler(Registry& registry, std::shared_ptr<const HealthState> health)
        : registry_(&registry), health_(std::move(health)) {}
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    Registry* registry_;
    std::shared_ptr<const HealthState> health_;
};

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

// The JSON document of /api/monitoring/metrics for a snapshot (exposed for unit tests).
std::string metrics_json(const std::vector<FamilySnapshot>& families, long long uptime_s);

}  // namespace scout::monitoring
