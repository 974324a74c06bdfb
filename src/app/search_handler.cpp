#include "app/search_handler.hpp"

#include <scout/http/response.hpp>

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>

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
    if (error.code == upstream_errc::kCircuitOpen ||
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

awaitable<http::Response> SearchHandler::operator()(http::RequestContext& ctx) const {
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
    search::SearchRequest request = std::move(*parsed);
    search::SearchResult result =
        co_await service_->search(std::move(request), std::move(request_id));
    if (result.bad_request) {
        co_return http::error_response(
            http::Status::bad_request,
            "invalid_parameter",
            result.bad_request->message,
            ctx.request_id,
            ctx.request.version()
        );
    }
    if (!result.response) {
        co_return upstream_error_response(*result.upstream, ctx);
    }

    const cache::CachedResponse& cached = *result.response;
    const bool gzip = cached.gzip_body && accepts_gzip(ctx.request[field::field::accept_encoding]);
    const std::string etag = gzip ? gzip_etag(cached.etag) : cached.etag;
    const std::string_view x_cache = result.cache == search::SearchResult::CacheState::kHit ? "HIT"
                                     : result.cache == search::SearchResult::CacheState::kStale
                                         ? "STALE"
                                         : "MISS";
    std::string cache_control = "no-cache";
    if (result.cache != search::SearchResult::CacheState::kStale) {
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(
            cached.expires_at - std::chrono::system_clock::now()
        );
        cache_control =
            "public, max-age=" + std::to_string(std::max<std::int64_t>(0, left.count()));
    }

    http::Response response{http::Status::ok, ctx.request.version()};
    const auto if_none_match = ctx.request[field::field::if_none_match];
    if (!if_none_match.empty() && (etag_matches(if_none_match, cached.etag) ||
                                   etag_matches(if_none_match, gzip_etag(cached.etag)))) {
        response.result(http::Status::not_modified);
    } else {
        response.set(field::field::content_type, cached.content_type);
        if (gzip) {
            response.set(field::field::content_encoding, "gzip");
            response.body() = cached.gzip_body;
        } else {
            response.body() = cached.body;
        }
    }
    response.set(field::field::etag, etag);
    response.set(field::field::vary, "Accept-Encoding");
    response.set(field::field::cache_control, cache_control);
    response.set("X-Cache", x_cache);
    // "unavailable": Redis is configured but down; this instance serves memory-only.
    response.set("X-Cache-L2", result.l2);
    co_return response;
}

}  // namespace scout::app
