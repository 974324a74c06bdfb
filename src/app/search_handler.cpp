#include "app/search_handler.hpp"

#include <scout/http/request_id.hpp>
#include <scout/http/response.hpp>

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace scout::app {
namespace {

namespace field = boost::beast::http;

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// The gzip representation gets its own strong validator, derived from the identity one.
std::string gzip_etag(std::string_view etag) {
    if (etag.size() >= 2 && etag.back() == '"') {
        return std::string(etag.substr(0, etag.size() - 1)) + "-gz\"";
    }
    return std::string(etag) + "-gz";
}

// The same into `buffer` when it fits, else into `fallback`.
std::string_view gzip_etag(std::string_view etag, std::span<char> buffer, std::string& fallback) {
    if (etag.size() + 3 > buffer.size()) {
        fallback = gzip_etag(etag);
        return fallback;
    }
    const bool quoted = etag.size() >= 2 && etag.back() == '"';
    const std::string_view stem = quoted ? etag.substr(0, etag.size() - 1) : etag;
    const std::string_view suffix = quoted ? "-gz\"" : "-gz";
    std::copy(stem.begin(), stem.end(), buffer.begin());
    std::copy(
        suffix.begin(), suffix.end(), buffer.begin() + static_cast<std::ptrdiff_t>(stem.size())
    );
    return {buffer.data(), stem.size() + suffix.size()};
}

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

bool accepts_gzip(std::string_view accept_encoding) {
    std::size_t start = 0;
    while (start <= accept_encoding.size()) {
        const auto comma = std::min(accept_encoding.find(',', start), accept_encoding.size());
        std::string_view item = trim(accept_encoding.substr(start, comma - start));
        start = comma + 1;
        const auto semi = item.find(';');
        const std::string_view coding = trim(item.substr(0, semi));
        if (!iequals(coding, "gzip") && coding != "*") {
            continue;
        }
        if (semi == std::string_view::npos) {
            return true;
        }
        std::string_view param = trim(item.substr(semi + 1));
        if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
            param = trim(param.substr(2));
            // q=0, q=0.0, q=0.000 refuse; anything else accepts.
            const bool zero = !param.empty() && param[0] == '0' &&
                              param.find_first_not_of("0.", 0) == std::string_view::npos;
            return !zero;
        }
        return true;
    }
    return false;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (trim(if_none_match) == "*") {
        return true;
    }
    std::size_t start = 0;
    while (start <= if_none_match.size()) {
        const auto comma = std::min(if_none_match.find(',', start), if_none_match.size());
        std::string_view candidate = trim(if_none_match.substr(start, comma - start));
        start = comma + 1;
        if (candidate.starts_with("W/")) {
            candidate.remove_prefix(2);
        }
        if (!candidate.empty() && candidate == etag) {
            return true;
        }
    }
    return false;
}

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

awaitable<http::Response> SearchHandler::operator()(http::RequestContext& ctx) const {
    // The cache-hit fast path is plain function calls; the full search lives in another
    // coroutine so that this frame stays small (a frame over ~1 KB is a malloc per request,
    // which also makes glibc consolidate its fast bins every time).
    if (std::optional<http::Response> hit = answer_from_cache(ctx)) {
        co_return std::move(*hit);
    }
    co_return co_await search(ctx);
}

std::optional<http::Response> SearchHandler::answer_from_cache(const http::RequestContext& ctx
) const {
    // A URL seen before whose page is fresh in L1: no parsing, no key, no suspension.
    if (input_ != Input::kQueryString) {
        return std::nullopt;
    }
    const std::string* key = hot_keys_->find(ctx.query);
    if (key == nullptr) {
        return std::nullopt;
    }
    std::optional<search::SearchResult> hit = service_->search_cached(*key);
    if (!hit) {
        return std::nullopt;
    }
    return respond(ctx, *hit);
}

awaitable<http::Response> SearchHandler::search(http::RequestContext& ctx) const {
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
    search::SearchResult result =
        co_await service_->search(std::move(request), std::move(request_id), std::move(page_id));
    if (input_ == Input::kQueryString && result.response) {
        hot_keys_->remember(ctx.query, result.key);
    }
    co_return respond(ctx, result);
}

http::Response SearchHandler::respond(
    const http::RequestContext& ctx, const search::SearchResult& result
) const {
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

    // Runs on every cache hit: the validators and Cache-Control are formatted on the stack and
    // the fields inserted (the response is new, nothing to replace).
    const cache::CachedResponse& cached = *result.response;
    const bool gzip = cached.gzip_body && accepts_gzip(ctx.request[field::field::accept_encoding]);
    std::array<char, 128> etag_buffer{};
    std::string gzip_etag_fallback;  // only for an ETag too long for the buffer
    std::string_view etag = cached.etag;
    if (gzip) {
        etag = gzip_etag(cached.etag, etag_buffer, gzip_etag_fallback);
    }
    const std::string_view x_cache = result.cache == search::SearchResult::CacheState::kHit ? "HIT"
                                     : result.cache == search::SearchResult::CacheState::kStale
                                         ? "STALE"
                                         : "MISS";
    std::array<char, 48> cache_control_buffer{};
    std::string_view cache_control = "no-cache";
    if (result.cache != search::SearchResult::CacheState::kStale) {
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(
            cached.expires_at - std::chrono::system_clock::now()
        );
        cache_control = max_age(std::max<std::int64_t>(0, left.count()), cache_control_buffer);
    }

    http::Response response{http::Status::ok, ctx.request.version()};
    const auto if_none_match = ctx.request[field::field::if_none_match];
    if (!if_none_match.empty() && (etag_matches(if_none_match, cached.etag) ||
                                   etag_matches(if_none_match, gzip_etag(cached.etag)))) {
        response.result(http::Status::not_modified);
    } else {
        response.insert(field::field::content_type, cached.content_type);
        if (gzip) {
            response.insert(field::field::content_encoding, "gzip");
            response.body() = cached.gzip_body;
        } else {
            response.body() = cached.body;
        }
    }
    response.insert(field::field::etag, etag);
    response.insert(field::field::vary, "Accept-Encoding");
    response.insert(field::field::cache_control, cache_control);
    response.insert("X-Cache", x_cache);
    // "unavailable": Redis is configured but down; this instance serves memory-only.
    response.insert("X-Cache-L2", result.l2);
    return response;
}

}  // namespace scout::app
