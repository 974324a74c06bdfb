// GET /health: a liveness answer that touches no dependency. HealthState is shared by all
// workers (atomics only, thread-safe); the handler is a cheap copyable value.
#pragma once

#include <scout/http/pipeline.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace scout::monitoring {

struct HealthState {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<bool> draining{false};
};

class HealthHandler {
public:
    explicit HealthHandler(std::shared_ptr<const HealthState> state) : state_(std::move(state)) {}

    // 200 {"status":"ok","version","uptime_s"}; 503 {"status":"draining",...} while draining.
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    std::shared_ptr<const HealthState> state_;
};

}  // namespace scout::monitoring
