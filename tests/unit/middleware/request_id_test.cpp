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

namespace scout::middleware {
namespace {

TEST(Traceparent, TakesTheTraceIdOfAValidHeader) {
    EXPECT_EQ(
        traceparent_trace_id("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    // A later version may append fields after a dash.
    EXPECT_EQ(
        traceparent_trace_id("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
}

TEST(Traceparent, IgnoresInvalidHeaders) {
    for (const char* bad : {
             "",
             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
             "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
             "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
             "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
             "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
             "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
             "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
         }) {
        EXPECT_EQ(traceparent_trace_id(bad), "") << bad;
    }
}

}  // namespace
}  // namespace scout::middleware
