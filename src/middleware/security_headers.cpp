#include <scout/http/router.hpp>
#include <scout/middleware/security_headers.hpp>

#include <boost/beast/http/field.hpp>

namespace scout::middleware {

void SecurityHeaders::operator()(const http::RequestContext& ctx, http::Response& response) const {
    namespace field = boost::beast::http;
    response.set("X-Content-Type-Options", "nosniff");
    response.set(field::field::server, "scout");
    const bool admin = ctx.route != nullptr && ctx.route->options.admin;
    if (response.result_int() >= 400 || admin || response.count(field::field::cache_control) == 0) {
        response.set(field::field::cache_control, "no-store");
    }
}

}  // namespace scout::middleware
