#include <scout/app/routes.hpp>
#include <scout/monitoring/admin_page.hpp>
#include <scout/monitoring/metrics_handlers.hpp>

#include "app/openapi_handler.hpp"
#include "app/search_handler.hpp"

#include <boost/beast/http/verb.hpp>

#include <chrono>

namespace scout::app {

http::Router build_router(const RouteServices& services) {
    using http::Verb;
    using Input = SearchHandler::Input;
    using Kind = monitoring::RequestsHandler::Kind;
    const http::RouteOptions admin{.admin = true};
    const http::RouteOptions exempt{.exempt = true};  // no API key, no rate limit
    const monitoring::MetricsJsonHandler json(services.metrics, services.health, services.history);
    const monitoring::MetricsResetHandler reset(services.metrics);
    const auto& journal = services.journal;
    const auto& search = services.search;
    const auto& defaults = services.defaults;

    http::Router r;
    r.add(Verb::get, "/health", "health", monitoring::HealthHandler(services.health), exempt);
    r.add(
        Verb::get,
        "/health/detailed",
        "health_detailed",
        monitoring::HealthDetailedHandler(services.health_monitor),
        exempt
    );
    r.add(
        Verb::get,
        "/search",
        "search",
        SearchHandler(search, defaults, Input::kQueryString, services.flags)
    );
    r.add(
        Verb::post,
        "/api/products/smart-search",
        "smart_search",
        SearchHandler(search, defaults, Input::kJsonBody, services.flags)
    );
    r.add(
        Verb::get, "/metrics", "prometheus", monitoring::PrometheusHandler(services.metrics), admin
    );
    r.add(Verb::get, "/api/monitoring/metrics", "metrics", json, admin);
    r.add(Verb::post, "/api/monitoring/metrics/reset", "metrics_reset", reset, admin);
    r.add(
        Verb::get,
        "/api/monitoring/recent-requests",
        "recent_requests",
        monitoring::RequestsHandler(journal, Kind::kRecent),
        admin
    );
    r.add(
        Verb::get,
        "/api/monitoring/slow-requests",
        "slow_requests",
        monitoring::RequestsHandler(journal, Kind::kSlow),
        admin
    );
    r.add(Verb::get, "/openapi.json", "openapi", OpenApiHandler{}, exempt);
    r.add(Verb::get, "/admin/", "admin_page", monitoring::AdminPageHandler{}, exempt);
    // Aliases kept for clients of the service Scout replaces.
    r.add(Verb::get, "/admin/monitoring/metrics", "metrics", json, admin);
    r.add(Verb::post, "/admin/monitoring/reset", "metrics_reset", reset, admin);
    return r;
}

std::vector<RouteInfo> route_table() {
    // Handlers are only constructed, never called: placeholder services are enough.
    monitoring::Registry metrics;
    const monitoring::RequestJournal journal(std::chrono::milliseconds(1000));
    const search::RequestDefaults defaults;
    const auto health = std::make_shared<monitoring::HealthState>();
    const http::Router router = build_router(
        {nullptr,
         defaults,
         health,
         metrics,
         journal,
         std::make_shared<monitoring::HealthMonitor>(health, 1),
         nullptr}
    );
    std::vector<RouteInfo> table;
    for (const http::Route& route : router.routes()) {
        table.push_back(
            {std::string(boost::beast::http::to_string(route.method)),
             route.pattern,
             route.name,
             route.options.admin}
        );
    }
    return table;
}

}  // namespace scout::app
