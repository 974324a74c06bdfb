// request_id middleware: accepts a sane incoming X-Request-ID (1-128 printable characters)
// or mints a random 128-bit hex id, stores it in the context and echoes it on the response.
// Stateless; one instance per worker.
#pragma once

#include <scout/http/pipeline.hpp>

namespace scout::middleware {

class RequestId {
public:
    awaitable<http::Response> operator()(http::RequestContext& ctx, http::Next next) const;
};

}  // namespace scout::middleware
