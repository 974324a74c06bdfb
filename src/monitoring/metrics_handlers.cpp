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

double value_of(const std::vector<FamilySnapshot>& families, std::string_view name) {
    double total = 0;
    if (const auto* family = find(families, name)) {
        for (const Sample& s : family->samples) {
            total += s.value;
        }
    }
    return total;
}

double rate(double part, double whole) {
    return whole > 0 ? part / whole : 0.0;
}

// 5xx responses over all responses, every route together.
double error_rate(const json& routes) {
    double requests = 0;
    double errors = 0;
    for (const auto& [name, route] : routes.items()) {
        requests += route.value("requests", 0.0);
        errors += route.value("error_rate", 0.0) * route.value("requests", 0.0);
    }
    return rate(errors, requests);
}

// {"l1": {"hit", "miss", "stale", "hit_rate"}, "l2": {...}}: every kind together; a stale
// serve counts as a hit (the client got an answer from the tier).
json cache_json(const std::vector<FamilySnapshot>& families) {
    json tiers = json::object();
    if (const auto* requests = find(families, "scout_cache_requests_total")) {
        for (const Sample& s : requests->samples) {
            json& tier = tiers[s.labels.at(0)];
            if (tier.is_null()) {
                tier = json::object();  // value() refuses null
            }
            tier[s.labels.at(2)] = tier.value(s.labels.at(2), 0.0) + s.value;
        }
    }
    for (auto& [name, tier] : tiers.items()) {
        const double served = tier.value("hit", 0.0) + tier.value("stale", 0.0);
        tier["hit_rate"] = rate(served, served + tier.value("miss", 0.0));
    }
    return tiers;
}

// Calls per method and outcome, their error rate, attempts, retries and estimated cost.
json upstream_json(const std::vector<FamilySnapshot>& families) {
    json methods = json::object();
    double calls = 0;
    double failed = 0;
    if (const auto* family = find(families, "scout_upstream_calls_total")) {
        for (const Sample& s : family->samples) {
            methods[s.labels.at(0)][s.labels.at(1)] = s.value;
            calls += s.value;
            failed += s.labels.at(1) == "ok" ? 0.0 : s.value;
        }
    }
    return {
        {"calls", calls},
        {"failed", failed},
        {"error_rate", rate(failed, calls)},
        {"by_method", std::move(methods)},
        {"attempts", value_of(families, "scout_upstream_attempts_total")},
        {"retries", value_of(families, "scout_upstream_retries_total")},
        {"cost", value_of(families, "scout_upstream_cost_total")}};
}

// The aggregates an admin reads first (the raw families follow under "metrics").
json aggregates_json(const std::vector<FamilySnapshot>& families) {
    json routes = routes_json(families);
    const double errors = error_rate(routes);
    return {
        {"routes", std::move(routes)},
        {"error_rate", errors},
        {"cache", cache_json(families)},
        {"upstream", upstream_json(families)}};
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

// The integer parameter `key` of `query`: `fallback` when absent; nullopt when the query does
// not parse or the (last) value is not a whole number from `lo` to `hi`.
std::optional<long long> int_param(
    std::string_view query, std::string_view key, long long fallback, long long lo, long long hi
) {
    // Boost.URL 1.81's parse_query reads its argument as a NUL-terminated string.
    const std::string owned(query);
    auto params = boost::urls::parse_query(owned);
    if (!params) {
        return std::nullopt;
    }
    std::optional<long long> found = fallback;
    for (const auto& param : *params) {
        if (param.key != key) {
            continue;
        }
        long long value = 0;
        const auto* end = param.value.data() + param.value.size();
        const auto [ptr, ec] = std::from_chars(param.value.data(), end, value);
        found = ec == std::errc() && ptr == end && value >= lo && value <= hi
                    ? std::optional<long long>(value)
                    : std::nullopt;
    }
    return found;
}

awaitable<void> feed_history(const Registry& registry, MetricsHistory& history) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        history.record(std::chrono::steady_clock::now(), registry.snapshot());
        timer.expires_after(history.spacing());
        const auto [ec] = co_await timer.async_wait(nothrow);
        if (ec) {
            co_return;
        }
    }
}

