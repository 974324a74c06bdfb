// rate_limit middleware: token buckets per client (rate_limit.per_client, plus a per-minute
// window) and one for the process (rate_limit.global). The client is the API key when the
// api_key middleware accepted one (the key's own rate and burst), else the peer address, or
// the X-Forwarded-For client when the peer is in rate_limit.trusted_proxies. Over a limit:
// 429 rate_limited with Retry-After; every response of a limited route carries RateLimit-Limit,
// RateLimit-Remaining and RateLimit-Reset (draft-ietf-httpapi-ratelimit-headers) for the
// tightest limit. Health, admin and metrics routes are exempt. Every setting reloads on SIGHUP.
//
// RateLimitState is built once per process and shared by the workers, so a client's limit
// holds whichever worker its connections land on; each worker's RateLimit keeps only a cached
// pointer to the live policy.
#pragma once

#include <scout/config/config.hpp>
#include <scout/core/clock.hpp>
#include <scout/http/pipeline.hpp>
#include <scout/middleware/api_key.hpp>
#include <scout/middleware/chain.hpp>
#include <scout/middleware/client_address.hpp>
#include <scout/middleware/published.hpp>
#include <scout/middleware/rate_limiter.hpp>
#include <scout/monitoring/metrics.hpp>

namespace scout::middleware {

// The limits in force, built once per configuration.
struct RateLimitPolicy {
    bool enabled = false;
    ClientLimits per_client;
    Limit global;  // rate 0 = off
    ProxyList trusted_proxies;

    explicit RateLimitPolicy(const config::RateLimitConfig& config);
};

class RateLimitState {
public:
    RateLimitState(
        const config::Config& config,
        monitoring::Registry& metrics,
        const Clock& clock = SteadyClock::instance()
    );
    explicit RateLimitState(const ChainContext& context)
        : RateLimitState(context.config, context.metrics) {}
    void reload(const config::Config& next);

    [[nodiscard]] const Published<RateLimitPolicy>& policy() const { return policy_; }

    // Decides for one request of `client`: its own bucket first (a rejected client does not
    // drain the global bucket), then the global one. Counts the outcome.
    Decision decide(
        const RateLimitPolicy& policy, const ClientKey& client, const ClientLimits& limits
    );

    [[nodiscard]] const ClientLimiter& limiter() const { return limiter_; }

private:
    Published<RateLimitPolicy> policy_;
    const Clock& clock_;
    monitoring::Counter& allowed_;
    monitoring::Counter& limited_client_;
    monitoring::Counter& limited_minute_;
    monitoring::Counter& limited_global_;
    ClientLimiter limiter_;
    GlobalBucket global_;
};

class RateLimit {
public:
    RateLimit(RateLimitState& state, const ApiKeyState& keys)
        : state_(&state), policy_(state.policy()), keys_(keys.keys()) {}
    awaitable<http::Response> operator()(http::RequestContext& ctx, http::Next next);

private:
    struct Client {
        ClientKey key;
        ClientLimits limits;
    };
    // The bucket and the limits of the request's client.
    Client identify(const http::RequestContext& ctx, const RateLimitPolicy& policy);

    RateLimitState* state_;
    Cached<RateLimitPolicy> policy_;
    Cached<KeySet> keys_;
};

// Adds RateLimit-Limit, -Remaining and -Reset (and Retry-After when rejected).
void set_rate_limit_headers(http::Response& response, const Decision& decision);

}  // namespace scout::middleware
