#include <scout/http/pipeline.hpp>
#include <scout/http/response.hpp>

#include <boost/beast/http/field.hpp>

namespace scout::http {

awaitable<Response> Next::operator()(RequestContext& ctx) const {
    return pipeline_->run(index_, ctx);
}

namespace {

// The origin-form part of an absolute-form target: what follows "scheme://authority" (empty
// when nothing does, or "?query" when there is no path). Other targets are returned as is.
std::string_view origin_form(std::string_view target) {
    if (target.empty() || target.front() == '/') {
        return target;
    }
    const auto scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) {
        return target;
    }
    const auto path_start = target.find_first_of("/?", scheme_end + 3);
    return path_start == std::string_view::npos ? std::string_view{} : target.substr(path_start);
}

// The response-phase link: one frame for every hook.
awaitable<Response> response_phase(RequestContext& ctx, Next next) {
    Response response = co_await next(ctx);
    next.pipeline().respond(ctx, response);
    co_return response;
}

}  // namespace

void Pipeline::use_response_phase() {
    chain_.emplace_back(response_phase);
}

void Pipeline::respond(const RequestContext& ctx, Response& response) const {
    for (const auto& hook : hooks_) {
        hook(ctx, response);
    }
}

void split_target(std::string_view target, std::string_view& path, std::string_view& query) {
    target = origin_form(target);
    const auto mark = target.find('?');
    path = target.substr(0, mark);
    if (path.empty()) {
        path = "/";  // "http://host" and "http://host?q" name the root
    }
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
