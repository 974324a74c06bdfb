// Micro-benchmarks of the Redis client: one GET / SET round trip through RedisClient (hiredis
// async on an io_context, coroutine completion included) against a redis-server of its own on a
// free loopback port. Skipped (SkipWithError) when redis-server is not installed.
#include <scout/cache/redis_client.hpp>

#include <benchmark/benchmark.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using scout::asio::awaitable;
using scout::cache::RedisClient;
using scout::cache::RedisOptions;
namespace asio = scout::asio;

std::string find_redis_server() {
    if (const char* configured = std::getenv("SCOUT_REDIS_SERVER")) {
        return ::access(configured, X_OK) == 0 ? std::string(configured) : std::string();
    }
    const char* path = std::getenv("PATH");
    const std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    for (;;) {
        const auto colon = dirs.find(':', start);
        std::string candidate = dirs.substr(start, colon - start) + "/redis-server";
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        if (colon == std::string::npos) {
            return {};
        }
        start = colon + 1;
    }
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast)
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        addr.sin_port = 0;
    }
    // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool answers_ping(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = false;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
        timeval limit{0, 200'000};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
        constexpr char kPing[] = "PING\r\n";
        char reply[16] = {};
        ok = ::send(fd, kPing, sizeof(kPing) - 1, MSG_NOSIGNAL) > 0 &&
             ::recv(fd, reply, sizeof(reply) - 1, 0) > 0 && std::string(reply).starts_with("+PONG");
    }
    ::close(fd);
    return ok;
}

// One redis-server for the whole run (started on first use, killed at exit).
class BenchRedis {
public:
    static BenchRedis& instance() {
        static BenchRedis server;
        return server;
    }
    BenchRedis(const BenchRedis&) = delete;
    BenchRedis& operator=(const BenchRedis&) = delete;
    BenchRedis(BenchRedis&&) = delete;
    BenchRedis& operator=(BenchRedis&&) = delete;
    ~BenchRedis() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    // Empty when it runs; else why not.
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] int port() const { return port_; }

private:
    BenchRedis() {
        const std::string binary = find_redis_server();
        if (binary.empty()) {
            error_ = "redis-server is not installed (or set SCOUT_REDIS_SERVER)";
            return;
        }
        port_ = free_port();
        std::vector<std::string> args = {
            binary,
            "--port",
            std::to_string(port_),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning"};
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (auto& arg : args) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        // Its start-up banner and warnings would land in the benchmark report: silence them.
        posix_spawn_file_actions_t quiet;
        ::posix_spawn_file_actions_init(&quiet);
        ::posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        ::posix_spawn_file_actions_addopen(&quiet, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        const int spawned =
            ::posix_spawn(&pid_, binary.c_str(), &quiet, nullptr, argv.data(), environ);
        ::posix_spawn_file_actions_destroy(&quiet);
        if (spawned != 0) {
            pid_ = -1;
            error_ = "cannot start redis-server";
            return;
        }
        for (int i = 0; i < 500 && !answers_ping(port_); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (!answers_ping(port_)) {
            error_ = "redis-server did not answer PING";
        }
    }

    pid_t pid_ = -1;
    int port_ = 0;
    std::string error_;
};

// A started client on its own io_context, connected (or an error).
struct Session {
    Session() {
        BenchRedis& server = BenchRedis::instance();
        if (!server.error().empty()) {
            error = server.error();
            return;
        }
        RedisOptions options;
        options.url = "redis://127.0.0.1:" + std::to_string(server.port()) + "/0";
        options.key_prefix = "bench:";
        options.command_timeout = std::chrono::milliseconds(1000);
        client = std::make_unique<RedisClient>(io, options);
        client->start();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!client->available() && std::chrono::steady_clock::now() < deadline) {
            io.run_one_for(std::chrono::milliseconds(10));
        }
        if (!client->available()) {
            error = "the client did not connect";
        }
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session(Session&&) = delete;
    Session& operator=(Session&&) = delete;
    ~Session() {
        if (client) {
            client->stop();
            io.poll();
        }
    }

    // Runs `coroutine` to completion on the io_context; false if it threw.
    template <typename T>
    std::optional<T> run(awaitable<T> coroutine) {
        std::optional<T> out;
        bool done = false;
        asio::co_spawn(io, std::move(coroutine), [&](const std::exception_ptr& failure, T value) {
            if (!failure) {
                out.emplace(std::move(value));
            }
            done = true;
        });
        while (!done) {  // NOLINT(bugprone-infinite-loop): the handler sets it
            io.run_one();
        }
        return out;
    }

    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::unique_ptr<RedisClient> client;
    std::string error;
};

void BM_RedisGetRoundTrip(benchmark::State& state) {
    Session session;
    if (!session.error.empty()) {
        state.SkipWithError(session.error.c_str());
        return;
    }
    const auto size = static_cast<std::size_t>(state.range(0));
    const std::string key = "get:" + std::to_string(size);
    const auto stored =
        session.run(session.client->set(key, std::string(size, 'x'), std::chrono::minutes(5)));
    if (!stored || *stored) {
        state.SkipWithError("SET failed");
        return;
    }
    for (auto _ : state) {
        auto value = session.run(session.client->get(key));
        if (!value || !*value || !**value || (**value)->size() != size) {
            state.SkipWithError("GET failed");
            break;
        }
        benchmark::DoNotOptimize(value);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}
BENCHMARK(BM_RedisGetRoundTrip)->Arg(64)->Arg(16 << 10)->UseRealTime();

void BM_RedisGetMiss(benchmark::State& state) {
    Session session;
    if (!session.error.empty()) {
        state.SkipWithError(session.error.c_str());
        return;
    }
    for (auto _ : state) {
        auto value = session.run(session.client->get("absent"));
        if (!value || !*value || (*value)->has_value()) {
            state.SkipWithError("GET failed");
            break;
        }
    }
}
BENCHMARK(BM_RedisGetMiss)->UseRealTime();

void BM_RedisSetPx(benchmark::State& state) {
    Session session;
    if (!session.error.empty()) {
        state.SkipWithError(session.error.c_str());
        return;
    }
    const std::string value(static_cast<std::size_t>(state.range(0)), 'v');
    for (auto _ : state) {
        auto written = session.run(session.client->set("set", value, std::chrono::minutes(1)));
        if (!written || *written) {
            state.SkipWithError("SET failed");
            break;
        }
    }
}
BENCHMARK(BM_RedisSetPx)->Arg(16 << 10)->UseRealTime();

}  // namespace
