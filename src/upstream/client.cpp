#include <scout/log/log.hpp>
#include <scout/log/throttle.hpp>
#include <scout/upstream/backoff.hpp>
#include <scout/upstream/client.hpp>
#include <scout/upstream/signer.hpp>

#include <algorithm>
#include <random>

namespace scout::upstream {
namespace {

const log::Logger& logger() {
    static const log::Logger instance("upstream");
    return instance;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

// Maps one HTTP exchange onto the envelope result or a classified error.
Result<nlohmann::json> to_outcome(std::string_view method, HttpResult& http) {
    switch (http.outcome) {
        case TransferOutcome::kOk:
            return unwrap(method, static_cast<int>(http.status), http.body, http.retry_after);
        case TransferOutcome::kTimeout:
            return make_upstream_error(upstream_errc::kTimeout, http.error);
        case TransferOutcome::kTooLarge:
            return make_upstream_error(
                upstream_errc::kBadResponse, "response too large: " + http.error
            );
        case TransferOutcome::kCancelled:
            return make_upstream_error(upstream_errc::kCancelled, http.error);
        case TransferOutcome::kLocalLimit:
            return make_upstream_error(upstream_errc::kLocalLimit, http.error);
        case TransferOutcome::kTransport:
            break;
    }
    return make_upstream_error(upstream_errc::kTransport, http.error);
}

std::string params_json(const Params& params) {
    std::string out = "{";
    for (const auto& [key, value] : redact_for_log(params)) {
        if (out.size() > 1) {
            out += ',';
        }
        log::append_json_string(out, key);
        out += ':';
        log::append_json_string(out, value);
    }
    out += '}';
    return out;
}

// An advertised ban is trusted only up to max_ban_s: after that the breaker probes.
std::chrono::milliseconds trusted_ban(
    const config::UpstreamConfig& cfg, const UpstreamError& error
) {
    const std::chrono::milliseconds max_ban = std::chrono::seconds(std::max(cfg.max_ban_s, 1));
    return std::clamp(error.retry_after, kMinRetryAfter, max_ban);
}

std::mt19937_64& jitter_rng() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return rng;
}

// Tells the breaker what a failed attempt says about the upstream.
void report_failure(
    CircuitBreaker& breaker, CircuitBreaker::Permit permit, const UpstreamError& error
) {
    if (error.error_class == ErrorClass::kPermanent && error.code != upstream_errc::kCancelled) {
        breaker.on_success(permit);  // the upstream answered; it is healthy, we are wrong
    } else if (counts_as_breaker_failure(error)) {
        breaker.on_failure(permit);
    } else {
        breaker.release(permit);  // cancelled, or never sent: no verdict
    }
}

// One signed HTTP attempt of `method`, ending at the attempt timeout or `deadline`.
HttpRequest attempt_request(
    const config::UpstreamConfig& cfg,
    std::string_view method,
    const Params& business,
    Clock::time_point now,
    Clock::time_point deadline
) {
    const Credentials credentials{cfg.app_key, cfg.app_secret};
    const auto sign_method = parse_sign_method(cfg.sign_method).value_or(SignMethod::kSha256);
    // Re-signed per attempt: the timestamp must be fresh.
    const Params params =
        build_request(method, business, credentials, sign_method, std::chrono::system_clock::now());
    HttpRequest request;
    request.url = cfg.gateway_url;
    request.body = form_encode(params);
    request.deadline = std::min(now + std::chrono::milliseconds(cfg.attempt_timeout_ms), deadline);
    request.connect_timeout = std::chrono::milliseconds(cfg.connect_timeout_ms);
    return request;
}

// Logged once per failed logical call, with everything needed to act on it.
void log_failure(
    std::string_view method,
    const Params& business,
    const CallOptions& options,
    const UpstreamError& last,
    double elapsed_ms
) {
    logger().log(
        last.error_class == ErrorClass::kPermanent ? log::Level::kError : log::Level::kWarn,
        "upstream call failed",
        {{"request_id", options.request_id},
         {"method", method},
         {"params", log::RawJson{params_json(business)}},
         {"class", to_string(last.error_class)},
         {"kind", last.code.message()},
         {"code", last.api_code},
         {"sub_code", last.sub_code},
         {"msg", last.message},
         {"sub_msg", last.sub_message},
         {"http_status", last.http_status},
         {"upstream_request_id", last.upstream_request_id},
         {"attempts", last.attempts},
         {"elapsed_ms", elapsed_ms}}
    );
}

// upstream.retry.max_attempts, lowered by the caller (the retry_logic feature flag).
int attempt_limit(const config::UpstreamConfig& cfg, const CallOptions& options) {
    const int setting = cfg.retry.max_attempts;
    return options.max_attempts > 0 ? std::min(options.max_attempts, setting) : setting;
}

UpstreamError open_breaker_error(const CircuitBreaker& breaker) {
    UpstreamError error = make_upstream_error(upstream_errc::kCircuitOpen, "circuit breaker open");
    error.retry_after = breaker.retry_after();
    return error;
}

// While a breaker is open every call fails the same way: one line per method and interval,
// with the number held back (the state change itself is logged by the breaker's listener).
void log_circuit_open(
    std::string_view method, std::string_view request_id, const UpstreamError& last
) {
    static std::array<log::Throttle, kKnownMethods.size()> throttles;
    const auto suppressed = throttles[method_index(method)].allow();
    if (!suppressed) {
        return;
    }
    logger().warn(
        "upstream call refused: circuit breaker open",
        {{"request_id", request_id},
         {"method", method},
         {"retry_after_ms", last.retry_after.count()},
         {"suppressed", *suppressed}}
    );
}

}  // namespace

AliExpressClient::AliExpressClient(
    CurlMulti& http,
    BreakerSet& breakers,
    OutboundQuota& quota,
    const UpstreamMetrics& metrics,
    ConfigSource config,
    const Clock& clock
)
    : http_(http),
      breakers_(breakers),
      quota_(quota),
      metrics_(metrics),
      config_(std::move(config)),
      clock_(clock) {}

std::optional<std::chrono::milliseconds> AliExpressClient::retry_wait(
    const config::UpstreamConfig& cfg,
    CircuitBreaker& breaker,
    UpstreamError& last,
    Clock::time_point deadline
) {
    const auto now = clock_.now();
    if (last.error_class != ErrorClass::kRateLimited) {
        const auto wait = Backoff(cfg.retry).delay(last.attempts - 1, jitter_rng());
        return now + wait < deadline ? std::optional(wait) : std::nullopt;
    }
    const auto wait = trusted_ban(cfg, last);
    last.retry_after = wait;
    if (now + wait >= deadline) {
        // The ban outlasts what the caller can wait: stop asking until it is over.
        breaker.trip_for(wait);
        return std::nullopt;
    }
    return wait;
}

std::optional<UpstreamError> AliExpressClient::refusal(
    std::string_view method, std::string_view request_id
) {
    CircuitBreaker& breaker = breakers_.for_method(method);
    if (!breaker.refuses_now()) {
        return std::nullopt;
    }
    UpstreamError error = open_breaker_error(breaker);
    const MethodMetrics& metrics = metrics_.for_method(method);
    metrics.circuit_open->inc();
    metrics.calls_failed[class_index(error.error_class)]->inc();
    log_circuit_open(method, request_id, error);
    return error;
}

awaitable<Result<nlohmann::json>> AliExpressClient::call(
    std::string_view method, Params business, CallOptions options
) {
    const std::shared_ptr<const config::Config> snapshot = config_();
    const config::UpstreamConfig& cfg = snapshot->upstream;
    CircuitBreaker& breaker = breakers_.for_method(method);
    const MethodMetrics& metrics = metrics_.for_method(method);
    const auto started = clock_.now();
    const auto deadline =
        options.deadline.value_or(started + std::chrono::milliseconds(cfg.request_timeout_ms));
    asio::steady_timer pause(co_await asio::this_coro::executor);

    UpstreamError last;
    int attempts = 0;
    for (;;) {
        if (clock_.now() >= deadline) {
            last = make_upstream_error(
                upstream_errc::kDeadlineExceeded, "deadline passed before the next attempt"
            );
            metrics.deadline->inc();
            break;
        }
        const auto permit = breaker.try_acquire();
        if (!permit) {
            last = open_breaker_error(breaker);
            metrics.circuit_open->inc();
            break;
        }
        // Every attempt is a call the gateway counts: each one takes a quota slot.
        if (auto refused = co_await quota_.acquire(cfg.quota, deadline)) {
            breaker.release(*permit);
            last = std::move(*refused);
            break;
        }
        ++attempts;
        HttpResult http =
            co_await http_.perform(attempt_request(cfg, method, business, clock_.now(), deadline));
        Result<nlohmann::json> outcome = to_outcome(method, http);
        if (outcome) {
            breaker.on_success(*permit);
            metrics.attempts_ok->inc();
            metrics.calls_ok->inc();
            metrics.duration->observe(seconds_between(started, clock_.now()));
            if (attempts > 1) {
                logger().info(
                    "upstream call succeeded after retries",
                    {{"request_id", options.request_id}, {"method", method}, {"attempts", attempts}}
                );
            }
            co_return std::move(*outcome);
        }
        last = std::move(outcome.error());
        last.attempts = attempts;
        metrics.attempts_failed[class_index(last.error_class)]->inc();
        report_failure(breaker, *permit, last);
        if (last.error_class == ErrorClass::kRateLimited && is_app_wide_ban(last)) {
            // The ban is the app key's: every call of every instance waits it out.
            co_await quota_.pause_for(trusted_ban(cfg, last));
        }
        if (last.code == upstream_errc::kCancelled ||
            attempts >= max_attempts_for(last, attempt_limit(cfg, options))) {
            break;
        }
        const auto wait = retry_wait(cfg, breaker, last, deadline);
        if (!wait) {
            break;
        }
        metrics.retries->inc();
        if (last.error_class == ErrorClass::kRateLimited) {
            metrics.rate_limit_waits->inc();
        }
        logger().debug(
            "retrying upstream call",
            {{"request_id", options.request_id},
             {"method", method},
             {"attempt", attempts},
             {"class", to_string(last.error_class)},
             {"error", last.detail()},
             {"wait_ms", wait->count()}}
        );
        pause.expires_after(*wait);
        co_await pause.async_wait(nothrow);
    }

    last.attempts = attempts;
    metrics.calls_failed[class_index(last.error_class)]->inc();
    metrics.duration->observe(seconds_between(started, clock_.now()));
    if (last.code == upstream_errc::kCircuitOpen) {
        log_circuit_open(method, options.request_id, last);
    } else {
        log_failure(
            method,
            business,
            options,
            last,
            std::chrono::duration<double, std::milli>(clock_.now() - started).count()
        );
    }
    co_return last;
}

namespace {

// One logical call whose envelope `result` is turned into T by `parse`.
template <typename T>
awaitable<Result<T>> call_parsed(
    AliExpressClient& client,
    std::string_view method,
    Params params,
    CallOptions options,
    T (*parse)(const nlohmann::json&)
) {
    auto result = co_await client.call(method, std::move(params), std::move(options));
    if (!result) {
        co_return result.error();
    }
    co_return parse(*result);
}

}  // namespace

awaitable<Result<ProductPage>> AliExpressClient::query_products(
    ProductQuery query, CallOptions options
) {
    return call_parsed(
        *this, kProductQuery, to_params(query), std::move(options), &parse_product_page
    );
}

awaitable<Result<std::vector<PromotionLink>>> AliExpressClient::generate_links(
    LinkGenerate request, CallOptions options
) {
    return call_parsed(
        *this, kLinkGenerate, to_params(request), std::move(options), &parse_promotion_links
    );
}

awaitable<Result<ProductPage>> AliExpressClient::product_details(
    ProductDetail request, CallOptions options
) {
    return call_parsed(
        *this, kProductDetailGet, to_params(request), std::move(options), &parse_product_detail
    );
}

awaitable<Result<std::vector<Category>>> AliExpressClient::categories(CallOptions options) {
    return call_parsed(
        *this, kCategoryGet, to_params(CategoryGet{}), std::move(options), &parse_categories
    );
}

}  // namespace scout::upstream
