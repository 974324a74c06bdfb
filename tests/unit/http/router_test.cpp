#include <scout/http/router.hpp>

#include <gtest/gtest.h>

namespace scout::http {
namespace {

awaitable<Response> noop(RequestContext& /*ctx*/) {
    co_return Response{};
}

Router make_router() {
    Router router;
    router.add(Verb::get, "/health", "health", noop);
    router.add(Verb::get, "/search", "search", noop);
    router.add(Verb::post, "/api/products/smart-search", "smart_search", noop);
    router.add(Verb::get, "/api/products/{id}", "product", noop);
    router.add(Verb::get, "/api/monitoring/metrics", "metrics", noop, {.admin = true});
    router.add(Verb::get, "/", "root", noop);
    return router;
}

TEST(Router, MatchesExactPathAndMethod) {
    const Router router = make_router();
    RequestContext ctx;
    router.match(Verb::get, "/health", ctx);
    ASSERT_EQ(ctx.route_outcome, RouteOutcome::kFound);
    EXPECT_EQ(ctx.route->name, "health");
    router.match(Verb::get, "/", ctx);
    ASSERT_EQ(ctx.route_outcome, RouteOutcome::kFound);
    EXPECT_EQ(ctx.route->name, "root");
}

TEST(Router, HeadIsServedByGetRoutes) {
    const Router router = make_router();
    RequestContext ctx;
    router.match(Verb::head, "/search", ctx);
    ASSERT_EQ(ctx.route_outcome, RouteOutcome::kFound);
    EXPECT_EQ(ctx.route->name, "search");
}

TEST(Router, UnknownPathIsNotFound) {
    const Router router = make_router();
    RequestContext ctx;
    for (const char* path :
         {"/healthz", "/health/", "/search/x", "", "/api/products", "/api/products/"}) {
        router.match(Verb::get, path, ctx);
        EXPECT_EQ(ctx.route_outcome, RouteOutcome::kNotFound) << path;
        EXPECT_EQ(ctx.route, nullptr);
    }
}

TEST(Router, WrongMethodIsMethodNotAllowedWithAllowList) {
    const Router router = make_router();
    RequestContext ctx;
    router.match(Verb::post, "/health", ctx);
    EXPECT_EQ(ctx.route_outcome, RouteOutcome::kMethodNotAllowed);
    EXPECT_EQ(ctx.allow, "GET, HEAD");
    router.match(Verb::get, "/api/products/smart-search", ctx);
    // "smart-search" also matches the {id} pattern, which allows GET, so GET is found there.
    EXPECT_EQ(ctx.route_outcome, RouteOutcome::kFound);
    router.match(Verb::delete_, "/api/products/smart-search", ctx);
    EXPECT_EQ(ctx.route_outcome, RouteOutcome::kMethodNotAllowed);
    EXPECT_EQ(ctx.allow, "POST, GET, HEAD");
}

TEST(Router, CapturesPathParameters) {
    const Router router = make_router();
    RequestContext ctx;
    router.match(Verb::get, "/api/products/1005006123456789", ctx);
    ASSERT_EQ(ctx.route_outcome, RouteOutcome::kFound);
    EXPECT_EQ(ctx.route->name, "product");
    EXPECT_EQ(ctx.path_param("id"), "1005006123456789");
    EXPECT_EQ(ctx.path_param("other"), "");
}

TEST(Router, KeepsRouteOptions) {
    const Router router = make_router();
    RequestContext ctx;
    router.match(Verb::get, "/api/monitoring/metrics", ctx);
    ASSERT_EQ(ctx.route_outcome, RouteOutcome::kFound);
    EXPECT_TRUE(ctx.route->options.admin);
}

}  // namespace
}  // namespace scout::http
