// Process-level tests of the Redis client: cache::RedisClient (hiredis async on an io_context)
// and RedisStore against a real redis-server on 127.0.0.1, including a server killed and
// restarted, a server that stalls (DEBUG SLEEP), wrong credentials and start-up without Redis.
#include <scout/cache/redis_client.hpp>
#include <scout/log/log.hpp>

#include "redis_server.hpp"
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace scout::test {
namespace {

using cache::cache_errc;
using cache::RedisClient;
using cache::RedisOptions;
using cache::RedisStore;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// ---- driving the io_context on the test thread ----------------------------------------------

// Runs `io` until `done()` holds or `limit` passes; returns done().
template <typename Predicate>
bool run_until(asio::io_context& io, milliseconds limit, Predicate done) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
        const auto now = Clock::now();
        if (now >= deadline) {
            return false;
        }
        io.restart();
        io.run_one_for(std::min<Clock::duration>(deadline - now, milliseconds(10)));
    }
    return true;
}

// Lets real time pass while the client keeps working (reconnect loop, late replies).
void run_for(asio::io_context& io, milliseconds duration) {
    run_until(io, duration, [] { return false; });
}

// Runs `coroutine` on `io` to completion (bounded) and returns its value.
template <typename T>
T run_co(asio::io_context& io, awaitable<T> coroutine, milliseconds limit = seconds(5)) {
    std::optional<T> result;
    std::exception_ptr failure;
    bool done = false;
    asio::co_spawn(io, std::move(coroutine), [&](const std::exception_ptr& error, T value) {
        failure = error;
        if (!error) {
            result.emplace(std::move(value));
        }
        done = true;
    });
    if (!run_until(io, limit, [&] { return done; })) {
        throw std::runtime_error("coroutine did not finish in time");
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    return std::move(*result);
}

struct Timed {
    boost::system::result<std::optional<std::string>> value;
    milliseconds elapsed;
};

Timed timed_get(asio::io_context& io, RedisClient& client, const std::string& key) {
    const auto started = Clock::now();
    auto value = run_co(io, client.get(key));
    return {
        std::move(value),
        std::chrono::duration_cast<milliseconds>(Clock::now() - started),
    };
}

boost::system::error_code set(
    asio::io_context& io,
    RedisClient& client,
    const std::string& key,
    const std::string& value,
    milliseconds ttl = seconds(60)
) {
    return run_co(io, client.set(key, value, ttl));
}

bool wait_available(asio::io_context& io, RedisClient& client, milliseconds limit = seconds(3)) {
    return run_until(io, limit, [&] { return client.available(); });
}

RedisOptions options_for(const std::string& url) {
    RedisOptions options;
    options.url = url;
    options.command_timeout = milliseconds(1000);  // generous: timeouts are tested on purpose
    options.connect_timeout = milliseconds(500);
    options.key_prefix = "t:";
    options.reconnect_min = milliseconds(20);
    options.reconnect_max = milliseconds(300);
    return options;
}

// For the timeout tests: a 50 ms command deadline, a connection dropped after 3 in a row.
RedisOptions timeout_options(const std::string& url) {
    RedisOptions options = options_for(url);
    options.command_timeout = milliseconds(50);
    options.timeouts_before_reconnect = 3;
    return options;
}

// Log lines go to a file of the test's own, so tests can assert that logging happened.
class LogCapture {
public:
    LogCapture() {
        log::Options options;
        options.file = dir_.path() + "/scout.log";
        options.console = false;
        options.level = log::Level::kInfo;
        log::init(options);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    LogCapture(LogCapture&&) = delete;
    LogCapture& operator=(LogCapture&&) = delete;
    ~LogCapture() {
        log::Options restored;  // back to the console, as text
        restored.json = false;
        log::init(restored);
    }

    std::string text() const {
        log::flush();
        return read_file(dir_.path() + "/scout.log");
    }
    std::size_t count(const std::string& needle) const {
        const std::string all = text();
        std::size_t n = 0;
        for (auto at = all.find(needle); at != std::string::npos; at = all.find(needle, at + 1)) {
            ++n;
        }
        return n;
    }

private:
    TempDir dir_;
};

class RedisClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (find_redis_server().empty()) {
            GTEST_SKIP() << "redis-server is not installed";
        }
    }

    void TearDown() override {
        // Let posted completions of stopped clients run before the io_context goes away.
        io_.restart();
        io_.poll();
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
};

// ---- scenarios --------------------------------------------------------------------------------

TEST_F(RedisClientTest, SetGetRoundTripWithPrefixBinaryValuesAndTtlExpiry) {
    RedisServer server;
    RedisClient client(io_, options_for(server.url()));
    client.start();
    ASSERT_TRUE(wait_available(io_, client));

    const std::string value("bin\0ary\r\nvalue", 14);
    ASSERT_FALSE(set(io_, client, "k", value));
    // Stored under the prefix, bytes intact.
    const auto raw = server.command({"GET", "t:k"});
    ASSERT_TRUE(raw);
    EXPECT_TRUE(raw->is(RespReply::Kind::kBulk, value));
    EXPECT_FALSE(server.command({"EXISTS", "k"})->integer);

    const auto got = run_co(io_, client.get("k"));
    ASSERT_TRUE(got.has_value()) << got.error().message();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(**got, value);

    const auto missing = run_co(io_, client.get("nope"));
    ASSERT_TRUE(missing.has_value());
    EXPECT_FALSE(missing->has_value());

    // PX 100: there at once with a TTL of at most 100 ms, gone after ~300 ms.
    ASSERT_FALSE(set(io_, client, "short", "v", milliseconds(100)));
    const auto pttl = server.command({"PTTL", "t:short"});
    ASSERT_TRUE(pttl);
    EXPECT_GT(pttl->integer, 0);
    EXPECT_LE(pttl->integer, 100);
    run_for(io_, milliseconds(300));
    const auto expired = run_co(io_, client.get("short"));
    ASSERT_TRUE(expired.has_value());
    EXPECT_FALSE(expired->has_value());

    const auto stats = client.stats();
    EXPECT_EQ(stats.connects_total, 1U);
    EXPECT_EQ(stats.available, 1);
    EXPECT_EQ(stats.errors_total, 0U);
    EXPECT_EQ(stats.timeouts_total, 0U);
    EXPECT_GE(stats.commands_total, 5U);
    EXPECT_EQ(run_co(io_, client.ping()), boost::system::error_code());
}

TEST_F(RedisClientTest, SetNxSetsOnlyWhenAbsentAndDelFreesTheKey) {
    RedisServer server;
    RedisClient client(io_, options_for(server.url()));
    client.start();
    ASSERT_TRUE(wait_available(io_, client));

    const auto first = run_co(io_, client.set_nx("lock", "owner-a", seconds(10)));
    ASSERT_TRUE(first.has_value()) << first.error().message();
    EXPECT_TRUE(*first);
    const auto second = run_co(io_, client.set_nx("lock", "owner-b", seconds(10)));
    ASSERT_TRUE(second.has_value());
    EXPECT_FALSE(*second);
    EXPECT_TRUE(server.command({"GET", "t:lock"})->is(RespReply::Kind::kBulk, "owner-a"));
    const auto pttl = server.command({"PTTL", "t:lock"});
    EXPECT_GT(pttl->integer, 9000);

    const auto removed = run_co(io_, client.del("lock"));
    ASSERT_TRUE(removed.has_value());
    EXPECT_EQ(*removed, 1);
    const auto removed_again = run_co(io_, client.del("lock"));
    ASSERT_TRUE(removed_again.has_value());
    EXPECT_EQ(*removed_again, 0);
    const auto third = run_co(io_, client.set_nx("lock", "owner-b", seconds(10)));
    ASSERT_TRUE(third.has_value());
    EXPECT_TRUE(*third);

    // A Redis error reply (wrong type) is kStoreError, counted, and the connection stays up.
    ASSERT_TRUE(server.command({"LPUSH", "t:list", "x"}));
    const auto wrong_type = run_co(io_, client.get("list"));
    ASSERT_FALSE(wrong_type.has_value());
    EXPECT_EQ(wrong_type.error(), cache_errc::kStoreError);
    EXPECT_EQ(client.stats().errors_total, 1U);
    EXPECT_TRUE(client.available());
}

// A5: with max_value_bytes set, a value larger than that is refused without being transferred.
TEST_F(RedisClientTest, GetRefusesAValueLargerThanTheBound) {
    RedisServer server;
    RedisOptions options = options_for(server.url());
    options.max_value_bytes = 1000;
    RedisClient client(io_, options);
    client.start();
    ASSERT_TRUE(wait_available(io_, client));
    ASSERT_TRUE(server.command({"SET", "t:big", std::string(50'000, 'x')}));
    ASSERT_TRUE(server.command({"SET", "t:edge", std::string(1000, 'y')}));

    const auto big = run_co(io_, client.get("big"));
    ASSERT_FALSE(big.has_value());
    EXPECT_EQ(big.error(), cache_errc::kValueTooLarge);
    const auto edge = run_co(io_, client.get("edge"));
    ASSERT_TRUE(edge.has_value() && edge->has_value());
    EXPECT_EQ(**edge, std::string(1000, 'y'));
    const auto missing = run_co(io_, client.get("nope"));
    ASSERT_TRUE(missing.has_value());
    EXPECT_FALSE(missing->has_value());
    EXPECT_TRUE(client.available());
}

// The single-flight lock (B3): a fresh random owner per acquisition, and a release that
// deletes only its own lock, never the one another instance took after ours expired.
TEST_F(RedisClientTest, LockOwnersAreRandomAndUnlockDeletesOnlyItsOwnLock) {
    RedisServer server;
    RedisClient client(io_, options_for(server.url()));
    RedisStore store({&client});
    client.start();
    ASSERT_TRUE(wait_available(io_, client));

    const auto first = run_co(io_, store.try_lock("lock:k", seconds(10)));
    ASSERT_TRUE(first.has_value()) << first.error().message();
    ASSERT_TRUE(first->has_value());
    const std::string token = **first;
    EXPECT_EQ(token.size(), 32U);
    EXPECT_TRUE(server.command({"GET", "t:lock:k"})->is(RespReply::Kind::kBulk, token));
    EXPECT_GT(server.command({"PTTL", "t:lock:k"})->integer, 9000);
    const auto held = run_co(io_, store.try_lock("lock:k", seconds(10)));
    ASSERT_TRUE(held.has_value());
    EXPECT_FALSE(held->has_value());

    // Our lock expired and another owner took it: releasing ours leaves theirs alone.
    ASSERT_TRUE(server.command({"SET", "t:lock:k", "another-owner"}));
    const auto late = run_co(io_, store.unlock("lock:k", token));
    ASSERT_TRUE(late.has_value()) << late.error().message();
    EXPECT_FALSE(*late);
    EXPECT_TRUE(server.command({"GET", "t:lock:k"})->is(RespReply::Kind::kBulk, "another-owner"));

    ASSERT_TRUE(server.command({"DEL", "t:lock:k"}));
    const auto again = run_co(io_, store.try_lock("lock:k", seconds(10)));
    ASSERT_TRUE(again.has_value() && again->has_value());
    EXPECT_NE(**again, token);
    const auto released = run_co(io_, store.unlock("lock:k", **again));
    ASSERT_TRUE(released.has_value());
    EXPECT_TRUE(*released);
    EXPECT_EQ(server.command({"EXISTS", "t:lock:k"})->integer, 0);
}

TEST_F(RedisClientTest, AuthenticatesWithPasswordAndWithAclUser) {
    RedisServer server({.password = "s3cret"});
    {
        RedisClient client(io_, options_for(server.url()));  // redis://:s3cret@...
        client.start();
        ASSERT_TRUE(wait_available(io_, client));
        ASSERT_FALSE(set(io_, client, "k", "v"));
    }
    const std::string acl_url = "redis://default:s3cret@127.0.0.1:" + std::to_string(server.port());
    RedisClient client(io_, options_for(acl_url));
    client.start();
    ASSERT_TRUE(wait_available(io_, client));
    const auto got = run_co(io_, client.get("k"));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->value_or(""), "v");
}

TEST_F(RedisClientTest, WrongPasswordStaysUnavailableLogsAnErrorOnceAndKeepsTrying) {
    LogCapture logs;
    RedisServer server({.password = "right"});
    RedisClient client(
        io_, options_for("redis://:wrong@127.0.0.1:" + std::to_string(server.port()))
    );
    client.start();
    ASSERT_TRUE(run_until(io_, seconds(5), [&] {
        return client.stats().connect_failures_total >= 3;
    }));
    EXPECT_FALSE(client.available());
    EXPECT_EQ(client.stats().connects_total, 0U);

    const auto refused = timed_get(io_, client, "k");
    ASSERT_FALSE(refused.value.has_value());
    EXPECT_EQ(refused.value.error(), cache_errc::kUnavailable);
    EXPECT_LT(refused.elapsed, milliseconds(50));

    // One error line for the outage, not one per attempt; the password is never written.
    EXPECT_EQ(logs.count("redis authentication failed"), 1U) << logs.text();
    EXPECT_NE(logs.text().find(R"("level":"error")"), std::string::npos) << logs.text();
    EXPECT_EQ(logs.text().find("right"), std::string::npos);
    EXPECT_EQ(logs.text().find("wrong"), std::string::npos);
}

TEST_F(RedisClientTest, MissingPasswordIsCaughtByTheHandshake) {
    RedisServer server({.password = "needed"});
    RedisClient client(io_, options_for("redis://127.0.0.1:" + std::to_string(server.port())));
    client.start();
    ASSERT_TRUE(run_until(io_, seconds(5), [&] {
        return client.stats().connect_failures_total >= 2;
    }));
    EXPECT_FALSE(client.available());
}

TEST_F(RedisClientTest, SelectsTheDatabaseFromTheUrl) {
    RedisServer server;
    RedisClient client(io_, options_for(server.url(3)));
    client.start();
    ASSERT_TRUE(wait_available(io_, client));
    ASSERT_FALSE(set(io_, client, "k", "in-db-3"));

    const auto in_3 = server.commands({{"SELECT", "3"}, {"GET", "t:k"}});
    ASSERT_TRUE(in_3);
    EXPECT_TRUE(in_3->at(1).is(RespReply::Kind::kBulk, "in-db-3"));
    const auto in_0 = server.command({"GET", "t:k"});
    ASSERT_TRUE(in_0);
    EXPECT_EQ(in_0->kind, RespReply::Kind::kNil);
}

TEST_F(RedisClientTest, KilledServerFailsFastThenReconnectsAfterRestartOnItsOwn) {
    RedisServer server;
    RedisClient client(io_, options_for(server.url()));
    client.start();
    ASSERT_TRUE(wait_available(io_, client));
    ASSERT_FALSE(set(io_, client, "k", "v"));

    server.kill();
    // The very next call fails fast (the socket reports the loss), well under the 1 s timeout.
    const auto at_once = timed_get(io_, client, "k");
    ASSERT_FALSE(at_once.value.has_value());
    EXPECT_EQ(at_once.value.error(), cache_errc::kUnavailable);
    EXPECT_LT(at_once.elapsed, milliseconds(200));

    ASSERT_TRUE(run_until(io_, seconds(2), [&] { return !client.available(); }));
    EXPECT_EQ(client.stats().disconnects_total, 1U);
    EXPECT_EQ(client.stats().available, 0);
    for (int i = 0; i < 3; ++i) {
        const auto refused = timed_get(io_, client, "k");
        ASSERT_FALSE(refused.value.has_value());
        EXPECT_EQ(refused.value.error(), cache_errc::kUnavailable);
        EXPECT_LT(refused.elapsed, milliseconds(20));
    }
    run_for(io_, milliseconds(400));  // several failed reconnects while it is down
    EXPECT_GE(client.stats().connect_failures_total, 1U);

    server.start();  // same port, empty data set
    const auto restarted = Clock::now();
    ASSERT_TRUE(wait_available(io_, client, seconds(2)));
    EXPECT_LT(Clock::now() - restarted, seconds(2));
    EXPECT_EQ(client.stats().connects_total, 2U);
    ASSERT_FALSE(set(io_, client, "k", "again"));
    const auto got = run_co(io_, client.get("k"));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->value_or(""), "again");
}

TEST_F(RedisClientTest, StalledServerTimesOutAtTheCommandTimeoutThenRecovers) {
    RedisServer server;
    RedisClient client(io_, timeout_options(server.url()));
    client.start();
    ASSERT_TRUE(wait_available(io_, client));
    ASSERT_FALSE(set(io_, client, "k", "v"));

    std::thread sleeper([&] {
        const auto reply = server.command({"DEBUG", "SLEEP", "1"}, seconds(5));
        EXPECT_TRUE(reply && reply->is(RespReply::Kind::kStatus, "OK"));
    });
    // Redis is single-threaded: once it sleeps, a PING of our own goes unanswered.
    const bool sleeping = eventually(seconds(2), [&] {
        return !server.command({"PING"}, milliseconds(30)).has_value();
    });

    const auto slow = timed_get(io_, client, "k");
    ASSERT_FALSE(slow.value.has_value());
    EXPECT_EQ(slow.value.error(), cache_errc::kTimeout);
    EXPECT_GE(slow.elapsed, milliseconds(45));
    EXPECT_LT(slow.elapsed, milliseconds(500));
    EXPECT_EQ(client.stats().timeouts_total, 1U);
    EXPECT_TRUE(client.available());  // a slow reply is not a lost connection
    sleeper.join();
    ASSERT_TRUE(sleeping);

    // After the sleep the late reply is dropped (the request is gone) and the same connection
    // serves new commands again.
    const bool recovered = run_until(io_, seconds(3), [&] {
        const auto got = run_co(io_, client.get("k"));
        return got.has_value() && got->value_or("") == "v";
    });
    EXPECT_TRUE(recovered);
    EXPECT_EQ(client.stats().connects_total, 1U);
    EXPECT_EQ(client.stats().disconnects_total, 0U);
}

TEST_F(RedisClientTest, RepeatedTimeoutsDropTheConnectionUntilRedisAnswersAgain) {
    RedisServer server;
    RedisClient client(io_, timeout_options(server.url()));
    client.start();
    ASSERT_TRUE(wait_available(io_, client));
    ASSERT_FALSE(set(io_, client, "k", "v"));

    std::thread sleeper([&] { (void)server.command({"DEBUG", "SLEEP", "2"}, seconds(5)); });
    const bool sleeping = eventually(seconds(2), [&] {
        return !server.command({"PING"}, milliseconds(30)).has_value();
    });
    for (int i = 1; i <= 3; ++i) {
        const auto slow = timed_get(io_, client, "k");
        ASSERT_FALSE(slow.value.has_value());
        EXPECT_EQ(slow.value.error(), cache_errc::kTimeout) << "timeout " << i;
        EXPECT_GE(slow.elapsed, milliseconds(45));
        if (i < 3) {
            EXPECT_TRUE(client.available()) << "below the limit the connection stays";
        }
    }
    // The third timeout in a row dropped the connection: calls fail at once, memory-only,
    // and the reconnect handshake keeps failing while Redis sleeps.
    const bool dropped = run_until(io_, milliseconds(500), [&] { return !client.available(); });
    const auto refused = timed_get(io_, client, "k");
    sleeper.join();
    EXPECT_TRUE(sleeping);
    EXPECT_TRUE(dropped);
    ASSERT_FALSE(refused.value.has_value());
    EXPECT_EQ(refused.value.error(), cache_errc::kUnavailable);
    EXPECT_LT(refused.elapsed, milliseconds(20));
    EXPECT_EQ(client.stats().timeouts_total, 3U);

    // Redis answers again: the connection comes back by itself and serves the data.
    ASSERT_TRUE(wait_available(io_, client, seconds(5)));
    const auto got = run_co(io_, client.get("k"));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->value_or(""), "v");
    EXPECT_EQ(client.stats().disconnects_total, 1U);
    EXPECT_GE(client.stats().connects_total, 2U);
}

// Slow but alive: every command takes longer than the timeout, but its late reply arrives
// before the next command, so the connection is kept (dropping it would only make the client
// flap). (A backlog of slow pipelined commands is different: Redis writes their replies only
// after running the whole backlog, so the client hears nothing for that long.)
TEST_F(RedisClientTest, SlowButAnsweringRedisKeepsItsConnectionDespiteTimeouts) {
    RedisServer server;
    RedisClient client(io_, timeout_options(server.url()));
    client.start();
    ASSERT_TRUE(wait_available(io_, client));
    // Each DEBUG SLEEP 0.08 answers 80 ms after it is sent: 30 ms after its timeout. The next
    // one goes out once that late reply is in (40 ms after the timeout), so at every timeout
    // Redis was last heard ~60 ms ago: less than 3 timeouts' worth (150 ms).
    for (int i = 0; i < 6; ++i) {
        std::vector<std::string> slow{"DEBUG", "SLEEP", "0.08"};
        const auto reply = run_co(io_, client.command(std::move(slow)));
        ASSERT_FALSE(reply.has_value());
        EXPECT_EQ(reply.error(), cache_errc::kTimeout);
        run_for(io_, milliseconds(40));
    }
    EXPECT_EQ(client.stats().timeouts_total, 6U);
    EXPECT_TRUE(client.available());
    EXPECT_EQ(client.stats().disconnects_total, 0U);
    // The same connection answers on time again.
    std::vector<std::string> ping{"PING"};
    EXPECT_TRUE(run_co(io_, client.command(std::move(ping))).has_value());
    EXPECT_EQ(client.stats().connects_total, 1U);
}

TEST_F(RedisClientTest, StartsWithRedisDownAndConnectsWhenItComesUp) {
    LogCapture logs;
    const int port = free_port();
    RedisClient client(io_, options_for("redis://127.0.0.1:" + std::to_string(port) + "/0"));
    client.start();  // not an error
    ASSERT_TRUE(run_until(io_, seconds(3), [&] {
        return client.stats().connect_failures_total >= 3;
    }));
    EXPECT_FALSE(client.available());
    const auto refused = timed_get(io_, client, "k");
    ASSERT_FALSE(refused.value.has_value());
    EXPECT_EQ(refused.value.error(), cache_errc::kUnavailable);
    EXPECT_LT(refused.elapsed, milliseconds(20));
    EXPECT_GE(client.stats().rejected_total, 1U);

    RedisServer server({.port = port});
    ASSERT_TRUE(wait_available(io_, client, seconds(2)));
    ASSERT_FALSE(set(io_, client, "k", "v"));
    EXPECT_EQ(client.stats().connects_total, 1U);

    // One warning for the outage however many attempts failed, one info when it came up.
    EXPECT_EQ(logs.count(R"("msg":"redis unavailable")"), 1U) << logs.text();
    EXPECT_EQ(logs.count(R"("msg":"redis connected")"), 1U) << logs.text();
}

// A loopback listener that never accepts and never answers: the kernel completes TCP handshakes
// while its accept queue has room, and drops SYNs once it is full.
class SilentListener {
public:
    explicit SilentListener(int backlog) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(addr);
        // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast)
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
            ::listen(fd_, backlog) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error("cannot listen");
        }
        // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
        port_ = ntohs(addr.sin_port);
    }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;
    SilentListener(SilentListener&&) = delete;
    SilentListener& operator=(SilentListener&&) = delete;
    ~SilentListener() {
        for (const int fd : fillers_) {
            ::close(fd);
        }
        ::close(fd_);
    }

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string url() const {
        return "redis://127.0.0.1:" + std::to_string(port_) + "/0";
    }

    // Connects (without waiting) until the accept queue is full.
    void fill_accept_queue(int connections) {
        for (int i = 0; i < connections; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(static_cast<std::uint16_t>(port_));
            // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
            static_cast<void>(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)));
            fillers_.push_back(fd);
        }
        std::this_thread::sleep_for(milliseconds(50));  // let the handshakes settle
    }

