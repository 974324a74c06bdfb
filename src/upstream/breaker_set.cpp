#include <scout/upstream/breaker_set.hpp>
#include <scout/upstream/request.hpp>

namespace scout::upstream {

BreakerSet::BreakerSet(CircuitBreaker::Settings settings, const Clock& clock, Listener listener) {
    breakers_.reserve(kKnownMethods.size());
    for (const std::string_view method : kKnownMethods) {
        CircuitBreaker::Listener notify;
        if (listener) {
            notify = [listener, method](CircuitBreaker::State from, CircuitBreaker::State to) {
                listener(method, from, to);
            };
        }
        breakers_.push_back(std::make_unique<CircuitBreaker>(settings, clock, std::move(notify)));
    }
}

CircuitBreaker& BreakerSet::for_method(std::string_view method) {
    return *breakers_[method_index(method)];
}

void BreakerSet::add_state_collector(monitoring::Registry& registry) const {
    registry.add_collector([this](std::vector<monitoring::FamilySnapshot>& out) {
        monitoring::FamilySnapshot family{
            "scout_circuit_breaker_state",
            "Circuit breaker state per upstream method: 0 closed, 1 open, 2 half-open",
            monitoring::MetricType::kGauge,
            {"method"},
            {}};
        for (std::size_t i = 0; i < breakers_.size(); ++i) {
            family.samples.push_back(
                {{std::string(method_label(kKnownMethods[i]))},
                 static_cast<double>(breakers_[i]->state()),
                 {}}
            );
        }
        out.push_back(std::move(family));
    });
}

}  // namespace scout::upstream
