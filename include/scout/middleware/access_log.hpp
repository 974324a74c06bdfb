// access_log middleware: one structured log line per request (method, path, route, status,
// bytes, duration_ms, request_id, trace_id, client); a warning with the timing breakdown for
// a request slower than monitoring.slow_request_ms; a record in the request journal (recent
// and slow requests for the admin endpoints); and the request metrics: requests per route and
// status class (scout_http_requests_total) and latency per route
// (scout_http_request_duration_seconds). Metric cells are resolved when the chain is built,
// one set per route plus one for unmatched requests (route "-"), so a request costs two
// relaxed atomic adds. One per worker; immutable after construction.
#pragma once

#include <scout/http/pipeline.hpp>
#include <scout/log/log.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/request_journal.hpp>

#include <array>
#include <vector>

namespace scout::middleware {

class AccessLog {
public:
    AccessLog(
        monitoring::Registry& metrics,
        monitoring::RequestJournal& journal,
        const http::Router& router
    );
    awaitable<http::Response> operator()(http::RequestContext& ctx, http::Next next) const;

private:
    struct RouteMetrics {
        std::array<monitoring::Counter*, 5> by_class{};  // 1xx .. 5xx
        monitoring::Histogram* latency = nullptr;
    };
    [[nodiscard]] const RouteMetrics& metrics_for(const http::Route* route) const;
    void log(const http::RequestContext& ctx, const http::Response& response, double seconds) const;
    void journal(const http::RequestContext& ctx, int status, std::chrono::nanoseconds elapsed)
        const;

    log::Logger logger_;
    monitoring::RequestJournal* journal_;
    const http::Route* first_route_ = nullptr;
    std::vector<RouteMetrics> routes_;  // one per route, then the unmatched "-"
};

}  // namespace scout::middleware
