// Assembles the middleware chain of one worker, outermost first (see chain.cpp for why each
// middleware sits where it does). Called once per worker at start-up.
//
// The seam (Envoy's filter config vs filter): a middleware is built from ChainContext - the
// configuration at start-up, the metrics registry, and SharedState, the objects built once
// per process and shared by every worker (buckets, counters, live options) - so that its
// per-request part stays thin. A shared state that has `reload(const config::Config&)` gets
// every configuration SIGHUP applies. Adding a middleware is a file pair in src/middleware/
// and one line in assemble() (docs/extending.md "Add a middleware").
#pragma once

#include <scout/config/config.hpp>
#include <scout/http/pipeline.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/request_journal.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <typeindex>
#include <vector>

namespace scout::middleware {

class SharedState;

struct ChainContext {
    const config::Config& config;  // the configuration the process started with
    monitoring::Registry& metrics;
    monitoring::RequestJournal& journal;
    SharedState& shared;

    // The process-wide `State` (see SharedState::get).
    template <typename State>
    State& shared_state() const;
};

// Process-wide middleware state, keyed by type: the first assembly that asks for a `State`
// builds it as `State(const ChainContext&)`; every later worker gets the same object. If
// `State` has `void reload(const config::Config&)`, reload() calls it after every successful
// SIGHUP, on the control thread while workers use the state: the State makes that safe
// (atomics, or a lock it owns). Owned by the app; outlives every chain. Thread-safe.
class SharedState {
public:
    template <typename State>
    State& get(const ChainContext& context) {
        const std::scoped_lock lock(mutex_);
        for (const Entry& entry : entries_) {
            if (entry.type == typeid(State)) {
                return *static_cast<State*>(entry.state.get());
            }
        }
        auto state = std::make_shared<State>(context);
        std::function<void(const config::Config&)> reload;
        if constexpr (requires(State & s, const config::Config& c) { s.reload(c); }) {
            reload = [raw = state.get()](const config::Config& next) { raw->reload(next); };
        }
        entries_.push_back({typeid(State), state, std::move(reload)});
        return *state;
    }

    // Hands `next` to every state that takes reloads, in creation order.
    void reload(const config::Config& next);

private:
    struct Entry {
        std::type_index type;
        std::shared_ptr<void> state;
        std::function<void(const config::Config&)> reload;  // empty: not reloadable
    };

    std::mutex mutex_;
    std::vector<Entry> entries_;
};

template <typename State>
State& ChainContext::shared_state() const {
    return shared.get<State>(*this);
}

void assemble(http::Pipeline& pipeline, const ChainContext& context);

}  // namespace scout::middleware