private:
    int fd_ = -1;
    int port_ = 0;
    std::vector<int> fillers_;
};

TEST_F(RedisClientTest, UnansweredHandshakeTimesOutAndCountsAsDown) {
    LogCapture logs;
    SilentListener silent(16);
    RedisOptions options = options_for(silent.url());
    options.connect_timeout = milliseconds(100);
    RedisClient client(io_, options);
    client.start();
    ASSERT_TRUE(run_until(io_, seconds(3), [&] {
        return client.stats().connect_failures_total >= 2;
    }));
    EXPECT_FALSE(client.available());
    EXPECT_EQ(client.stats().connects_total, 0U);
    const auto refused = timed_get(io_, client, "k");
    EXPECT_EQ(refused.value.error(), cache_errc::kUnavailable);
    EXPECT_LT(refused.elapsed, milliseconds(20));
    EXPECT_EQ(logs.count(R"("msg":"redis handshake failed")"), 1U) << logs.text();
}

TEST_F(RedisClientTest, TcpConnectTimeoutAbandonsTheAttemptAndRetries) {
    LogCapture logs;
    SilentListener silent(0);
    silent.fill_accept_queue(4);  // later SYNs are dropped: connect(2) hangs
    RedisOptions options = options_for(silent.url());
    options.connect_timeout = milliseconds(100);
    RedisClient client(io_, options);
    client.start();
    ASSERT_TRUE(run_until(io_, seconds(3), [&] {
        return client.stats().connect_failures_total >= 3;
    }));
    EXPECT_FALSE(client.available());
    EXPECT_NE(logs.text().find("connect timed out"), std::string::npos) << logs.text();
    client.stop();  // with an attempt possibly in flight
    run_for(io_, milliseconds(50));
}

