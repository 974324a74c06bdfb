// http::Server across threads: two workers serving clients on several threads while another
// thread drains, closes and stops the server. Part of the ThreadSanitizer set (label
// concurrency): the point is the shutdown path touched from a thread that is not a worker.
#include <scout/http/response.hpp>
#include <scout/http/server.hpp>

#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace scout::http {
namespace {

using std::chrono::milliseconds;

constexpr int kClients = 4;

// A slow route, so that requests are in flight when the drain starts.
awaitable<Response> slow_handler(RequestContext& /*ctx*/) {
    asio::steady_timer timer(co_await asio::this_coro::executor, milliseconds(200));
    co_await timer.async_wait(asio::use_awaitable);
    co_return json_response(Status::ok, R"({"ok":true})");
}

Server::PipelineFactory slow_pipeline() {
    return [](asio::io_context& /*io*/, std::size_t /*worker*/) {
        Router router;
        router.add(Verb::get, "/slow", "slow", slow_handler);
        return std::make_shared<const Pipeline>(std::move(router));
    };
}

ServerOptions two_workers() {
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    return options;
}

// Waits (bounded) until `done` holds.
template <typename Done>
bool wait_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(milliseconds(5));
    }
    return true;
}

TEST(ServerConcurrent, DrainFromAnotherThreadFinishesInFlightRequestsThenStops) {
    Server server(two_workers(), slow_pipeline());
    server.start();
    const int port = server.port();

    std::atomic<int> answered{0};
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back([&] {
            const auto response = test::http_get(port, "/slow");
            ok += response && response->status == 200 ? 1 : 0;
            ++answered;
        });
    }
    ASSERT_TRUE(wait_until([&] { return server.active_requests() == kClients; }));

    server.drain();
    EXPECT_TRUE(server.draining());
    ASSERT_TRUE(wait_until([&] { return answered == kClients; }));
    for (auto& client : clients) {
        client.join();
    }
    EXPECT_EQ(ok, kClients);
    EXPECT_EQ(server.active_requests(), 0u);
    // Draining: a new connection is not served.
    EXPECT_FALSE(test::http_get(port, "/slow").has_value());

    server.close_all();
    server.stop();
    EXPECT_EQ(server.open_connections(), 0u);
}

TEST(ServerConcurrent, StopWithRequestsInFlightOnEveryWorkerReturns) {
    Server server(two_workers(), slow_pipeline());
    server.start();
    const int port = server.port();

    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back([port] { (void)test::http_get(port, "/slow"); });
    }
    ASSERT_TRUE(wait_until([&] { return server.active_requests() > 0; }));
    // No drain: close everything and stop while handlers are suspended in their timers.
    server.close_all();
    server.stop();
    server.stop();  // idempotent
    for (auto& client : clients) {
        client.join();
    }
    EXPECT_EQ(server.open_connections(), 0u);
}

}  // namespace
}  // namespace scout::http
