// A real redis-server for a test: started on a free loopback port without persistence, ready
// once it answers PING, stopped by PID (and restartable on the same port). Plus a tiny blocking
// RESP client to set up and inspect Redis out of band. Single-threaded use, except command(),
// which only touches the socket it opens (safe from any thread).
#pragma once

#include "support/process.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace scout::test {

// One RESP reply as redis-server sent it.
struct RespReply {
    enum class Kind { kStatus, kError, kInteger, kBulk, kNil, kArray };

    Kind kind = Kind::kNil;
    std::string text;  // status, error and bulk
    std::int64_t integer = 0;
    std::vector<RespReply> elements;

    [[nodiscard]] bool is(Kind k, const std::string& t) const { return kind == k && text == t; }
};

// The redis-server binary: $SCOUT_REDIS_SERVER, else the first one on $PATH; empty if none.
std::string find_redis_server();

class RedisServer {
public:
    struct Options {
        int port = 0;          // 0 = a free port
        std::string password;  // --requirepass when set
    };

    // Throws std::runtime_error when it does not come up within 10 s.
    explicit RedisServer(Options options);
    RedisServer() : RedisServer(Options{}) {}
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;
    RedisServer(RedisServer&&) = delete;
    RedisServer& operator=(RedisServer&&) = delete;
    ~RedisServer();

    [[nodiscard]] int port() const { return port_; }
    // redis://[:password@]127.0.0.1:port/db
    [[nodiscard]] std::string url(int db = 0) const;

    // SIGKILL and reap (connections drop at once, nothing is saved).
    void kill();
    // Starts it again on the same port and waits until it answers PING.
    void start();
    [[nodiscard]] bool running();

    // Sends each command in turn on one fresh connection (AUTH first when there is a password)
    // and returns their replies; nullopt on a connect/read/write failure or after `timeout`.
    [[nodiscard]] std::optional<std::vector<RespReply>> commands(
        const std::vector<std::vector<std::string>>& commands,
        std::chrono::milliseconds timeout = std::chrono::seconds(2)
    ) const;
    [[nodiscard]] std::optional<RespReply> command(
        const std::vector<std::string>& args,
        std::chrono::milliseconds timeout = std::chrono::seconds(2)
    ) const;

private:
    void launch();

    Options options_;
    std::string binary_;
    TempDir dir_;
    int port_ = 0;
    int generation_ = 0;  // restarts, for log file names
    std::unique_ptr<Process> process_;
};

}  // namespace scout::test
