#include <scout/http/router.hpp>
#include <scout/middleware/access_log.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

namespace scout::middleware {
namespace {

constexpr std::array<const char*, 5> kClasses{"1xx", "2xx", "3xx", "4xx", "5xx"};

// Parameter names whose values never reach a log line (case-insensitive match).
bool secret_name(std::string_view name) {
    constexpr std::array<std::string_view, 10> kSecrets{
        "token",
        "key",
        "secret",
        "password",
        "passwd",
        "sig",
        "signature",
        "auth",
        "session",
        "cred"};
    std::array<char, 32> lower{};
    const std::size_t n = std::min(name.size(), lower.size());
    std::transform(
        name.begin(),
        name.begin() + static_cast<std::ptrdiff_t>(n),
        lower.begin(),
        [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); }
    );
    const std::string_view lowered(lower.data(), n);
    return std::any_of(kSecrets.begin(), kSecrets.end(), [&](std::string_view secret) {
        return lowered.find(secret) != std::string_view::npos;
    });
}

// Appends as much of `text` as fits before `end`; returns whether all of it did.
bool append(char*& at, char* end, std::string_view text) {
    const auto n = std::min<std::size_t>(text.size(), static_cast<std::size_t>(end - at));
    at = std::copy_n(text.data(), n, at);
    return n == text.size();
}

}  // namespace

std::string_view loggable_query(std::string_view query, std::span<char, kMaxLoggedQuery> out) {
    constexpr std::string_view kCut = "...";
    char* at = out.data();
    char* const end = out.data() + out.size() - kCut.size();
    std::size_t start = 0;
    bool whole = true;
    while (start < query.size() && whole) {
        const auto amp = std::min(query.find('&', start), query.size());
        const std::string_view pair = query.substr(start, amp - start);
        const auto eq = pair.find('=');
        const bool hide = eq != std::string_view::npos && secret_name(pair.substr(0, eq));
        whole = append(at, end, start == 0 ? "" : "&") &&
                append(at, end, hide ? pair.substr(0, eq + 1) : pair) &&
                (!hide || append(at, end, "REDACTED"));
        start = amp + 1;
    }
    if (!whole) {
        at = std::copy(kCut.begin(), kCut.end(), at);
    }
    return {out.data(), static_cast<std::size_t>(at - out.data())};
}

std::string_view error_code_of(std::string_view body) {
    constexpr std::string_view kPrefix = R"({"error":{"code":")";
    if (!body.starts_with(kPrefix)) {
        return {};
    }
    body.remove_prefix(kPrefix.size());
    const auto quote = body.find('"');
    return quote == std::string_view::npos || quote > 64 ? std::string_view{}
                                                         : body.substr(0, quote);
}

struct AccessLog::Lines : std::enable_shared_from_this<Lines> {
    Lines(const config::LogConfig::Access& options)
        : batch("access", options.buffer_bytes),
          flush_every(options.flush_ms),
          sample_2xx(options.sample_2xx) {}

    // Armed by the first line after a hand-over: within flush_every on the worker's thread a
    // quiet worker's lines are written. Never armed while nothing waits, so an idle worker
    // has no timer (and an io_context run to completion in a test is not kept alive).
    void arm_if_idle() {
        if (armed || batch.pending_lines() == 0) {
            return;
        }
        armed = true;
        // The timer belongs to its own wait, not to this object: a pipeline may outlive its
        // io_context (tests), and a timer must not outlive its service.
        auto timer = std::make_shared<asio::steady_timer>(*executor, flush_every);
        timer->async_wait([timer, weak = weak_from_this()](const boost::system::error_code& ec) {
            const auto self = weak.lock();
            if (!self) {
                return;
            }
            self->armed = false;
            if (!ec) {
                self->batch.flush();
            }
        });
    }

    log::LineBatch batch;
    std::chrono::milliseconds flush_every;
    double sample_2xx;
    double credit = 0;  // sampling: a 2xx line is written each time this reaches 1
    std::optional<asio::any_io_executor> executor;  // the worker's, from its first request
    bool armed = false;
};

AccessLog::AccessLog(
    const config::LogConfig::Access& options,
    monitoring::Registry& metrics,
    monitoring::RequestJournal& journal,
    const http::Router& router
)
    : logger_("access"),
      journal_(&journal),
      enabled_(options.enabled),
      lines_(std::make_shared<Lines>(options)) {
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
    if (!lines_->executor) {
        lines_->executor.emplace(co_await asio::this_coro::executor);
    }
    http::Response response = co_await next(ctx);
    const auto elapsed = std::chrono::steady_clock::now() - ctx.start;
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const RouteMetrics& metrics = metrics_for(ctx.route);
    const auto status_class = static_cast<std::size_t>(response.result_int() / 100);
    if (status_class >= 1 && status_class <= kClasses.size()) {
        metrics.by_class[status_class - 1]->inc();
    }
    metrics.latency->observe(seconds);
    const bool slow = journal(ctx, response.result_int(), elapsed);
    if (enabled_ && logger_.enabled(log::Level::kInfo) && sampled_in(response.result_int(), slow)) {
        log(ctx, response, seconds);
        lines_->arm_if_idle();
    }
    co_return response;
}

bool AccessLog::sampled_in(int status, bool slow) const {
    if (status < 200 || status >= 300 || slow || lines_->sample_2xx >= 1.0) {
        return true;
    }
    lines_->credit += lines_->sample_2xx;
    if (lines_->credit < 1.0) {
        return false;
    }
    lines_->credit -= 1.0;
    return true;
}

bool AccessLog::journal(
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
    return slow;
}

void AccessLog::log(const http::RequestContext& ctx, const http::Response& response, double seconds)
    const {
    const std::string_view route = ctx.route != nullptr ? std::string_view(ctx.route->name) : "-";
    std::array<char, kMaxLoggedQuery> query_buffer{};
    const int status = response.result_int();
    const std::string_view error = status >= 400 ? error_code_of(response.body().view()) : "";
    const auto optional_text = [](std::string_view text) {
        return text.empty() ? log::Value(nullptr) : log::Value(text);
    };
    const log::Value upstream_ms =
        ctx.timings.upstream_us < 0
            ? log::Value(nullptr)
            : log::Value(static_cast<double>(ctx.timings.upstream_us) / 1000.0);
    lines_->batch.add(
        log::Level::kInfo,
        "request",
        {{"request_id", ctx.request_id},
         {"trace_id", ctx.trace_id},
         {"method", std::string_view(ctx.request.method_string())},
         {"path", ctx.path},
         {"query", loggable_query(ctx.query, query_buffer)},
         {"route", route},
         {"status", status},
         {"error", optional_text(error)},
         {"cache", optional_text(ctx.cache_status)},
         {"bytes", response.body().size()},
         {"duration_ms", seconds * 1000.0},
         {"upstream_ms", upstream_ms},
         {"client", ctx.client_address},
         {"api_key", optional_text(ctx.api_key_id)}}
    );
}

}  // namespace scout::middleware