TEST_F(RedisClientTest, StopFailsPendingCommandsAndLaterCalls) {
    RedisServer server;
    RedisOptions options = options_for(server.url());
    options.command_timeout = seconds(3);
    RedisClient client(io_, options);
    client.start();
    ASSERT_TRUE(wait_available(io_, client));

    std::thread sleeper([&] { static_cast<void>(server.command({"DEBUG", "SLEEP", "1"})); });
    ASSERT_TRUE(eventually(seconds(2), [&] {
        return !server.command({"PING"}, milliseconds(30)).has_value();
    }));
    std::optional<boost::system::result<std::optional<std::string>>> pending;
    asio::co_spawn(io_, client.get("k"), [&](const std::exception_ptr&, auto value) {
        pending.emplace(std::move(value));
    });
    run_for(io_, milliseconds(50));  // sent; Redis is asleep
    ASSERT_FALSE(pending);
    client.stop();
    ASSERT_TRUE(run_until(io_, milliseconds(200), [&] { return pending.has_value(); }));
    ASSERT_FALSE(pending->has_value());
    EXPECT_EQ(pending->error(), cache_errc::kUnavailable);
    EXPECT_FALSE(client.available());
    EXPECT_EQ(client.stats().available, 0);

    const auto after = timed_get(io_, client, "k");
    EXPECT_EQ(after.value.error(), cache_errc::kUnavailable);
    client.stop();  // idempotent
    sleeper.join();
    run_for(io_, milliseconds(300));  // no reconnect after stop
    EXPECT_FALSE(client.available());
    EXPECT_EQ(client.stats().connects_total, 1U);
}

