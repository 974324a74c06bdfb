// access_log middleware: one structured log line per request (method, path, route, status,
// bytes, duration_ms, request_id, client). Stateless apart from its logger; one per worker.
#pragma once

#include <scout/http/pipeline.hpp>
#include <scout/log/log.hpp>

namespace scout::middleware {

class AccessLog {
public:
    AccessLog();
    awaitable<http::Response> operator()(http::RequestContext& ctx, http::Next next) const;

private:
    log::Logger logger_;
};

}  // namespace scout::middleware
