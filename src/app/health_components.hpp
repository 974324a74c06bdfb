// The components /health/detailed reports besides the event loop: the upstream (breakers,
// recent call outcomes and a TCP probe of the gateway), Redis (a PING probe) and the
// in-process cache. Built once by the composition root; it must outlive the server.
#pragma once

#include <scout/cache/redis_client.hpp>
#include <scout/cache/tiered_cache.hpp>
#include <scout/config/config.hpp>
#include <scout/monitoring/health_monitor.hpp>
#include <scout/upstream/breaker_set.hpp>
#include <scout/upstream/upstream_metrics.hpp>

#include <memory>

namespace scout::app {

struct HealthSources {
    const config::Config& config;
    upstream::BreakerSet& breakers;
    const upstream::UpstreamMetrics& upstream_metrics;
    cache::RedisStore* redis;  // null: Redis not configured
    const cache::TieredCache& cache;
};

// Registers the components with `monitor`; the returned object owns their probes and state.
std::shared_ptr<void> add_health_components(
    monitoring::HealthMonitor& monitor, const HealthSources& sources
);

}  // namespace scout::app
