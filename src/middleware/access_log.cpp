#include <scout/http/router.hpp>
#include <scout/middleware/access_log.hpp>

#include <chrono>
#include <string>

namespace scout::middleware {
namespace {

constexpr std::array<const char*, 5> kClasses{"1xx", "2xx", "3xx", "4xx", "5xx"};

}  // namespace

AccessLog::AccessLog(
    monitoring::Registry& metrics, monitoring::RequestJournal& journal, const http::Router& router
)
    : logger_("access"), journal_(&journal) {
    auto& requests = metrics.counter(
        "scout_http_requests_total", "HTTP requests by route and status class", {"route", "code"}
    );
    auto& latency = metrics.histogram(
        "scout_http_request_duration_seconds",
        "Time from the request header to the response, by route",
        {"route"}
    );
    const auto& routes = router.routes();
    first_route_ = routes.empty() ? nullptr : routes.data();
    routes_.resize(routes.size() + 1);
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const std::string name = i < routes.size() ? routes[i].name : "-";
        for (std::size_t c = 0; c < kClasses.size(); ++c) {
            routes_[i].by_class[c] = &requests.with({name, kClasses[c]});
        }
        routes_[i].latency = &latency.with({name});
    }
}

const AccessLog::RouteMetrics& AccessLog::metrics_for(const http::Route* route) const {
    if (route == nullptr || first_route_ == nullptr) {
        return routes_.back();
    }
    const auto index = static_cast<std::size_t>(route - first_route_);
    return index + 1 < routes_.size() ? routes_[index] : routes_.back();
}

awaitable<http::Response> AccessLog::operator()(http::RequestContext& ctx, http::Next next) const {
    http::Response response = co_await next(ctx);
    const auto elapsed = std::chrono::steady_clock::now() - ctx.start;
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const RouteMetrics& metrics = metrics_for(ctx.route);
    const auto status_class = static_cast<std::size_t>(response.result_int() / 100);
    if (status_class >= 1 && status_class <= kClasses.size()) {
        metrics.by_class[status_class - 1]->inc();
    }
    metrics.latency->observe(seconds);
    if (logger_.enabled(log::Level::kInfo)) {
        log(ctx, response, seconds);
    }
    journal(ctx, response.result_int(), elapsed);
    co_return response;
}

void AccessLog::journal(
    const http::RequestContext& ctx, int status, std::chrono::nanoseconds elapsed
) const {
    monitoring::RequestRecord record;
    record.unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()
    )
                         .count();
    record.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    record.status = status;
    record.method.assign(ctx.request.method_string());
    record.route.assign(ctx.route != nullptr ? std::string_view(ctx.route->name) : "-");
    record.request_id.assign(ctx.request_id);
    record.trace_id.assign(ctx.trace_id);
    record.target.assign(ctx.request.target());
    record.client.assign(ctx.client_address);
    record.timings = ctx.timings;
    const bool slow = journal_->is_slow(elapsed);
    journal_->record(record, slow);
    if (slow) {
        const auto& t = ctx.timings;
        logger_.warn(
            "slow request",
            {{"request_id", ctx.request_id},
             {"trace_id", ctx.trace_id},
             {"route", record.route.view()},
             {"path", ctx.path},
             {"status", status},
             {"duration_ms", static_cast<double>(record.duration_us) / 1000.0},
             {"cache_us", t.cache_us},
             {"upstream_us", t.upstream_us},
             {"ranking_us", t.ranking_us},
             {"serialize_us", t.serialize_us}}
        );
    }
}

void AccessLog::log(const http::RequestContext& ctx, const http::Response& response, double seconds)
    const {
    const std::string_view route = ctx.route != nullptr ? std::string_view(ctx.route->name) : "-";
    logger_.info(
        "request",
        {{"request_id", ctx.request_id},
         {"trace_id", ctx.trace_id},
         {"method", std::string_view(ctx.request.method_string())},
         {"path", ctx.path},
         {"route", route},
         {"status", response.result_int()},
         {"bytes", response.body().size()},
         {"duration_ms", seconds * 1000.0},
         {"client", ctx.client_address},
         {"api_key", ctx.api_key_id}}
    );
}

}  // namespace scout::middleware
