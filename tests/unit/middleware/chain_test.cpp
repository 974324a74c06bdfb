#include <scout/http/response.hpp>
#include <scout/middleware/chain.hpp>

#include "support/run_co.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace scout::middleware {
namespace {

awaitable<http::Response> throws(http::RequestContext& /*ctx*/) {
    throw std::logic_error("bug");
    co_return http::Response{};
}

// The assembled order matters: recover must sit inside request_id so that even a 500 carries
// the request id in its body and header.
TEST(MiddlewareChain, ExceptionBecomes500CarryingTheRequestId) {
    http::Router router;
    router.add(http::Verb::get, "/boom", "boom", throws);
    http::Pipeline pipeline(std::move(router));
    assemble(pipeline);
    EXPECT_EQ(pipeline.size(), 3U);
    asio::io_context io;
    http::RequestContext ctx;
    ctx.request.method(http::Verb::get);
    ctx.request.target("/boom");
    ctx.request.set("X-Request-ID", "chain-1");
    const http::Response response = test::run_co(io, pipeline.handle(ctx));
    EXPECT_EQ(response.result(), http::Status::internal_server_error);
    EXPECT_EQ(response["X-Request-ID"], "chain-1");
    EXPECT_EQ(nlohmann::json::parse(response.body().view())["error"]["request_id"], "chain-1");
}

TEST(MiddlewareChain, NotFoundCarriesTheRequestId) {
    http::Pipeline pipeline{http::Router{}};
    assemble(pipeline);
    asio::io_context io;
    http::RequestContext ctx;
    ctx.request.method(http::Verb::get);
    ctx.request.target("/missing");
    const http::Response response = test::run_co(io, pipeline.handle(ctx));
    EXPECT_EQ(response.result(), http::Status::not_found);
    const std::string id(response["X-Request-ID"]);
    EXPECT_EQ(id.size(), 32U);
    EXPECT_EQ(nlohmann::json::parse(response.body().view())["error"]["request_id"], id);
}

}  // namespace
}  // namespace scout::middleware
