// request_id middleware: accepts a sane incoming X-Request-ID (1-128 printable characters)
// or mints a random 128-bit hex id, stores it in the context and echoes it on the response;
// takes the trace id of a valid W3C `traceparent` header into the context, so that the
// request's log lines carry it. Stateless; one instance per worker.
#pragma once

#include <scout/http/pipeline.hpp>

#include <string_view>

namespace scout::middleware {

class RequestId {
public:
    awaitable<http::Response> operator()(http::RequestContext& ctx, http::Next next) const;
};

// The trace id (32 lower-case hex) of a W3C Trace Context `traceparent` value
// ("00-<trace-id>-<parent-id>-<flags>"), or empty when the value is not valid (unknown
// version ff, an all-zero id, wrong lengths or characters).
std::string_view traceparent_trace_id(std::string_view traceparent);

}  // namespace scout::middleware
