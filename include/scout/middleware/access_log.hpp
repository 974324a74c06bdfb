// access_log middleware: one structured line per request (method, path, query with secrets
// redacted, route, status, error code, cache result, bytes, duration, upstream time,
// request id, trace id, client); a warning with the timing breakdown for a request slower
// than monitoring.slow_request_ms; a record in the request journal (recent and slow requests
// for the admin endpoints); and the request metrics: requests per route and status class
// (scout_http_requests_total) and latency per route (scout_http_request_duration_seconds).
//
// Lines are rendered by the worker into its own batch (log::LineBatch) and written by the log
// thread in batches of log.access.buffer_bytes, at least every log.access.flush_ms (a timer on
// the worker), so a request neither allocates nor wakes another thread for its line.
// log.access.sample_2xx writes that share of 2xx lines; errors and slow requests always.
// Metric cells are resolved when the chain is built, one set per route plus one for unmatched
// requests (route "-"), so a request costs two relaxed atomic adds.
// One per worker (its batch and timer belong to the worker's thread).
#pragma once

#include <scout/config/config.hpp>
#include <scout/http/pipeline.hpp>
#include <scout/log/batch.hpp>
#include <scout/log/log.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/request_journal.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace scout::middleware {

// The query string as logged: at most kMaxLoggedQuery bytes (cut with "..."), the values of
// parameters that may carry a secret (token, key, password, signature ...) replaced by
// "REDACTED". Written into `out`; returns the view of what was written.
inline constexpr std::size_t kMaxLoggedQuery = 256;
std::string_view loggable_query(std::string_view query, std::span<char, kMaxLoggedQuery> out);

// The `code` of Scout's JSON error body ({"error":{"code":"...",...}}), or empty.
std::string_view error_code_of(std::string_view body);

class AccessLog {
public:
    AccessLog(
        const config::LogConfig::Access& options,
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
    // The worker's batch, its flush timer (started by the first request, which knows the
    // worker's executor) and the sampling credit.
    struct Lines;

    [[nodiscard]] const RouteMetrics& metrics_for(const http::Route* route) const;
    [[nodiscard]] bool sampled_in(int status, bool slow) const;
    void log(const http::RequestContext& ctx, const http::Response& response, double seconds) const;
    // Records the request in the journal and warns when it was slow; returns whether it was.
    bool journal(const http::RequestContext& ctx, int status, std::chrono::nanoseconds elapsed)
        const;

    log::Logger logger_;
    monitoring::RequestJournal* journal_;
    const http::Route* first_route_ = nullptr;
    std::vector<RouteMetrics> routes_;  // one per route, then the unmatched "-"
    bool enabled_;
    std::shared_ptr<Lines> lines_;
};

}  // namespace scout::middleware
