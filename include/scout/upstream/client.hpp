// The AliExpress Affiliate API client: signed calls over CurlMulti with retry (exponential
// backoff + jitter, re-signed per attempt), error classification, a circuit breaker per API
// method, the outbound quota (a slot per attempt; bans pause it) and an overall per-call
// deadline. One client per worker (it uses that worker's CurlMulti); the breakers, the quota
// and the metrics are shared by all workers and thread-safe.
#pragma once

#include <scout/config/config.hpp>
#include <scout/core/asio.hpp>
#include <scout/core/clock.hpp>
#include <scout/upstream/breaker_set.hpp>
#include <scout/upstream/curl_multi.hpp>
#include <scout/upstream/errors.hpp>
#include <scout/upstream/quota.hpp>
#include <scout/upstream/request.hpp>
#include <scout/upstream/response.hpp>
#include <scout/upstream/upstream_metrics.hpp>

#include <boost/system/result.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace scout::upstream {

template <typename T>
using Result = boost::system::result<T, UpstreamError>;

struct CallOptions {
    std::string request_id;  // the Scout request this call serves (for logs)
    // Overall deadline, retries included; default: now + upstream.request_timeout_ms.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    // Caps upstream.retry.max_attempts for this call (1: no retry); 0 = the setting.
    int max_attempts = 0;
};

// The seam the search pipeline depends on (tests drive it with an in-memory fake).
class ProductSource {
public:
    ProductSource() = default;
    ProductSource(const ProductSource&) = delete;
    ProductSource& operator=(const ProductSource&) = delete;
    ProductSource(ProductSource&&) = delete;
    ProductSource& operator=(ProductSource&&) = delete;
    virtual ~ProductSource() = default;

    virtual awaitable<Result<ProductPage>> query_products(
        ProductQuery query, CallOptions options
    ) = 0;
    virtual awaitable<Result<std::vector<PromotionLink>>> generate_links(
        LinkGenerate request, CallOptions options
    ) = 0;
    virtual awaitable<Result<ProductPage>> product_details(
        ProductDetail request, CallOptions options
    ) = 0;
    virtual awaitable<Result<std::vector<Category>>> categories(CallOptions options) = 0;

    // The error a call of `method` would fail with right now without being sent (its circuit
    // breaker is open), so that a caller can skip the work that only leads up to the call.
    virtual std::optional<UpstreamError> refusal(
        std::string_view /*method*/, std::string_view /*request_id*/
    ) {
        return std::nullopt;
    }
};

class AliExpressClient final : public ProductSource {
public:
    using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;

    AliExpressClient(
        CurlMulti& http,
        BreakerSet& breakers,
        OutboundQuota& quota,
        const UpstreamMetrics& metrics,
        ConfigSource config,
        const Clock& clock = SteadyClock::instance()
    );

    awaitable<Result<ProductPage>> query_products(ProductQuery query, CallOptions options) override;
    awaitable<Result<std::vector<PromotionLink>>> generate_links(
        LinkGenerate request, CallOptions options
    ) override;
    awaitable<Result<ProductPage>> product_details(ProductDetail request, CallOptions options)
        override;
    awaitable<Result<std::vector<Category>>> categories(CallOptions options) override;
    std::optional<UpstreamError> refusal(std::string_view method, std::string_view request_id)
        override;

    // One logical call: signs, sends, retries per policy; returns the envelope's `result`.
    awaitable<Result<nlohmann::json>> call(
        std::string_view method, Params business, CallOptions options
    );

private:
    // The pause before the next attempt after `last` failed, or nullopt to give up. A
    // rate-limit ban is capped at upstream.max_ban_s (also in last.retry_after); one longer
    // than the deadline trips the method's breaker instead.
    std::optional<std::chrono::milliseconds> retry_wait(
        const config::UpstreamConfig& cfg,
        CircuitBreaker& breaker,
        UpstreamError& last,
        Clock::time_point deadline
    );

    CurlMulti& http_;
    BreakerSet& breakers_;
    OutboundQuota& quota_;
    const UpstreamMetrics& metrics_;
    ConfigSource config_;
    const Clock& clock_;
};

}  // namespace scout::upstream
