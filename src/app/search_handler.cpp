#include "app/search_handler.hpp"

#include <scout/http/request_id.hpp>
#include <scout/http/response.hpp>

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace scout::app {
namespace {

namespace field = boost::beast::http;

// "public, max-age=<seconds>" formatted into `buffer`.
std::string_view max_age(std::int64_t seconds, std::span<char, 48> buffer) {
    constexpr std::string_view kPrefix = "public, max-age=";
    std::copy(kPrefix.begin(), kPrefix.end(), buffer.begin());
    char* const digits = buffer.data() + kPrefix.size();
    // 16 + at most 20 characters: always fits.
    const std::to_chars_result written =
        std::to_chars(digits, buffer.data() + buffer.size(), seconds);
    return {buffer.data(), static_cast<std::size_t>(written.ptr - buffer.data())};
}

}  // namespace

http::Response upstream_error_response(
    const upstream::UpstreamError& error, const http::RequestContext& ctx
) {
    using upstream::upstream_errc;
    http::Status status = http::Status::bad_gateway;
    std::string_view code = "upstream_error";
    std::string_view message = "the product catalogue upstream failed";
    // Refused before reaching the upstream (breaker, quota) or banned by it: try again later.
    if (error.code == upstream_errc::kCircuitOpen || error.code == upstream_errc::kQuotaExhausted ||
        error.error_class == upstream::ErrorClass::kRateLimited) {
        status = http::Status::service_unavailable;
        code = "upstream_unavailable";
        message = "the product catalogue upstream is temporarily unavailable";
    } else if (error.code == upstream_errc::kTimeout || error.code == upstream_errc::kDeadlineExceeded) {
        status = http::Status::gateway_timeout;
        code = "upstream_timeout";
        message = "the product catalogue upstream did not answer in time";
    }
    http::Response response =
        http::error_response(status, code, message, ctx.request_id, ctx.request.version());
    if (status == http::Status::service_unavailable) {
        const auto seconds = std::max<std::int64_t>(
            1,
            std::chrono::duration_cast<std::chrono::seconds>(
                error.retry_after + std::chrono::milliseconds(999)
            )
                .count()
        );
        response.set(field::field::retry_after, std::to_string(seconds));
    }
    return response;
}

const std::string* HotKeys::find(std::string_view query) const {
    const auto it = keys_.find(query);
    return it == keys_.end() ? nullptr : &it->second;
}

void HotKeys::remember(std::string_view query, const std::string& key) {
    if (query.size() > kMaxQueryBytes || capacity_ == 0 || keys_.contains(query)) {
        return;
    }
    if (keys_.size() >= capacity_) {
        keys_.clear();
    }
    keys_.try_emplace(std::string(query), key);
}

std::string_view client_key(const http::RequestContext& ctx) {
    std::string_view address = ctx.client_address;
    const auto colon = address.rfind(':');
    if (colon != std::string_view::npos && address.find(':') == colon) {
        address = address.substr(0, colon);  // IPv4 "ip:port"
    } else if (address.starts_with('[')) {
        address = address.substr(1, address.find(']') - 1);  // "[v6]:port"
    }
    return address;
}

awaitable<http::Response> SearchHandler::operator()(http::RequestContext& ctx) const {
    // The cache-hit fast path is plain function calls; the full search lives in another
    // coroutine so that this frame stays small (a frame over ~1 KB is a malloc per request,
    // which also makes glibc consolidate its fast bins every time).
    const search::Features features =
        flags_ == nullptr ? search::Features{} : flags_->decide(client_key(ctx));
    if (std::optional<http::Response> hit = answer_from_cache(ctx, features)) {
        co_return std::move(*hit);
    }
    co_return co_await search(ctx, features);
}

std::optional<http::Response> SearchHandler::answer_from_cache(
    http::RequestContext& ctx, search::Features features
) const {
    // A URL seen before whose page is fresh in L1: no parsing, no key, no suspension. L1
    // serves every client, enhanced_caching or not.
    if (input_ != Input::kQueryString) {
        return std::nullopt;
    }
    const std::string* key = (*hot_keys_)[features.page_variant()].find(ctx.query);
    if (key == nullptr) {
        return std::nullopt;
    }
    std::optional<search::SearchResult> hit = service_->search_cached(*key);
    if (!hit) {
        return std::nullopt;
    }
    return respond(ctx, *hit);
}

awaitable<http::Response> SearchHandler::search(
    http::RequestContext& ctx, search::Features features
) const {
    auto parsed = input_ == Input::kQueryString
                      ? search::parse_query_string(ctx.query, defaults_)
                      : search::parse_json_body(ctx.request.body(), defaults_);
    if (!parsed) {
        co_return http::error_response(
            http::Status::bad_request,
            "invalid_parameter",
            parsed.error().message,
            ctx.request_id,
            ctx.request.version()
        );
    }
    std::string request_id = ctx.request_id;
    // Pages are shared: a client's own X-Request-ID stays on its response and in the logs.
    std::string page_id = ctx.request_id_from_client ? http::mint_request_id() : ctx.request_id;
    search::SearchRequest request = std::move(*parsed);
    request.features = features;
    search::SearchResult result =
        co_await service_->search(std::move(request), std::move(request_id), std::move(page_id));
    ctx.timings = result.timings;
    if (input_ == Input::kQueryString && result.response) {
        (*hot_keys_)[features.page_variant()].remember(ctx.query, result.key);
    }
    co_return respond(ctx, result);
}

http::Response SearchHandler::respond(http::RequestContext& ctx, const search::SearchResult& result)
    const {
    if (result.bad_request) {
        return http::error_response(
            http::Status::bad_request,
            "invalid_parameter",
            result.bad_request->message,
            ctx.request_id,
            ctx.request.version()
        );
    }
    if (!result.response) {
        return upstream_error_response(*result.upstream, ctx);
    }

    // Runs on every cache hit: Cache-Control is formatted on the stack and the fields
    // inserted (the response is new, nothing to replace). The ETag and the gzip bytes travel
    // with the response; the conditional and compression middlewares use them.
    const cache::CachedResponse& cached = *result.response;
    const std::string_view x_cache = result.cache == search::SearchResult::CacheState::kHit ? "HIT"
                                     : result.cache == search::SearchResult::CacheState::kStale
                                         ? "STALE"
                                         : "MISS";
    ctx.cache_status = x_cache != "HIT" ? x_cache : result.from_l2 ? "HIT_L2" : "HIT_L1";
    std::array<char, 48> cache_control_buffer{};
    std::string_view cache_control = "no-cache";
    if (result.cache != search::SearchResult::CacheState::kStale) {
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(
            cached.expires_at - std::chrono::system_clock::now()
        );
        cache_control = max_age(std::max<std::int64_t>(0, left.count()), cache_control_buffer);
    }

    http::Response response{http::Status::ok, ctx.request.version()};
    response.insert(field::field::content_type, cached.content_type);
    response.body() = cached.body;
    response.body().set_precompressed_gzip(cached.gzip_body);
    response.insert(field::field::etag, cached.etag);
    response.insert(field::field::cache_control, cache_control);
    response.insert("X-Cache", x_cache);
    // "unavailable": Redis is configured but down; this instance serves memory-only.
    response.insert("X-Cache-L2", result.l2);
    return response;
}

}  // namespace scout::app
