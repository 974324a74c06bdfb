// HTTP glue of the search API: GET /search and POST /api/products/smart-search (the older
// Python service's endpoint, same pipeline and response). Parses parameters (400 naming the
// parameter), runs the worker's SearchService and writes the cached representation: ETag
// and If-None-Match (304), gzip when accepted, X-Cache, Cache-Control, Vary.
// One per worker; not thread-safe.
#pragma once

#include <scout/http/pipeline.hpp>
#include <scout/search/service.hpp>
#include <scout/upstream/errors.hpp>

#include <memory>

namespace scout::app {

class SearchHandler {
public:
    enum class Input { kQueryString, kJsonBody };

    SearchHandler(
        std::shared_ptr<search::SearchService> service,
        search::RequestDefaults defaults,
        Input input
    )
        : service_(std::move(service)), defaults_(std::move(defaults)), input_(input) {}

    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    std::shared_ptr<search::SearchService> service_;
    search::RequestDefaults defaults_;
    Input input_;
};

// The client-facing answer to a failed upstream call: 503 (+ Retry-After) while the breaker
// is open or the upstream rate-limits us, 504 on timeouts, 502 otherwise.
http::Response upstream_error_response(
    const upstream::UpstreamError& error, const http::RequestContext& ctx
);

// Whether an Accept-Encoding header value accepts gzip (a "gzip" or "*" token, q > 0).
bool accepts_gzip(std::string_view accept_encoding);

// Whether an If-None-Match header value matches `etag` (weak comparison, "*" matches).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace scout::app
