#include <scout/core/version.hpp>
#include <scout/http/response.hpp>
#include <scout/monitoring/health_monitor.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <exception>

namespace scout::monitoring {
namespace {

using nlohmann::json;
using std::chrono::steady_clock;

std::int64_t steady_us(steady_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
}

double ms_between(steady_clock::time_point from, steady_clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

json report_json(const ComponentReport& report) {
    json out = {
        {"status", to_string(report.status)},
        {"latency_ms", report.latency_ms >= 0 ? json(report.latency_ms) : json(nullptr)},
        {"last_error", report.last_error.empty() ? json(nullptr) : json(report.last_error)},
        {"last_error_unix_ms",
         report.last_error_unix_ms > 0 ? json(report.last_error_unix_ms) : json(nullptr)}};
    out.update(report.details);
    return out;
}

awaitable<std::string> connect_to(
    asio::ip::tcp::resolver& resolver,
    asio::ip::tcp::socket& socket,
    std::string host,
    std::string port
) {
    auto [resolve_error, endpoints] = co_await resolver.async_resolve(host, port, nothrow);
    if (resolve_error) {
        co_return "resolve " + host + ": " + resolve_error.message();
    }
    auto [connect_error, endpoint] = co_await asio::async_connect(socket, endpoints, nothrow);
    if (connect_error) {
        co_return "connect " + host + ":" + port + ": " + connect_error.message();
    }
    co_return std::string();
}

}  // namespace

std::string_view to_string(ComponentStatus status) {
    switch (status) {
        case ComponentStatus::kOk:
            return "ok";
        case ComponentStatus::kDegraded:
            return "degraded";
        case ComponentStatus::kDown:
            return "down";
        case ComponentStatus::kDisabled:
            return "disabled";
    }
    return "unknown";
}

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()
    )
        .count();
}

// ---- Probe ---------------------------------------------------------------------------------

Probe::Probe(std::chrono::milliseconds interval, std::chrono::milliseconds deadline, Check check)
    : interval_(interval), deadline_(deadline), check_(std::move(check)) {}

void Probe::refresh_if_due(const asio::any_io_executor& executor) {
    const auto now = steady_clock::now();
    {
        const std::lock_guard lock(mutex_);
        if (running_ || (started_ != steady_clock::time_point{} && now - started_ < interval_)) {
            return;
        }
        running_ = true;
        started_ = now;
    }
    asio::co_spawn(executor, run_check(), asio::detached);
}

awaitable<void> Probe::run_check() {
    steady_clock::time_point started;
    {
        const std::lock_guard lock(mutex_);
        started = started_;
    }
    std::string error;
    try {
        error = co_await check_();
    } catch (const std::exception& e) {
        error = e.what();
    }
    finish(started, error);
}

void Probe::finish(steady_clock::time_point started, const std::string& error) {
    const std::lock_guard lock(mutex_);
    running_ = false;
    result_.ran = true;
    result_.ok = error.empty();
    result_.latency_ms = ms_between(started, steady_clock::now());
    if (!error.empty()) {
        result_.last_error = error;
        result_.last_error_unix_ms = unix_ms_now();
    }
}

Probe::Result Probe::result() const {
    const std::lock_guard lock(mutex_);
    Result out = result_;
    if (running_ && steady_clock::now() - started_ > deadline_) {
        // Hung: report it now rather than when (if ever) the check ends.
        out.overdue = true;
        out.ok = false;
        out.latency_ms = ms_between(started_, steady_clock::now());
        out.last_error = "no answer within " + std::to_string(deadline_.count()) + " ms";
        out.last_error_unix_ms = unix_ms_now();
    }
    return out;
}

// ---- LoopLag -------------------------------------------------------------------------------

LoopLag::LoopLag(std::size_t workers) : slots_(workers) {}

void LoopLag::watch(asio::io_context& io, std::size_t index) {
    asio::co_spawn(io, tick(index), asio::detached);
}

awaitable<void> LoopLag::tick(std::size_t index) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    Slot& slot = slots_.at(index);
    for (;;) {
        const auto due = steady_clock::now() + kLagTick;
        slot.due_us.store(steady_us(due), std::memory_order_relaxed);
        timer.expires_at(due);
        const auto [ec] = co_await timer.async_wait(nothrow);
        if (ec) {
            co_return;
        }
        const std::int64_t late = steady_us(steady_clock::now()) - steady_us(due);
        slot.lag_us.store(std::max<std::int64_t>(0, late), std::memory_order_relaxed);
    }
}

