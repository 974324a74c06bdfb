// GET /search?q= — the minimal end-to-end path until the search pipeline lands: validates q,
// calls product.query through the resilient client and returns the parsed products.
// One per worker (holds that worker's ProductSource); not thread-safe.
#pragma once

#include <scout/config/config.hpp>
#include <scout/http/pipeline.hpp>
#include <scout/upstream/client.hpp>

#include <functional>
#include <memory>

namespace scout::app {

class SearchHandler {
public:
    using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;

    SearchHandler(std::shared_ptr<upstream::ProductSource> source, ConfigSource config)
        : source_(std::move(source)), config_(std::move(config)) {}

    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    std::shared_ptr<upstream::ProductSource> source_;
    ConfigSource config_;
};

// The client-facing answer to a failed upstream call: 503 (+ Retry-After) while the breaker
// is open or the upstream rate-limits us, 504 on timeouts, 502 otherwise.
http::Response upstream_error_response(
    const upstream::UpstreamError& error, const http::RequestContext& ctx
);

}  // namespace scout::app
