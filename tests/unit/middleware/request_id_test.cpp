#include <scout/http/response.hpp>
#include <scout/middleware/request_id.hpp>

#include "support/run_co.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace scout::middleware {
namespace {

// The innermost handler records the id it saw.
awaitable<http::Response> record_id(http::RequestContext& ctx) {
    co_return http::json_response(http::Status::ok, "\"" + ctx.request_id + "\"");
}

http::Response call(std::string_view incoming, std::string* seen) {
    http::Router router;
    router.add(http::Verb::get, "/x", "x", record_id);
    http::Pipeline pipeline(std::move(router));
    pipeline.use(RequestId{});
    asio::io_context io;
    http::RequestContext ctx;
    ctx.request.method(http::Verb::get);
    ctx.request.target("/x");
    if (!incoming.empty()) {
        ctx.request.set("X-Request-ID", incoming);
    }
    http::Response response = test::run_co(io, pipeline.handle(ctx));
    *seen = ctx.request_id;
    return response;
}

TEST(RequestIdMiddleware, EchoesAnAcceptableIncomingId) {
    std::string seen;
    const http::Response response = call("abc-123", &seen);
    EXPECT_EQ(seen, "abc-123");
    EXPECT_EQ(response["X-Request-ID"], "abc-123");
    EXPECT_EQ(response.body().view(), "\"abc-123\"");
}

TEST(RequestIdMiddleware, MintsWhenMissingOrUnacceptable) {
    for (const std::string& incoming :
         {std::string(), std::string(200, 'a'), std::string("bad\x01id")}) {
        std::string seen;
        const http::Response response = call(incoming, &seen);
        EXPECT_TRUE(std::regex_match(seen, std::regex("[0-9a-f]{32}"))) << seen;
        EXPECT_EQ(response["X-Request-ID"], seen);
    }
}

}  // namespace
}  // namespace scout::middleware