// ---- the Store facade over two workers ------------------------------------------------------

awaitable<std::optional<std::string>> store_round_trip(cache::Store& store, std::string key) {
    // Arguments of a co_await'ed call are named objects (GCC 12 destroys coroutine arguments made
    // from temporaries twice).
    std::string value = "from-worker";
    const milliseconds ttl = seconds(30);
    const boost::system::error_code written = co_await store.set(key, std::move(value), ttl);
    if (written) {
        co_return std::nullopt;
    }
    auto read = co_await store.get(std::move(key));
    if (!read) {
        co_return std::nullopt;
    }
    co_return std::move(*read);
}

// ---- Redis Sentinel ---------------------------------------------------------------------------

class RedisSentinelClientTest : public RedisClientTest {
protected:
    void SetUp() override {
        if (find_redis_server().empty() || find_redis_sentinel().empty()) {
            GTEST_SKIP() << "redis-server or redis-sentinel is not installed";
        }
    }

    // A dead sentinel first (it costs one refused connect), then the topology's three; the
    // URL's port 1 is never dialled (it gives only credentials and db).
    static RedisOptions via_sentinels(const SentinelTopology& redis) {
        RedisOptions options = options_for("redis://127.0.0.1:1/0");
        options.sentinels = {"127.0.0.1:" + std::to_string(free_port())};
        const auto live = redis.addresses();
        options.sentinels.insert(options.sentinels.end(), live.begin(), live.end());
        options.master_name = "mymaster";
        return options;
    }

