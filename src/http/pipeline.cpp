#include <scout/http/pipeline.hpp>
#include <scout/http/response.hpp>

#include <boost/beast/http/field.hpp>

namespace scout::http {

awaitable<Response> Next::operator()(RequestContext& ctx) const {
    return pipeline_->run(index_, ctx);
}

void split_target(std::string_view target, std::string_view& path, std::string_view& query) {
    const auto mark = target.find('?');
    path = target.substr(0, mark);
    query = mark == std::string_view::npos ? std::string_view{} : target.substr(mark + 1);
}

awaitable<Response> Pipeline::handle(RequestContext& ctx) const {
    split_target(ctx.request.target(), ctx.path, ctx.query);
    router_.match(ctx.request.method(), ctx.path, ctx);
    return run(0, ctx);
}

awaitable<Response> Pipeline::run(std::size_t index, RequestContext& ctx) const {
    if (index < chain_.size()) {
        return chain_[index](ctx, Next{*this, index + 1});
    }
    return dispatch(ctx);
}

awaitable<Response> Pipeline::dispatch(RequestContext& ctx) const {
    switch (ctx.route_outcome) {
        case RouteOutcome::kFound:
            co_return co_await ctx.route->handler(ctx);
        case RouteOutcome::kMethodNotAllowed: {
            Response response = error_response(
                Status::method_not_allowed,
                "method_not_allowed",
                "method " + std::string(ctx.request.method_string()) + " is not allowed on " +
                    std::string(ctx.path) + "; allowed: " + ctx.allow,
                ctx.request_id,
                ctx.request.version()
            );
            response.set(boost::beast::http::field::allow, ctx.allow);
            co_return response;
        }
        case RouteOutcome::kNotFound:
            break;
    }
    co_return error_response(
        Status::not_found,
        "not_found",
        "no route for " + std::string(ctx.path),
        ctx.request_id,
        ctx.request.version()
    );
}

}  // namespace scout::http
