// What GET /health/detailed reports: Scout's overall state (healthy, degraded, unhealthy) from
// its components' states, each read from what is already known, never awaited.
//
// - A Probe is a cheap check of a dependency (Redis PING, a TCP connect to the upstream gateway)
//   started in the background at most once per interval, when a health check finds its result
//   older than that; the answer never waits for it. A probe still running past its deadline
//   counts as failed ("no answer"), so a hung dependency shows at once.
// - LoopLag measures each worker's event loop: a timer per worker that should fire every
//   kLagTick; how late it fires (or how overdue it is now) is the lag.
// - Components are readers registered by the composition root (the monitoring area knows
//   nothing of caches or upstreams).
// Shared by all workers; thread-safe. It must outlive the io_contexts it runs on.
#pragma once

#include <scout/core/asio.hpp>
#include <scout/monitoring/health.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace scout::monitoring {

enum class ComponentStatus { kOk, kDegraded, kDown, kDisabled };
std::string_view to_string(ComponentStatus status);

struct ComponentReport {
    ComponentStatus status = ComponentStatus::kOk;
    double latency_ms = -1;  // the last check's duration; < 0 when unknown
    std::string last_error;  // empty: none seen
    std::int64_t last_error_unix_ms = 0;
    nlohmann::json details = nlohmann::json::object();  // component-specific facts
};

// Wall-clock milliseconds since the epoch (for last_error times).
std::int64_t unix_ms_now();

class Probe {
public:
    // Resolves to an empty string on success, else what went wrong. Must end by itself
    // (bounded by its own deadline or the dependency's client timeout).
    using Check = std::function<awaitable<std::string>()>;

    struct Result {
        bool ran = false;      // a check has finished at least once
        bool ok = false;       // the last finished check succeeded
        bool overdue = false;  // a check has been running for longer than the deadline
        double latency_ms = -1;
        std::string last_error;
        std::int64_t last_error_unix_ms = 0;
    };

    Probe(std::chrono::milliseconds interval, std::chrono::milliseconds deadline, Check check);

    // Starts a check on `executor` unless one runs or the last started less than an interval
    // ago. Never waits for it.
    void refresh_if_due(const asio::any_io_executor& executor);
    [[nodiscard]] Result result() const;

private:
    awaitable<void> run_check();
    void finish(std::chrono::steady_clock::time_point started, const std::string& error);

    const std::chrono::milliseconds interval_;
    const std::chrono::milliseconds deadline_;
    const Check check_;
    mutable std::mutex mutex_;
    bool running_ = false;
    std::chrono::steady_clock::time_point started_{};
    Result result_;
};

// Event-loop lag of each worker: how late a periodic timer fires.
class LoopLag {
public:
    static constexpr std::chrono::milliseconds kLagTick{100};

    explicit LoopLag(std::size_t workers);

    // Runs the timer on `io` (worker `index`) until the io_context stops.
    void watch(asio::io_context& io, std::size_t index);
    // Per worker: the larger of the last measured lag and how overdue the next tick is now
    // (a worker stuck in a long call shows its lag before the timer can fire).
    [[nodiscard]] std::vector<std::chrono::milliseconds> lags() const;

private:
    struct alignas(64) Slot {
        std::atomic<std::int64_t> lag_us{0};
        std::atomic<std::int64_t> due_us{0};  // steady time of the next expected tick; 0: none
    };
    awaitable<void> tick(std::size_t index);

    std::vector<Slot> slots_;
};

struct HealthReport {
    std::string_view status;  // "healthy" | "degraded" | "unhealthy"
    bool serving = true;      // false: answer 503 (draining, event loop stuck)
    nlohmann::json body;
};

class HealthMonitor {
public:
    using Reader = std::function<ComponentReport()>;

    HealthMonitor(std::shared_ptr<const HealthState> state, std::size_t workers);

    // Event-loop lag at or above this makes Scout unhealthy (monitoring.max_event_loop_lag_ms).
    void set_max_loop_lag(std::chrono::milliseconds lag) {
        max_lag_ms_.store(lag.count(), std::memory_order_relaxed);
    }
    [[nodiscard]] LoopLag& loop_lag() { return lag_; }

    // A component read on every check; its probes (may be none) are refreshed when due. A
    // component degraded or down makes Scout degraded, not unhealthy: it still serves.
    void add_component(std::string name, Reader read, std::vector<Probe*> probes = {});

    // The report, from known state only; refreshes due probes on `executor` in the background.
    [[nodiscard]] HealthReport check(const asio::any_io_executor& executor) const;

private:
    struct Component {
        std::string name;
        Reader read;
        std::vector<Probe*> probes;
    };
    [[nodiscard]] ComponentReport event_loop() const;

    std::shared_ptr<const HealthState> state_;
    LoopLag lag_;
    std::atomic<std::int64_t> max_lag_ms_{1000};
    std::vector<Component> components_;  // set up before the server starts, read-only after
    mutable std::mutex loop_error_mutex_;
    mutable std::string loop_error_;  // the last lag over the threshold a check saw
    mutable std::int64_t loop_error_unix_ms_ = 0;
};

// GET /health/detailed: 200 for healthy and degraded, 503 for unhealthy.
class HealthDetailedHandler {
public:
    explicit HealthDetailedHandler(std::shared_ptr<const HealthMonitor> monitor)
        : monitor_(std::move(monitor)) {}
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    std::shared_ptr<const HealthMonitor> monitor_;
};

// A probe check: a TCP connect to `url`'s host and port (http 80, https 443 by default),
// bounded by `deadline`; no request is sent. An empty string on success.
awaitable<std::string> tcp_connect_check(std::string url, std::chrono::milliseconds deadline);

}  // namespace scout::monitoring