std::vector<std::chrono::milliseconds> LoopLag::lags() const {
    const std::int64_t now = steady_us(steady_clock::now());
    std::vector<std::chrono::milliseconds> out;
    out.reserve(slots_.size());
    for (const Slot& slot : slots_) {
        const std::int64_t due = slot.due_us.load(std::memory_order_relaxed);
        const std::int64_t overdue = due > 0 ? now - due : 0;
        const std::int64_t lag = std::max(slot.lag_us.load(std::memory_order_relaxed), overdue);
        out.push_back(std::chrono::milliseconds(std::max<std::int64_t>(0, lag) / 1000));
    }
    return out;
}

// ---- HealthMonitor -------------------------------------------------------------------------

HealthMonitor::HealthMonitor(std::shared_ptr<const HealthState> state, std::size_t workers)
    : state_(std::move(state)), lag_(workers) {}

void HealthMonitor::add_component(std::string name, Reader read, std::vector<Probe*> probes) {
    components_.push_back(Component{std::move(name), std::move(read), std::move(probes)});
}

ComponentReport HealthMonitor::event_loop() const {
    const auto lags = lag_.lags();
    const std::int64_t max_lag = max_lag_ms_.load(std::memory_order_relaxed);
    ComponentReport report;
    json workers = json::array();
    std::int64_t worst = 0;
    for (const auto lag : lags) {
        workers.push_back(lag.count());
        worst = std::max<std::int64_t>(worst, lag.count());
    }
    report.latency_ms = static_cast<double>(worst);
    report.details = {{"lag_ms", std::move(workers)}, {"max_lag_ms", max_lag}};
    const std::lock_guard lock(loop_error_mutex_);
    if (worst >= max_lag) {
        report.status = ComponentStatus::kDown;
        loop_error_ = "event loop lag " + std::to_string(worst) + " ms";
        loop_error_unix_ms_ = unix_ms_now();
    }
    report.last_error = loop_error_;
    report.last_error_unix_ms = loop_error_unix_ms_;
    return report;
}

HealthReport HealthMonitor::check(const asio::any_io_executor& executor) const {
    json components = json::object();
    bool degraded = false;
    for (const Component& component : components_) {
        for (Probe* probe : component.probes) {
            probe->refresh_if_due(executor);
        }
        const ComponentReport report = component.read();
        degraded = degraded || report.status == ComponentStatus::kDegraded ||
                   report.status == ComponentStatus::kDown;
        components[component.name] = report_json(report);
    }
    const ComponentReport loop = event_loop();
    components["event_loop"] = report_json(loop);
    const bool draining = state_->draining.load(std::memory_order_relaxed);
    HealthReport out;
    out.serving = !draining && loop.status == ComponentStatus::kOk;
    out.status = !out.serving ? "unhealthy" : degraded ? "degraded" : "healthy";
    const auto uptime =
        std::chrono::duration_cast<std::chrono::seconds>(steady_clock::now() - state_->started);
    out.body = {
        {"status", out.status},
        {"version", kVersion},
        {"uptime_s", uptime.count()},
        {"draining", draining},
        {"components", std::move(components)}};
    return out;
}

awaitable<http::Response> HealthDetailedHandler::operator()(http::RequestContext& ctx) const {
    const HealthReport report = monitor_->check(co_await asio::this_coro::executor);
    http::Response response = http::json_response(
        report.serving ? http::Status::ok : http::Status::service_unavailable,
        report.body.dump(-1, ' ', false, json::error_handler_t::replace),
        ctx.request.version()
    );
    response.set(boost::beast::http::field::cache_control, "no-store");
    co_return response;
}

// ---- tcp_connect_check ---------------------------------------------------------------------

awaitable<std::string> tcp_connect_check(std::string url, std::chrono::milliseconds deadline) {
    using namespace asio::experimental::awaitable_operators;
    const auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        co_return "invalid URL";
    }
    const std::string host = parsed->host_type() == boost::urls::host_type::ipv6
                                 ? parsed->host_address()
                                 : std::string(parsed->host());
    std::string port = parsed->port();
    if (port.empty()) {
        port = parsed->scheme() == "https" ? "443" : "80";
    }
    const auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(executor);
    asio::ip::tcp::socket socket(executor);
    asio::steady_timer timer(executor, deadline);
    auto outcome = co_await (connect_to(resolver, socket, host, port) || timer.async_wait(nothrow));
    if (outcome.index() == 1) {
        co_return "no connection to " + host + ":" + port + " within " +
            std::to_string(deadline.count()) + " ms";
    }
    co_return std::get<0>(std::move(outcome));
}

}  // namespace scout::monitoring
