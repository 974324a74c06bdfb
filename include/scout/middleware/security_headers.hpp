// security_headers: on every response, as a response hook (no coroutine frame):
// X-Content-Type-Options: nosniff; Server: scout (no version); Cache-Control: no-store on
// errors, on admin routes and on any response that does not say itself how it may be
// cached (only /search pages do: public, max-age). Stateless.
#pragma once

#include <scout/http/pipeline.hpp>

namespace scout::middleware {

struct SecurityHeaders {
    void operator()(const http::RequestContext& ctx, http::Response& response) const;
};

}  // namespace scout::middleware
