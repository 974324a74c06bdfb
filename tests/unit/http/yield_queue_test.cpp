// YieldQueue: connections refused for their rate wait their turn, a few per turn of the
// worker's event loop, in arrival order; a drain lets them all go at once.
#include <scout/http/yield_queue.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <numeric>
#include <vector>

namespace scout::http {
namespace {

namespace asio = boost::asio;

// `count` coroutines waiting in `queue`, each recording its index in `released` when let go.
struct Waiters {
    Waiters(asio::io_context& io, YieldQueue& queue, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            turns.push_back(std::make_unique<asio::steady_timer>(io));
            asio::co_spawn(
                io,
                [this, &queue, i]() -> asio::awaitable<void> {
                    co_await queue.wait(*turns[i]);
                    released.push_back(i);
                },
                asio::detached
            );
        }
    }
    std::vector<std::unique_ptr<asio::steady_timer>> turns;
    std::vector<std::size_t> released;
};

// Samples `released.size()` once per poll of the event loop (a timer that is already due
// completes only when the loop polls), until every waiter is out.
std::vector<std::size_t> sample_per_turn(asio::io_context& io, const Waiters& waiters) {
    std::vector<std::size_t> samples;
    asio::steady_timer probe(io);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            while (waiters.released.size() < waiters.turns.size()) {
                probe.expires_at(asio::steady_timer::time_point::min());
                co_await probe.async_wait(asio::use_awaitable);
                samples.push_back(waiters.released.size());
            }
        },
        asio::detached
    );
    io.run();
    return samples;
}

TEST(YieldQueue, LetsWaitersGoInArrivalOrderAFewPerTurnOfTheLoop) {
    asio::io_context io;
    YieldQueue queue(io, 3);
    Waiters waiters(io, queue, 20);
    const std::vector<std::size_t> samples = sample_per_turn(io, waiters);

    std::vector<std::size_t> in_order(20);
    std::iota(in_order.begin(), in_order.end(), 0);
    EXPECT_EQ(waiters.released, in_order);
    EXPECT_EQ(queue.waiting(), 0U);
    ASSERT_GE(samples.size(), 20U / 3);
    std::size_t before = 0;
    for (const std::size_t now : samples) {
        EXPECT_LE(now - before, 3U) << "more than per_turn let go in one turn of the loop";
        before = now;
    }
}

TEST(YieldQueue, ReleaseAllLetsEveryWaiterGoAtOnceAndLaterWaitsReturnAtOnce) {
    asio::io_context io;
    YieldQueue queue(io, 1);
    Waiters waiters(io, queue, 10);
    for (int step = 0; step < 100 && queue.waiting() < 10; ++step) {
        io.run_one();  // starts the waiters one handler at a time, before any poll for I/O
    }
    ASSERT_EQ(queue.waiting(), 10U);
    EXPECT_TRUE(waiters.released.empty());
    queue.release_all();
    EXPECT_EQ(queue.waiting(), 0U);
    io.poll();
    EXPECT_EQ(waiters.released.size(), 10U);

    Waiters late(io, queue, 2);
    io.restart();
    io.poll();
    EXPECT_EQ(late.released.size(), 2U);
    EXPECT_EQ(queue.waiting(), 0U);
}

TEST(YieldQueue, PerTurnOfZeroStillLetsOneGo) {
    asio::io_context io;
    YieldQueue queue(io, 0);
    Waiters waiters(io, queue, 4);
    io.run();
    EXPECT_EQ(waiters.released.size(), 4U);
}

}  // namespace
}  // namespace scout::http
