#include <scout/http/response.hpp>
#include <scout/middleware/recover.hpp>

#include "support/run_co.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace scout::middleware {
namespace {

awaitable<http::Response> throws(http::RequestContext& /*ctx*/) {
    throw std::runtime_error("boom");
    co_return http::Response{};
}

awaitable<http::Response> fine(http::RequestContext& /*ctx*/) {
    co_return http::json_response(http::Status::ok, "{}");
}

TEST(RecoverMiddleware, TurnsAnExceptionIntoJson500AndCountsIt) {
    http::Router router;
    router.add(http::Verb::get, "/boom", "boom", throws);
    router.add(http::Verb::get, "/fine", "fine", fine);
    http::Pipeline pipeline(std::move(router));
    Recover recover;
    pipeline.use(recover);  // copies share the counter
    asio::io_context io;

    http::RequestContext ok_ctx;
    ok_ctx.request.method(http::Verb::get);
    ok_ctx.request.target("/fine");
    EXPECT_EQ(test::run_co(io, pipeline.handle(ok_ctx)).result(), http::Status::ok);
    EXPECT_EQ(recover.caught_total(), 0U);

    http::RequestContext ctx;
    ctx.request.method(http::Verb::get);
    ctx.request.target("/boom");
    ctx.request_id = "rid-7";
    const http::Response response = test::run_co(io, pipeline.handle(ctx));
    EXPECT_EQ(response.result(), http::Status::internal_server_error);
    const auto body = nlohmann::json::parse(response.body().view());
    EXPECT_EQ(body["error"]["code"], "internal");
    EXPECT_EQ(body["error"]["request_id"], "rid-7");
    EXPECT_EQ(body["error"]["message"], "internal error");  // no exception text leaks out
    EXPECT_EQ(recover.caught_total(), 1U);
}

}  // namespace
}  // namespace scout::middleware
