// The middleware chain and router of one worker, built once at start-up and then only read.
// A middleware is a type with `awaitable<Response> operator()(RequestContext&, Next)`:
// request phase before `co_await next(ctx)`, response phase after, short-circuit by
// returning a response. A step that only rewrites the response (headers, encoding) is a
// response hook instead: `void(const RequestContext&, Response&)`, run with plain calls by
// the one response-phase link, so that N such steps cost no coroutine frame each.
// Not thread-safe to build; safe to call concurrently once built.
#pragma once

#include <scout/core/asio.hpp>
#include <scout/http/request_context.hpp>
#include <scout/http/router.hpp>

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace scout::http {

class Pipeline;

// A cheap, non-owning handle to the rest of the chain (one indirect call per link).
class Next {
public:
    Next(const Pipeline& pipeline, std::size_t index) : pipeline_(&pipeline), index_(index) {}
    awaitable<Response> operator()(RequestContext& ctx) const;
    [[nodiscard]] const Pipeline& pipeline() const { return *pipeline_; }

private:
    const Pipeline* pipeline_;
    std::size_t index_;
};

template <typename H>
concept ResponseHook = requires(const H& h, const RequestContext& ctx, Response& response) {
    h(ctx, response);
};

template <typename M>
concept Middleware = requires(M& m, RequestContext& ctx, Next next) {
    { m(ctx, next) } -> std::same_as<awaitable<Response>>;
};

class Pipeline {
public:
    explicit Pipeline(Router router) : router_(std::move(router)) {}

    // Appends a middleware; the first one added is the outermost.
    template <Middleware M>
    void use(M middleware) {
        auto shared = std::make_shared<M>(std::move(middleware));
        chain_.emplace_back([shared](RequestContext& ctx, Next next) {
            return (*shared)(ctx, next);
        });
    }

    // Appends the link that runs the response hooks, in registration order, on whatever
    // response comes out of the links after it (the handler's, a 404, a short-circuit, a 500).
    void use_response_phase();

    // Adds a response hook. A hook must not throw: it runs outside the recover middleware.
    template <ResponseHook H>
    void on_response(H hook) {
        hooks_.emplace_back(std::move(hook));
    }

    // Runs the response hooks on `response`.
    void respond(const RequestContext& ctx, Response& response) const;

    // Routes the request (filling ctx.route*), then runs the chain; the innermost link calls
    // the route's handler or answers 404 / 405.
    [[nodiscard]] awaitable<Response> handle(RequestContext& ctx) const;

    [[nodiscard]] const Router& router() const { return router_; }
    [[nodiscard]] std::size_t size() const { return chain_.size(); }

private:
    friend class Next;
    using Link = std::function<awaitable<Response>(RequestContext&, Next)>;

    [[nodiscard]] awaitable<Response> run(std::size_t index, RequestContext& ctx) const;
    [[nodiscard]] awaitable<Response> dispatch(RequestContext& ctx) const;

    Router router_;
    std::vector<Link> chain_;
    std::vector<std::function<void(const RequestContext&, Response&)>> hooks_;
};

// Splits a request target into path and query (views into `target`). An absolute-form target
// ("http://host:port/path?q", RFC 9112 3.2.2) is routed by its path; its authority is ignored.
void split_target(std::string_view target, std::string_view& path, std::string_view& query);

}  // namespace scout::http
