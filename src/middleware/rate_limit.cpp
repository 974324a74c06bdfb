#include <scout/http/response.hpp>
#include <scout/http/router.hpp>
#include <scout/middleware/rate_limit.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <iterator>
#include <string>

namespace scout::middleware {
namespace {

monitoring::Counter& limited_counter(monitoring::Registry& metrics, const std::string& reason) {
    return metrics
        .counter(
            "scout_rate_limit_limited_total",
            "Requests answered 429 by the rate limiter, by the limit they hit",
            {"reason"}
        )
        .with({reason});
}

LimiterMetrics limiter_metrics(monitoring::Registry& metrics) {
    auto& evictions = metrics.counter(
        "scout_rate_limit_evictions_total",
        "Client buckets dropped to stay within rate_limit.max_clients: idle (full) or active",
        {"kind"}
    );
    return {&evictions.with({"idle"}), &evictions.with({"active"})};
}

Nanos nanos(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

void set_number(http::Response& response, std::string_view name, int value) {
    std::array<char, 16> text{};
    const auto end = std::to_chars(text.data(), text.data() + text.size(), value).ptr;
    response.set(name, std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
}

std::string_view reason_text(LimitReason reason) {
    switch (reason) {
        case LimitReason::kMinute:
            return "too many requests this minute from this client";
        case LimitReason::kGlobal:
            return "the service is receiving too many requests";
        default:
            return "too many requests from this client";
    }
}

// A 429 costs one error body, like any other rejection: no handler, no upstream.
http::Response too_many(const http::RequestContext& ctx, const Decision& decision) {
    http::Response response = http::error_response(
        http::Status::too_many_requests,
        "rate_limited",
        std::string(reason_text(decision.rejected_by)) + "; retry after " +
            std::to_string(decision.retry_after_s) + " s",
        ctx.request_id,
        ctx.request.version()
    );
    set_rate_limit_headers(response, decision);
    return response;
}

// X-Forwarded-For as one comma-separated list, however many header lines carried it.
std::string_view forwarded_for(const http::Request& request, std::string& joined) {
    const auto [first, last] = request.equal_range("X-Forwarded-For");
    if (first == last || std::next(first) == last) {
        return first == last ? std::string_view{} : std::string_view(first->value());
    }
    for (auto it = first; it != last; ++it) {
        joined.append(joined.empty() ? "" : ",").append(it->value());
    }
    return joined;
}

}  // namespace

RateLimitPolicy::RateLimitPolicy(const config::RateLimitConfig& config)
    : enabled(config.enabled),
      per_client{
          {config.per_client.rate_per_s, config.per_client.burst}, config.per_client.per_minute},
      global{config.global.burst > 0 ? config.global.rate_per_s : 0.0, config.global.burst},
      trusted_proxies(config.trusted_proxies) {}

RateLimitState::RateLimitState(
    const config::Config& config, monitoring::Registry& metrics, const Clock& clock
)
    : policy_(std::make_shared<const RateLimitPolicy>(config.rate_limit)),
      clock_(clock),
      allowed_(metrics
                   .counter(
                       "scout_rate_limit_allowed_total",
                       "Requests of rate-limited routes that the rate limiter let through"
                   )
                   .with({})),
      limited_client_(limited_counter(metrics, "client")),
      limited_minute_(limited_counter(metrics, "minute")),
      limited_global_(limited_counter(metrics, "global")),
      limiter_(static_cast<std::size_t>(config.rate_limit.max_clients), limiter_metrics(metrics)) {
    metrics.add_collector([this](std::vector<monitoring::FamilySnapshot>& out) {
        out.push_back(
            {"scout_rate_limit_clients",
             "Client buckets the rate limiter holds (at most rate_limit.max_clients)",
             monitoring::MetricType::kGauge,
             {},
             {{{}, static_cast<double>(limiter_.size()), {}}}}
        );
    });
}

void RateLimitState::reload(const config::Config& next) {
    limiter_.set_max_clients(static_cast<std::size_t>(next.rate_limit.max_clients));
    policy_.publish(std::make_shared<const RateLimitPolicy>(next.rate_limit));
}

Decision RateLimitState::decide(
    const RateLimitPolicy& policy, const ClientKey& client, const ClientLimits& limits
) {
    const Nanos now = nanos(clock_.now());
    Decision decision = limiter_.acquire(client, limits, now);
    if (decision.rejected_by == LimitReason::kNone && policy.global.rate_per_s > 0) {
        const BucketVerdict global = global_.acquire(policy.global, now);
        if (!global.allowed) {
            decision.rejected_by = LimitReason::kGlobal;
            decision.retry_after_s = whole_seconds_up(global.retry_after);
            decision.reset_s = std::max(decision.reset_s, decision.retry_after_s);
            decision.remaining = 0;
        }
    }
    switch (decision.rejected_by) {
        case LimitReason::kNone:
            allowed_.inc();
            break;
        case LimitReason::kClient:
            limited_client_.inc();
            break;
        case LimitReason::kMinute:
            limited_minute_.inc();
            break;
        case LimitReason::kGlobal:
            limited_global_.inc();
            break;
    }
    return decision;
}

void set_rate_limit_headers(http::Response& response, const Decision& decision) {
    set_number(response, "RateLimit-Limit", decision.limit);
    set_number(response, "RateLimit-Remaining", decision.remaining);
    set_number(response, "RateLimit-Reset", decision.reset_s);
    if (decision.rejected_by != LimitReason::kNone) {
        set_number(response, "Retry-After", decision.retry_after_s);
    }
}

RateLimit::Client RateLimit::identify(
    const http::RequestContext& ctx, const RateLimitPolicy& policy
) {
    if (!ctx.api_key_id.empty()) {
        if (const KeySet::Key* key = keys_.get().by_id(ctx.api_key_id)) {
            return {key->bucket, {{key->config.rate_per_s, key->config.burst}, 0}};
        }
    }
    Client client{.limits = policy.per_client};
    const ip::Address peer = parse_peer(ctx.client_address).value_or(ip::Address{});
    client.key.bytes = peer;
    if (policy.trusted_proxies.contains(peer)) {
        std::string joined;
        client.key.bytes = policy.trusted_proxies.client(peer, forwarded_for(ctx.request, joined));
    }
    return client;
}

awaitable<http::Response> RateLimit::operator()(http::RequestContext& ctx, http::Next next) {
    if (!is_product_route(ctx)) {
        co_return co_await next(ctx);
    }
    const RateLimitPolicy& policy = policy_.get();
    if (!policy.enabled) {
        co_return co_await next(ctx);
    }
    const Client client = identify(ctx, policy);
    const Decision decision = state_->decide(policy, client.key, client.limits);
    if (decision.rejected_by != LimitReason::kNone) {
        co_return too_many(ctx, decision);
    }
    http::Response response = co_await next(ctx);
    set_rate_limit_headers(response, decision);
    co_return response;
}

}  // namespace scout::middleware