http::Response no_store(http::Response response) {
    response.set(field::field::cache_control, "no-store");
    return response;
}

}  // namespace

std::string metrics_json(
    const std::vector<FamilySnapshot>& families, long long uptime_s, const Window* window
) {
    json metrics = json::object();
    for (const FamilySnapshot& family : families) {
        metrics[family.name] = family_json(family);
    }
    json doc = aggregates_json(families);
    doc["version"] = kVersion;
    doc["uptime_s"] = uptime_s;
    if (window != nullptr) {
        json last = aggregates_json(window->families);
        last["seconds"] = window->seconds;
        doc["window"] = std::move(last);
    }
    doc["metrics"] = std::move(metrics);
    return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

awaitable<http::Response> PrometheusHandler::operator()(http::RequestContext& ctx) const {
    http::Response response{http::Status::ok, ctx.request.version()};
    response.set(field::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.body() = http::SharedBody::value_type(render_prometheus(registry_->snapshot()));
    co_return no_store(std::move(response));
}

awaitable<http::Response> MetricsJsonHandler::operator()(http::RequestContext& ctx) const {
    const auto now = std::chrono::steady_clock::now();
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(now - health_->started);
    const auto seconds = int_param(ctx.query, "window", 0, 1, kMaxWindow.count());
    if (!seconds) {
        co_return http::error_response(
            http::Status::bad_request,
            "invalid_parameter",
            "window must be a whole number of seconds from 1 to " +
                std::to_string(kMaxWindow.count()),
            ctx.request_id,
            ctx.request.version()
        );
    }
    const std::vector<FamilySnapshot> families = registry_->snapshot();
    std::optional<Window> window;
    if (*seconds > 0) {
        window = window_of(families, now, std::chrono::seconds(*seconds));
    }
    co_return no_store(http::json_response(
        http::Status::ok,
        metrics_json(families, uptime.count(), window ? &*window : nullptr),
        ctx.request.version()
    ));
}

Window MetricsJsonHandler::window_of(
    const std::vector<FamilySnapshot>& families,
    std::chrono::steady_clock::time_point now,
    std::chrono::seconds seconds
) const {
    // Since the snapshot at least `seconds` old (or the oldest kept, or the start).
    const auto past = history_ ? history_->at_least(now, seconds) : std::nullopt;
    if (!past) {
        const auto since = std::chrono::duration<double>(now - health_->started).count();
        return Window{std::min(since, static_cast<double>(seconds.count())), families};
    }
    return Window{
        std::chrono::duration<double>(now - past->at).count(), delta(families, *past->families)};
}

awaitable<http::Response> MetricsResetHandler::operator()(http::RequestContext& ctx) const {
    const json body = {{"reset", registry_->reset()}};
    co_return no_store(http::json_response(http::Status::ok, body.dump(), ctx.request.version()));
}

awaitable<http::Response> RequestsHandler::operator()(http::RequestContext& ctx) const {
    constexpr long long kDefaultLimit = 50;
    constexpr long long kMaxLimit = 1000;
    const auto limit = int_param(ctx.query, "limit", kDefaultLimit, 1, kMaxLimit);
    if (!limit) {
        co_return http::error_response(
            http::Status::bad_request,
            "invalid_parameter",
            "limit must be a whole number from 1 to 1000",
            ctx.request_id,
            ctx.request.version()
        );
    }
    const auto count = static_cast<std::size_t>(*limit);
    const auto records = kind_ == Kind::kSlow ? journal_->slow(count) : journal_->recent(count);
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

void record_history(asio::io_context& io, const Registry& registry, MetricsHistory& history) {
    asio::co_spawn(io, feed_history(registry, history), asio::detached);
}

}  // namespace scout::monitoring
