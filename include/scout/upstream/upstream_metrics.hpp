// The upstream client's metrics, per API method (kKnownMethods), in the metrics registry:
//   scout_upstream_calls_total{method,outcome}      outcome: ok | transient | permanent |
//                                                   rate_limited (the final error's class)
//   scout_upstream_attempts_total{method,result}    every HTTP attempt: ok or its error class
//   scout_upstream_retries_total{method}
//   scout_upstream_rejections_total{method,reason}  circuit_open | deadline (no attempt made)
//   scout_upstream_rate_limit_waits_total{method}   waits for an advertised ban inside a call
//   scout_upstream_call_duration_seconds{method}    whole call, retries included
//   scout_upstream_cost_total                       estimated (add_cost_collector)
// Cells are resolved once at construction; shared by every worker's client; thread-safe.
#pragma once

#include <scout/monitoring/metrics.hpp>
#include <scout/upstream/errors.hpp>
#include <scout/upstream/request.hpp>

#include <array>
#include <functional>
#include <string_view>

namespace scout::upstream {

struct MethodMetrics {
    monitoring::Counter* calls_ok = nullptr;
    std::array<monitoring::Counter*, 3> calls_failed{};  // by ErrorClass
    monitoring::Counter* attempts_ok = nullptr;
    std::array<monitoring::Counter*, 3> attempts_failed{};  // by ErrorClass
    monitoring::Counter* retries = nullptr;
    monitoring::Counter* circuit_open = nullptr;
    monitoring::Counter* deadline = nullptr;
    monitoring::Counter* rate_limit_waits = nullptr;
    monitoring::Histogram* duration = nullptr;
};

class UpstreamMetrics {
public:
    explicit UpstreamMetrics(monitoring::Registry& registry);

    [[nodiscard]] const MethodMetrics& for_method(std::string_view method) const {
        return methods_[method_index(method)];
    }

    // scout_upstream_cost_total, read at scrape time: every HTTP attempt (the API bills each
    // request) times the current upstream.cost_per_call. Follows a metrics reset.
    void add_cost_collector(monitoring::Registry& registry, std::function<double()> cost_per_call)
        const;

private:
    std::array<MethodMetrics, kKnownMethods.size()> methods_;
};

// Index of an error class in MethodMetrics' arrays.
constexpr std::size_t class_index(ErrorClass error_class) {
    return static_cast<std::size_t>(error_class);
}

}  // namespace scout::upstream
