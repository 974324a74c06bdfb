#include <scout/core/version.hpp>
#include <scout/http/response.hpp>
#include <scout/monitoring/metrics_handlers.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/url/parse_query.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>

namespace scout::monitoring {
namespace {

using nlohmann::json;
namespace field = boost::beast::http;

json labels_json(const FamilySnapshot& family, const Labels& labels) {
    json out = json::object();
    for (std::size_t i = 0; i < family.label_names.size() && i < labels.size(); ++i) {
        out[family.label_names[i]] = labels[i];
    }
    return out;
}

json histogram_json(const HistogramSnapshot& h) {
    constexpr double kMs = 1000.0;
    return {
        {"count", h.count},
        {"sum", h.sum},
        {"p50_ms", h.quantile(0.50) * kMs},
        {"p95_ms", h.quantile(0.95) * kMs},
        {"p99_ms", h.quantile(0.99) * kMs}};
}

json family_json(const FamilySnapshot& family) {
    json samples = json::array();
    for (const Sample& sample : family.samples) {
        json one = histogram_json(sample.histogram);
        if (family.type != MetricType::kHistogram) {
            one = {{"value", sample.value}};
        }
        one["labels"] = labels_json(family, sample.labels);
        samples.push_back(std::move(one));
    }
    const char* type = family.type == MetricType::kCounter ? "counter"
                       : family.type == MetricType::kGauge ? "gauge"
                                                           : "histogram";
    return {{"type", type}, {"help", family.help}, {"samples", std::move(samples)}};
}

const FamilySnapshot* find(const std::vector<FamilySnapshot>& families, std::string_view name) {
    for (const FamilySnapshot& family : families) {
        if (family.name == name) {
            return &family;
        }
    }
    return nullptr;
}

// {"<route>": {"requests", "by_class": {...}, "error_rate", "latency_ms": {...}}}: the
// aggregate an admin reads first, derived from the two HTTP families.
json routes_json(const std::vector<FamilySnapshot>& families) {
    json routes = json::object();
    if (const auto* requests = find(families, "scout_http_requests_total")) {
        for (const Sample& s : requests->samples) {
            json& route = routes[s.labels.at(0)];
            route["by_class"][s.labels.at(1)] = s.value;
            route["requests"] = route.value("requests", 0.0) + s.value;
            if (s.labels.at(1) == "5xx") {
                route["errors_5xx"] = s.value;
            }
        }
    }
    for (auto& [name, route] : routes.items()) {
        const double total = route.value("requests", 0.0);
        route["error_rate"] = total > 0 ? route.value("errors_5xx", 0.0) / total : 0.0;
        route.erase("errors_5xx");
    }
    if (const auto* latency = find(families, "scout_http_request_duration_seconds")) {
        for (const Sample& s : latency->samples) {
            if (routes.contains(s.labels.at(0))) {
                routes[s.labels.at(0)]["latency_ms"] = histogram_json(s.histogram);
            }
        }
    }
    return routes;
}

json timings_json(const Timings& t) {
    json out = json::object();
    const auto put = [&out](const char* name, std::int64_t us) {
        if (us >= 0) {
            out[name] = us;
        }
    };
    put("cache_us", t.cache_us);
    put("upstream_us", t.upstream_us);
    put("ranking_us", t.ranking_us);
    put("serialize_us", t.serialize_us);
    return out;
}

json record_json(const RequestRecord& r) {
    return {
        {"unix_ms", r.unix_ms},
        {"duration_ms", static_cast<double>(r.duration_us) / 1000.0},
        {"status", r.status},
        {"method", r.method.view()},
        {"route", r.route.view()},
        {"request_id", r.request_id.view()},
        {"trace_id", r.trace_id.view()},
        {"target", r.target.view()},
        {"client", r.client.view()},
        {"timings", timings_json(r.timings)}};
}

// ?limit=N (1-1000, default 50); nullopt when present and not a number in range.
std::optional<std::size_t> limit_param(std::string_view query) {
    constexpr std::size_t kDefault = 50;
    constexpr std::size_t kMax = 1000;
    // Boost.URL 1.81's parse_query reads its argument as a NUL-terminated string.
    const std::string owned(query);
    auto params = boost::urls::parse_query(owned);
    if (!params) {
        return std::nullopt;
    }
    std::optional<std::size_t> limit = kDefault;
    for (const auto& param : *params) {
        if (param.key != "limit") {
            continue;
        }
        std::size_t value = 0;
        const auto* end = param.value.data() + param.value.size();
        const auto [ptr, ec] = std::from_chars(param.value.data(), end, value);
        limit = ec == std::errc() && ptr == end && value >= 1 && value <= kMax
                    ? std::optional<std::size_t>(value)
                    : std::nullopt;
    }
    return limit;
}

http::Response no_store(http::Response response) {
    response.set(field::field::cache_control, "no-store");
    return response;
}

}  // namespace

std::string metrics_json(const std::vector<FamilySnapshot>& families, long long uptime_s) {
    json metrics = json::object();
    for (const FamilySnapshot& family : families) {
        metrics[family.name] = family_json(family);
    }
    const json doc = {
        {"version", kVersion},
        {"uptime_s", uptime_s},
        {"routes", routes_json(families)},
        {"metrics", std::move(metrics)}};
    return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

awaitable<http::Response> PrometheusHandler::operator()(http::RequestContext& ctx) const {
    http::Response response{http::Status::ok, ctx.request.version()};
    response.set(field::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.body() = http::SharedBody::value_type(render_prometheus(registry_->snapshot()));
    co_return no_store(std::move(response));
}

awaitable<http::Response> MetricsJsonHandler::operator()(http::RequestContext& ctx) const {
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - health_->started
    );
    co_return no_store(http::json_response(
        http::Status::ok, metrics_json(registry_->snapshot(), uptime.count()), ctx.request.version()
    ));
}

awaitable<http::Response> MetricsResetHandler::operator()(http::RequestContext& ctx) const {
    const json body = {{"reset", registry_->reset()}};
    co_return no_store(http::json_response(http::Status::ok, body.dump(), ctx.request.version()));
}

awaitable<http::Response> RequestsHandler::operator()(http::RequestContext& ctx) const {
    const auto limit = limit_param(ctx.query);
    if (!limit) {
        co_return http::error_response(
            http::Status::bad_request,
            "invalid_parameter",
            "limit must be a whole number from 1 to 1000",
            ctx.request_id,
            ctx.request.version()
        );
    }
    const auto records = kind_ == Kind::kSlow ? journal_->slow(*limit) : journal_->recent(*limit);
    json list = json::array();
    for (const RequestRecord& record : records) {
        list.push_back(record_json(record));
    }
    const json body = {{"requests", std::move(list)}};
    co_return no_store(http::json_response(
        http::Status::ok,
        body.dump(-1, ' ', false, json::error_handler_t::replace),
        ctx.request.version()
    ));
}

}  // namespace scout::monitoring
