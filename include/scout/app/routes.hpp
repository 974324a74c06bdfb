// Every route Scout serves, registered in one place (src/app/routes.cpp): adding a route is
// one line in build_router(). route_table() lists them (method, path, name) for
// `scout --print-routes` and for tests, from the same function, so the list cannot drift.
// Thread-safe: both functions build fresh objects.
#pragma once

#include <scout/http/router.hpp>
#include <scout/monitoring/health.hpp>
#include <scout/monitoring/health_monitor.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/request_journal.hpp>
#include <scout/search/features.hpp>
#include <scout/search/request.hpp>
#include <scout/search/service.hpp>

#include <memory>
#include <string>
#include <vector>

namespace scout::app {

// What the handlers of one worker refer to: its own search service, and the objects shared
// by every worker (they outlive the worker's router).
struct RouteServices {
    std::shared_ptr<search::SearchService> search;
    const search::RequestDefaults& defaults;
    std::shared_ptr<monitoring::HealthState> health;
    monitoring::Registry& metrics;
    const monitoring::RequestJournal& journal;
    std::shared_ptr<const monitoring::HealthMonitor> health_monitor;  // /health/detailed
    std::shared_ptr<const monitoring::MetricsHistory> history;        // may be null
    const search::FeatureFlags* flags = nullptr;                      // null: every feature on
};

// The router of one worker.
http::Router build_router(const RouteServices& services);

struct RouteInfo {
    std::string method;   // "GET" (which also answers HEAD), "POST"
    std::string pattern;  // "/search"
    std::string name;     // the label in logs and metrics ("search")
    bool admin = false;   // requires the admin token
};

// The routes build_router() registers, in registration order.
std::vector<RouteInfo> route_table();

}  // namespace scout::app
