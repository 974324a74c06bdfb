#include <scout/http/request_id.hpp>
#include <scout/middleware/request_id.hpp>

namespace scout::middleware {

awaitable<http::Response> RequestId::operator()(http::RequestContext& ctx, http::Next next) const {
    const auto incoming = ctx.request["X-Request-ID"];
    ctx.request_id_from_client = http::is_acceptable_request_id(incoming);
    ctx.request_id = ctx.request_id_from_client ? std::string(incoming) : http::mint_request_id();
    http::Response response = co_await next(ctx);
    response.set("X-Request-ID", ctx.request_id);
    co_return response;
}

}  // namespace scout::middleware
