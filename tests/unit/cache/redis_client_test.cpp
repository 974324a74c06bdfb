// RedisClient and RedisStore without a server: construction checks, the refuse-at-once path
// while not connected, key prefixing and per-worker routing. Scenarios against a real
// redis-server live in tests/integration/redis_client_test.cpp.
#include <scout/cache/redis_client.hpp>

#include "support/run_co.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

namespace scout::cache {
namespace {

using scout::test::run_co;
using std::chrono::milliseconds;

RedisOptions options(std::string url = "redis://127.0.0.1:1/0") {
    RedisOptions o;
    o.url = std::move(url);
    return o;
}

TEST(RedisClient, RejectsAnInvalidUrlOrTimeoutsAtConstruction) {
    asio::io_context io;
    EXPECT_THROW(RedisClient(io, options("http://cache")), std::invalid_argument);
    EXPECT_THROW(RedisClient(io, options("")), std::invalid_argument);
    RedisOptions zero_timeout = options();
    zero_timeout.command_timeout = milliseconds(0);
    EXPECT_THROW(RedisClient(io, zero_timeout), std::invalid_argument);
    RedisOptions inverted = options();
    inverted.reconnect_min = milliseconds(500);
    inverted.reconnect_max = milliseconds(100);
    EXPECT_THROW(RedisClient(io, inverted), std::invalid_argument);
}

TEST(RedisClient, RejectsANegativeTimeoutLimit) {
    asio::io_context io;
    RedisOptions limit = options();
    limit.timeouts_before_reconnect = -1;
    EXPECT_THROW((RedisClient{io, limit}), std::invalid_argument);
    limit.timeouts_before_reconnect = 0;  // 0 = never drop the connection for timeouts
    EXPECT_NO_THROW((RedisClient{io, limit}));
}

TEST(RedisClient, InvalidUrlMessageDoesNotLeakThePassword) {
    asio::io_context io;
    try {
        RedisClient client(io, options("redis://:hunter2@cache:99999"));
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
    }
}

TEST(RedisClient, RefusesEveryCallAtOnceWhileNotConnected) {
    asio::io_context io;
    RedisClient client(io, options());  // never started: never connected
    EXPECT_FALSE(client.available());

    const auto got = run_co(io, client.get("k"));
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error(), cache_errc::kUnavailable);
    EXPECT_EQ(run_co(io, client.set("k", "v", milliseconds(100))), cache_errc::kUnavailable);
    const auto nx = run_co(io, client.set_nx("k", "v", milliseconds(100)));
    EXPECT_EQ(nx.error(), cache_errc::kUnavailable);
    EXPECT_EQ(run_co(io, client.del("k")).error(), cache_errc::kUnavailable);
    EXPECT_EQ(run_co(io, client.ping()), cache_errc::kUnavailable);
    std::vector<std::string> args{"GET", "x"};
    EXPECT_EQ(run_co(io, client.command(args)).error(), cache_errc::kUnavailable);

    const RedisStats stats = client.stats();
    EXPECT_EQ(stats.rejected_total, 6U);
    EXPECT_EQ(stats.commands_total, 0U);
    EXPECT_EQ(stats.errors_total, 0U);
    EXPECT_EQ(stats.available, 0);
}

TEST(RedisClient, RejectsANonPositiveTtlBeforeAnythingElse) {
    asio::io_context io;
    RedisClient client(io, options());
    EXPECT_EQ(
        run_co(io, client.set("k", "v", milliseconds(0))),
        boost::system::errc::make_error_code(boost::system::errc::invalid_argument)
    );
    const auto nx = run_co(io, client.set_nx("k", "v", milliseconds(-1)));
    EXPECT_EQ(
        nx.error(), boost::system::errc::make_error_code(boost::system::errc::invalid_argument)
    );
    EXPECT_EQ(client.stats().rejected_total, 0U);
}

TEST(RedisClient, PrefixesKeys) {
    asio::io_context io;
    RedisOptions o = options();
    o.key_prefix = "scout:v1:";
    RedisClient client(io, o);
    EXPECT_EQ(client.key("search:abc"), "scout:v1:search:abc");
    o.key_prefix.clear();
    RedisClient bare(io, o);
    EXPECT_EQ(bare.key("k"), "k");
}

TEST(RedisClient, StopIsIdempotentAndAStoppedClientNeverStarts) {
    asio::io_context io;
    RedisClient client(io, options());
    client.stop();
    client.stop();
    client.start();  // after stop: nothing is spawned, so run() returns at once
    io.run();
    EXPECT_FALSE(client.available());
    EXPECT_EQ(client.stats().connect_failures_total, 0U);
}

TEST(RedisClient, SharesCountersBetweenClients) {
    asio::io_context io;
    auto shared = std::make_shared<RedisCounters>();
    RedisClient a(io, options(), shared);
    RedisClient b(io, options(), shared);
    EXPECT_EQ(a.counters(), b.counters());
    run_co(io, a.get("k"));
    run_co(io, b.get("k"));
    EXPECT_EQ(snapshot(*shared).rejected_total, 2U);
}

// Two workers, each with its own (never started) client, and the store over both.
struct TwoWorkers {
    asio::io_context worker_a;
    asio::io_context worker_b;
    RedisClient client_a{worker_a, options()};
    RedisClient client_b{worker_b, options()};
    RedisStore store{{&client_a, &client_b}};
};

TEST(RedisStore, RoutesToTheClientOfTheCallingWorker) {
    TwoWorkers w;
    auto& [worker_a, worker_b, client_a, client_b, store] = w;

    const auto got = run_co(worker_b, store.get("k"));
    EXPECT_EQ(got.error(), cache_errc::kUnavailable);
    EXPECT_EQ(client_b.stats().rejected_total, 1U);
    EXPECT_EQ(client_a.stats().rejected_total, 0U);

    EXPECT_EQ(run_co(worker_a, store.set("k", "v", milliseconds(10))), cache_errc::kUnavailable);
    EXPECT_EQ(client_a.stats().rejected_total, 1U);
    EXPECT_EQ(client_b.stats().rejected_total, 1U);
}

TEST(RedisStore, OffTheWorkersCallsAreRefusedAndAvailabilityIsAnyClients) {
    asio::io_context worker;
    asio::io_context elsewhere;
    RedisClient client(worker, options());
    RedisStore store({&client});
    EXPECT_EQ(store.client_for_this_thread(), nullptr);
    EXPECT_FALSE(store.available());
    // A coroutine on an io_context that is not a worker's finds no client.
    const auto got = run_co(elsewhere, store.get("k"));
    EXPECT_EQ(got.error(), cache_errc::kUnavailable);
    EXPECT_EQ(client.stats().rejected_total, 0U);
}

TEST(RedisStore, ConnectionsCountEveryWorkersClientFromAnyThread) {
    TwoWorkers w;
    const RedisStore::Connections off = w.store.connections();
    EXPECT_EQ(off.up, 0U);
    EXPECT_EQ(off.total, 2U);
    // The same answer on a worker as off the workers: not only the calling worker's client.
    RedisStore::Connections on_b;
    asio::post(w.worker_b, [&] { on_b = w.store.connections(); });
    w.worker_b.run();
    EXPECT_EQ(on_b.up, 0U);
    EXPECT_EQ(on_b.total, 2U);
}

TEST(RedisStore, RefusesANullClient) {
    asio::io_context io;
    RedisClient client(io, options());
    EXPECT_THROW(RedisStore({&client, nullptr}), std::invalid_argument);
}

}  // namespace
}  // namespace scout::cache
