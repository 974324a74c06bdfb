#include <scout/http/response.hpp>
#include <scout/middleware/chain.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/request_journal.hpp>

#include "support/run_co.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace scout::middleware {
namespace {

// Assembles the production chain with a default configuration and a registry of its own.
struct Chain {
    config::Config config;
    monitoring::Registry metrics;
    monitoring::RequestJournal journal{std::chrono::milliseconds(3000)};
    SharedState shared;
    void assemble_into(http::Pipeline& pipeline) {
        assemble(pipeline, {config, metrics, journal, shared});
    }
};

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
    Chain chain;
    chain.assemble_into(pipeline);
    EXPECT_EQ(pipeline.size(), 5U);
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
    Chain chain;
    chain.assemble_into(pipeline);
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

awaitable<http::Response> ok(http::RequestContext& ctx) {
    co_return http::json_response(http::Status::ok, "{}", ctx.request.version());
}

http::Response get(asio::io_context& io, const http::Pipeline& pipeline, std::string target) {
    http::RequestContext ctx;
    ctx.request.method(http::Verb::get);
    ctx.request.target(target);
    return test::run_co(io, pipeline.handle(ctx));
}

std::uint64_t requests(
    monitoring::Registry& metrics, const std::string& route, const std::string& code
) {
    return metrics.counter("scout_http_requests_total", "", {"route", "code"})
        .with({route, code})
        .value();
}

// Every request is counted once, by its route (or "-" when none matched) and status class,
// and its latency observed once, whatever the outcome.
TEST(MiddlewareChain, CountsEachRequestByRouteAndStatusClass) {
    http::Router router;
    router.add(http::Verb::get, "/ok", "ok", ok);
    router.add(http::Verb::get, "/boom", "boom", throws);
    http::Pipeline pipeline(std::move(router));
    Chain chain;
    chain.assemble_into(pipeline);
    asio::io_context io;
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(get(io, pipeline, "/ok?x=" + std::to_string(i)).result(), http::Status::ok);
    }
    EXPECT_EQ(get(io, pipeline, "/boom").result(), http::Status::internal_server_error);
    EXPECT_EQ(get(io, pipeline, "/missing").result(), http::Status::not_found);
    EXPECT_EQ(requests(chain.metrics, "ok", "2xx"), 3U);
    EXPECT_EQ(requests(chain.metrics, "boom", "5xx"), 1U);
    EXPECT_EQ(requests(chain.metrics, "-", "4xx"), 1U);
    EXPECT_EQ(requests(chain.metrics, "ok", "5xx"), 0U);
    auto& latency = chain.metrics.histogram("scout_http_request_duration_seconds", "", {"route"});
    EXPECT_EQ(latency.with({"ok"}).snapshot().count, 3U);
    EXPECT_EQ(latency.with({"-"}).snapshot().count, 1U);
}

// A middleware's process-wide state: built once from the context of the first assembly,
// the same object for every later one, and given each reloaded configuration.
struct CountingState {
    explicit CountingState(const ChainContext& context)
        : slow_ms(context.config.monitoring.slow_request_ms) {}
    void reload(const config::Config& next) {
        slow_ms = next.monitoring.slow_request_ms;
        ++reloads;
    }
    int slow_ms;
    int reloads = 0;
};

struct NotReloadable {
    explicit NotReloadable(const ChainContext& /*context*/) {}
};

TEST(MiddlewareSharedState, BuiltOnceSharedByEveryChainAndReloaded) {
    Chain chain;
    chain.config.monitoring.slow_request_ms = 100;
    const ChainContext worker1{chain.config, chain.metrics, chain.journal, chain.shared};
    const ChainContext worker2{chain.config, chain.metrics, chain.journal, chain.shared};
    CountingState& first = worker1.shared_state<CountingState>();
    EXPECT_EQ(&first, &worker2.shared_state<CountingState>());
    EXPECT_EQ(first.slow_ms, 100);
    (void)worker1.shared_state<NotReloadable>();
    config::Config next;
    next.monitoring.slow_request_ms = 250;
    chain.shared.reload(next);
    EXPECT_EQ(first.slow_ms, 250);
    EXPECT_EQ(first.reloads, 1);
}

}  // namespace
}  // namespace scout::middleware
