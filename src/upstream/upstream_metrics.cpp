#include <scout/upstream/upstream_metrics.hpp>

#include <string>

namespace scout::upstream {
namespace {

constexpr std::array<ErrorClass, 3> kClasses = {
    ErrorClass::kTransient, ErrorClass::kPermanent, ErrorClass::kRateLimited};

}  // namespace

UpstreamMetrics::UpstreamMetrics(monitoring::Registry& registry) {
    auto& calls = registry.counter(
        "scout_upstream_calls_total", "Upstream calls by method and outcome", {"method", "outcome"}
    );
    auto& attempts = registry.counter(
        "scout_upstream_attempts_total",
        "Upstream HTTP attempts by method and result",
        {"method", "result"}
    );
    auto& retries =
        registry.counter("scout_upstream_retries_total", "Upstream retries by method", {"method"});
    auto& rejections = registry.counter(
        "scout_upstream_rejections_total",
        "Upstream calls refused without an attempt (circuit open, deadline passed)",
        {"method", "reason"}
    );
    auto& waits = registry.counter(
        "scout_upstream_rate_limit_waits_total",
        "Waits for an advertised upstream ban inside a call",
        {"method"}
    );
    auto& duration = registry.histogram(
        "scout_upstream_call_duration_seconds", "Upstream call time, retries included", {"method"}
    );
    for (std::size_t i = 0; i < kKnownMethods.size(); ++i) {
        const std::string method(method_label(kKnownMethods[i]));
        MethodMetrics& m = methods_[i];
        m.calls_ok = &calls.with({method, "ok"});
        m.attempts_ok = &attempts.with({method, "ok"});
        for (const ErrorClass c : kClasses) {
            const std::string name(to_string(c));
            m.calls_failed[class_index(c)] = &calls.with({method, name});
            m.attempts_failed[class_index(c)] = &attempts.with({method, name});
        }
        m.retries = &retries.with({method});
        m.circuit_open = &rejections.with({method, "circuit_open"});
        m.deadline = &rejections.with({method, "deadline"});
        m.rate_limit_waits = &waits.with({method});
        m.duration = &duration.with({method});
    }
}

void UpstreamMetrics::add_cost_collector(
    monitoring::Registry& registry, std::function<double()> cost_per_call
) const {
    registry.add_collector(
        [this, cost = std::move(cost_per_call)](std::vector<monitoring::FamilySnapshot>& out) {
            std::uint64_t attempts = 0;
            for (const MethodMetrics& m : methods_) {
                attempts += m.attempts_ok->value();
                for (const monitoring::Counter* failed : m.attempts_failed) {
                    attempts += failed->value();
                }
            }
            out.push_back(
                {"scout_upstream_cost_total",
                 "Estimated upstream API cost: HTTP attempts times upstream.cost_per_call",
                 monitoring::MetricType::kCounter,
                 {},
                 {{{}, static_cast<double>(attempts) * cost(), {}}}}
            );
        }
    );
}

}  // namespace scout::upstream
