// One circuit breaker per upstream API method: AliExpress limits and fails per API, so a
// failing or banned method (link.generate) must never stop the others (product.query).
// Shared by all workers; thread-safe (the breakers are).
#pragma once

#include <scout/core/clock.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/upstream/circuit_breaker.hpp>

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace scout::upstream {

class BreakerSet {
public:
    // Called after a state change of `method`'s breaker (see CircuitBreaker::Listener).
    using Listener = std::function<
        void(std::string_view method, CircuitBreaker::State from, CircuitBreaker::State to)>;

    // Every breaker reads the same live `settings`; `clock` must outlive the set.
    BreakerSet(CircuitBreaker::Settings settings, const Clock& clock, Listener listener = nullptr);

    // The breaker of `method`. Methods Scout does not call by name share one breaker.
    [[nodiscard]] CircuitBreaker& for_method(std::string_view method);

    // scout_circuit_breaker_state{method} (0 closed, 1 open, 2 half-open), read at scrape
    // time. The set must outlive the registry's snapshots.
    void add_state_collector(monitoring::Registry& registry) const;

private:
    // One per method of request.hpp, then one for any other method.
    std::vector<std::unique_ptr<CircuitBreaker>> breakers_;
};

}  // namespace scout::upstream