    static std::string on(const RedisServer& server) {
        return "127.0.0.1:" + std::to_string(server.port());
    }
};

TEST_F(RedisSentinelClientTest, ConnectsToTheMasterSentinelNamesAndFollowsAFailover) {
    SentinelTopology redis;
    ASSERT_TRUE(redis.wait_ready());
    RedisClient client(io_, via_sentinels(redis));
    client.start();
    ASSERT_TRUE(wait_available(io_, client, seconds(5)));
    EXPECT_EQ(client.master(), on(redis.master));
    ASSERT_FALSE(set(io_, client, "before", "1"));
    EXPECT_TRUE(redis.master.command({"GET", "t:before"})->is(RespReply::Kind::kBulk, "1"));

    // A planned failover: Sentinel promotes the replica and drops the old master's clients.
    const auto reply = redis.sentinels[0]->command({"SENTINEL", "FAILOVER", "mymaster"});
    ASSERT_TRUE(reply && reply->kind == RespReply::Kind::kStatus) << (reply ? reply->text : "");
    ASSERT_TRUE(run_until(io_, seconds(30), [&] {
        return client.master() == on(redis.replica) && client.available() &&
               !set(io_, client, "after", "2");
    })) << client.master();
    EXPECT_TRUE(redis.replica.command({"GET", "t:after"})->is(RespReply::Kind::kBulk, "2"));
    EXPECT_EQ(client.stats().master_switches_total, 1U);
}

