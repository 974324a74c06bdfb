#include <scout/http/pipeline.hpp>
#include <scout/http/response.hpp>

#include "support/run_co.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace scout::http {
namespace {

awaitable<Response> ok_handler(RequestContext& /*ctx*/) {
    co_return json_response(Status::ok, R"({"ok":true})");
}

// Records the order in which the chain is entered and left.
struct Recorder {
    std::vector<std::string>* trace;
    std::string name;
    awaitable<Response> operator()(RequestContext& ctx, Next next) const {
        trace->push_back(name + ">");
        Response response = co_await next(ctx);
        trace->push_back("<" + name);
        co_return response;
    }
};

struct ShortCircuit {
    awaitable<Response> operator()(RequestContext& ctx, Next /*next*/) const {
        co_return error_response(
            Status::too_many_requests, "rate_limited", "slow down", ctx.request_id
        );
    }
};

Response run(const Pipeline& pipeline, Verb method, std::string target) {
    asio::io_context io;
    RequestContext ctx;
    ctx.request.method(method);
    ctx.request.target(target);
    ctx.request_id = "rid";
    return test::run_co(io, pipeline.handle(ctx));
}

TEST(Pipeline, RunsMiddlewareOutermostFirstAroundTheHandler) {
    std::vector<std::string> trace;
    Router router;
    router.add(Verb::get, "/x", "x", ok_handler);
    Pipeline pipeline(std::move(router));
    pipeline.use(Recorder{&trace, "a"});
    pipeline.use(Recorder{&trace, "b"});
    const Response response = run(pipeline, Verb::get, "/x?q=1");
    EXPECT_EQ(response.result(), Status::ok);
    EXPECT_EQ(trace, (std::vector<std::string>{"a>", "b>", "<b", "<a"}));
}

TEST(Pipeline, MiddlewareCanShortCircuit) {
    std::vector<std::string> trace;
    Router router;
    router.add(Verb::get, "/x", "x", ok_handler);
    Pipeline pipeline(std::move(router));
    pipeline.use(Recorder{&trace, "outer"});
    pipeline.use(ShortCircuit{});
    pipeline.use(Recorder{&trace, "inner"});
    const Response response = run(pipeline, Verb::get, "/x");
    EXPECT_EQ(response.result(), Status::too_many_requests);
    EXPECT_EQ(trace, (std::vector<std::string>{"outer>", "<outer"}));
}

TEST(Pipeline, AnswersNotFoundAndMethodNotAllowedThroughTheChain) {
    std::vector<std::string> trace;
    Router router;
    router.add(Verb::get, "/x", "x", ok_handler);
    Pipeline pipeline(std::move(router));
    pipeline.use(Recorder{&trace, "m"});

    const Response missing = run(pipeline, Verb::get, "/y");
    EXPECT_EQ(missing.result(), Status::not_found);
    const auto body = nlohmann::json::parse(missing.body().view());
    EXPECT_EQ(body["error"]["code"], "not_found");
    EXPECT_EQ(body["error"]["request_id"], "rid");

    const Response wrong = run(pipeline, Verb::put, "/x");
    EXPECT_EQ(wrong.result(), Status::method_not_allowed);
    EXPECT_EQ(wrong[boost::beast::http::field::allow], "GET, HEAD");
    EXPECT_EQ(trace.size(), 4U);  // the chain ran for both
}

// Response hooks run in registration order at the response-phase link, on short-circuit
// responses of the links inside it too, and not on what the links outside it see first.
TEST(Pipeline, ResponseHooksRunAtTheResponsePhaseInOrder) {
    std::vector<std::string> trace;
    Router router;
    router.add(Verb::get, "/x", "x", ok_handler);
    Pipeline pipeline(std::move(router));
    pipeline.use(Recorder{&trace, "outer"});
    pipeline.use_response_phase();
    pipeline.use(ShortCircuit{});
    pipeline.on_response([&trace](const RequestContext& /*ctx*/, Response& response) {
        trace.push_back("hook1:" + std::to_string(response.result_int()));
        response.set("X-Hook", "1");
    });
    pipeline.on_response([&trace](const RequestContext& /*ctx*/, Response& response) {
        trace.push_back("hook2:" + std::string(response["X-Hook"]));
    });
    const Response response = run(pipeline, Verb::get, "/x");
    EXPECT_EQ(response.result(), Status::too_many_requests);
    EXPECT_EQ(response["X-Hook"], "1");
    EXPECT_EQ(trace, (std::vector<std::string>{"outer>", "hook1:429", "hook2:1", "<outer"}));
}

TEST(Pipeline, SplitsTargetIntoPathAndQuery) {
    std::string_view path;
    std::string_view query;
    split_target("/search?q=usb&sort=price_asc", path, query);
    EXPECT_EQ(path, "/search");
    EXPECT_EQ(query, "q=usb&sort=price_asc");
    split_target("/health", path, query);
    EXPECT_EQ(path, "/health");
    EXPECT_EQ(query, "");
}

TEST(Pipeline, RoutesAnAbsoluteFormTargetByItsPath) {
    std::string_view path;
    std::string_view query;
    split_target("http://127.0.0.1:8080/search?q=usb", path, query);
    EXPECT_EQ(path, "/search");
    EXPECT_EQ(query, "q=usb");
    split_target("http://example.com", path, query);
    EXPECT_EQ(path, "/");
    EXPECT_EQ(query, "");
    split_target("https://example.com?x=1", path, query);
    EXPECT_EQ(path, "/");
    EXPECT_EQ(query, "x=1");
}

TEST(ErrorBody, HasCodeMessageAndRequestIdAndSurvivesInvalidUtf8) {
    const auto body =
        nlohmann::json::parse(error_body("bad_request", "bad \xff byte \"q\"", "id-1"));
    EXPECT_EQ(body["error"]["code"], "bad_request");
    EXPECT_EQ(body["error"]["request_id"], "id-1");
    EXPECT_NE(body["error"]["message"].get<std::string>().find("byte \"q\""), std::string::npos);
}

TEST(ErrorBody, IsCompactJsonWithControlCharactersEscaped) {
    EXPECT_EQ(
        error_body("rate_limited", "tab\there\nand \\ \x01", "r-1"),
        R"({"error":{"code":"rate_limited","message":"tab\there\nand \\ \u0001","request_id":"r-1"}})"
    );
}

}  // namespace
}  // namespace scout::http
