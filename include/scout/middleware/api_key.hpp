// api_key middleware: client API keys (auth.api_keys, auth.required). A request's X-API-Key
// is hashed (SHA-256) and compared in constant time with the configured digests; the key
// itself is never stored, logged or echoed. A valid key sets RequestContext::api_key_id (the
// access log prints it, the rate limiter gives the key its own bucket). With auth.required,
// a product route without a valid key answers 401 with WWW-Authenticate; without it, a wrong
// key still answers 401 (a revoked key must not silently become anonymous) and no key passes.
// Health, admin and metrics routes are never checked. Keys reload on SIGHUP.
#pragma once

#include <scout/config/config.hpp>
#include <scout/http/pipeline.hpp>
#include <scout/middleware/chain.hpp>
#include <scout/middleware/published.hpp>
#include <scout/middleware/rate_limiter.hpp>
#include <scout/monitoring/metrics.hpp>

#include <memory>
#include <string_view>
#include <vector>

namespace scout::middleware {

// The keys in force: built once per configuration, then read-only.
struct KeySet {
    struct Key {
        config::ApiKey config;
        ClientKey bucket;  // the key's rate-limit identity (derived from its id)
    };
    bool required = false;
    std::vector<Key> keys;

    explicit KeySet(const config::AuthConfig& auth);

    // The key whose digest is `presented`'s, or nullptr; every digest is compared, each in
    // constant time.
    [[nodiscard]] const Key* find(std::string_view presented) const;
    // The key named `id`, or nullptr.
    [[nodiscard]] const Key* by_id(std::string_view id) const;
};

enum class KeyCheck { kNone, kValid, kMissing, kWrong };

// Process-wide: the published key set and the counters.
class ApiKeyState {
public:
    ApiKeyState(const config::Config& config, monitoring::Registry& metrics);
    explicit ApiKeyState(const ChainContext& context)
        : ApiKeyState(context.config, context.metrics) {}
    void reload(const config::Config& next);

    [[nodiscard]] const Published<KeySet>& keys() const { return keys_; }
    void count(KeyCheck check);

private:
    Published<KeySet> keys_;
    monitoring::Counter& valid_;
    monitoring::Counter& missing_;
    monitoring::Counter& wrong_;
};

class ApiKeyAuth {
public:
    explicit ApiKeyAuth(ApiKeyState& state) : state_(&state), keys_(state.keys()) {}
    awaitable<http::Response> operator()(http::RequestContext& ctx, http::Next next);

    // The decision for an X-API-Key value (empty when absent); `key` set when kValid.
    static KeyCheck check(const KeySet& keys, std::string_view presented, const KeySet::Key*& key);

private:
    ApiKeyState* state_;
    Cached<KeySet> keys_;
};

// Whether a route is one the product protections (API keys, rate limits) apply to: not a
// health probe, admin or metrics route. Unrouted requests (404, 405) count as product ones.
bool is_product_route(const http::RequestContext& ctx);

}  // namespace scout::middleware