TEST_F(RedisSentinelClientTest, AWriteAnsweredReadonlyDropsTheConnectionAndAReplicaIsRefused) {
    SentinelTopology redis;  // the sentinels name the master from their config at once
    RedisClient client(io_, via_sentinels(redis));
    client.start();
    ASSERT_TRUE(wait_available(io_, client, seconds(5)));
    const auto failures_before = client.stats().connect_failures_total;

    // The master turns replica behind Sentinel's back (as a partitioned old master does when
    // it rejoins): its clients stay connected, writes answer READONLY.
    ASSERT_TRUE(redis.replica.command({"REPLICAOF", "NO", "ONE"}));
    ASSERT_TRUE(
        redis.master.command({"REPLICAOF", "127.0.0.1", std::to_string(redis.replica.port())})
    );
    EXPECT_EQ(set(io_, client, "k", "v"), cache_errc::kStoreError);
    ASSERT_TRUE(run_until(io_, seconds(2), [&] { return client.stats().disconnects_total == 1; }));
    // Sentinel still names the old address for a while: ROLE says replica, so no connection.
    run_for(io_, milliseconds(500));
    EXPECT_FALSE(client.available());
    EXPECT_GT(client.stats().connect_failures_total, failures_before);
}

TEST(RedisStoreTest, RoutesEachCallToTheCallingWorkersClient) {
    if (find_redis_server().empty()) {
        GTEST_SKIP() << "redis-server is not installed";
    }
    RedisServer server;
    asio::io_context worker_a;
    asio::io_context worker_b;
    auto counters_a = std::make_shared<cache::RedisCounters>();
    auto counters_b = std::make_shared<cache::RedisCounters>();
    RedisClient client_a(worker_a, options_for(server.url()), counters_a);
    RedisClient client_b(worker_b, options_for(server.url()), counters_b);
    RedisStore store({&client_a, &client_b});
    client_a.start();
    client_b.start();
    auto guard_a = asio::make_work_guard(worker_a);
    auto guard_b = asio::make_work_guard(worker_b);
    std::thread thread_a([&] { worker_a.run(); });
    std::thread thread_b([&] { worker_b.run(); });

    EXPECT_TRUE(eventually(seconds(3), [&] { return client_a.available() && client_b.available(); })
    );
    // Off the workers: "any connection up"; calls are refused.
    EXPECT_TRUE(store.available());
    EXPECT_EQ(store.client_for_this_thread(), nullptr);
    EXPECT_EQ(store.connections().up, 2U);
    EXPECT_EQ(store.connections().total, 2U);

    auto on_b = asio::co_spawn(worker_b, store_round_trip(store, "routed"), asio::use_future);
    ASSERT_EQ(on_b.wait_for(seconds(5)), std::future_status::ready);
    EXPECT_EQ(on_b.get().value_or(""), "from-worker");
    EXPECT_EQ(counters_b->commands_total->value(), 2U);
    EXPECT_EQ(counters_a->commands_total->value(), 0U);
    EXPECT_TRUE(server.command({"GET", "t:routed"})->is(RespReply::Kind::kBulk, "from-worker"));

    guard_a.reset();
    guard_b.reset();
    worker_a.stop();
    worker_b.stop();
    thread_a.join();
    thread_b.join();
    // The io_contexts no longer run: stopping from this thread is allowed.
    client_a.stop();
    EXPECT_EQ(store.connections().up, 1U);  // a stopped client counts as down
    client_b.stop();
    EXPECT_EQ(store.connections().up, 0U);
}

}  // namespace
}  // namespace scout::test
