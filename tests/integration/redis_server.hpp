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
// The redis-sentinel binary: $SCOUT_REDIS_SENTINEL, else the first one on $PATH; empty if none.
std::string find_redis_sentinel();

// Commands in turn on one fresh loopback connection to `port` (AUTH first with a password);
// nullopt on a connect/read/write failure or after `timeout`.
std::optional<std::vector<RespReply>> resp_commands(
    int port,
    const std::string& password,
    const std::vector<std::vector<std::string>>& commands,
    std::chrono::milliseconds timeout
);
std::optional<RespReply> resp_command(
    int port,
    const std::string& password,
    const std::vector<std::string>& args,
    std::chrono::milliseconds timeout
);

class RedisServer {
public:
    struct Options {
        int port = 0;                         // 0 = a free port
        std::string password;                 // --requirepass when set
        std::vector<std::string> extra_args;  // e.g. --replicaof 127.0.0.1 <port>
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

// A real redis-sentinel on a free loopback port watching one master, with short failure
// detection for tests; stopped by PID.
class RedisSentinel {
public:
    struct Options {
        int master_port = 0;
        std::string master_name = "mymaster";
        int quorum = 2;
        int down_after_ms = 1000;
        int failover_timeout_ms = 3000;
    };

    // Throws std::runtime_error when it does not answer PING within 10 s.
    explicit RedisSentinel(Options options);
    RedisSentinel(const RedisSentinel&) = delete;
    RedisSentinel& operator=(const RedisSentinel&) = delete;
    RedisSentinel(RedisSentinel&&) = delete;
    RedisSentinel& operator=(RedisSentinel&&) = delete;
    ~RedisSentinel();

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] std::optional<RespReply> command(
        const std::vector<std::string>& args,
        std::chrono::milliseconds timeout = std::chrono::seconds(2)
    ) const;
    // The master's port as this sentinel names it now; 0 when it does not answer.
    [[nodiscard]] int master_port() const;
    // An integer field of SENTINEL MASTER (num-slaves, num-other-sentinels...); -1 if absent.
    [[nodiscard]] int master_field(const std::string& field) const;

private:
    Options options_;
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<Process> process_;
};

// A master, a replica of it and three sentinels (quorum 2) on loopback: the smallest
// Sentinel deployment that survives losing the master.
struct SentinelTopology {
    SentinelTopology();

    // The replica in sync and every sentinel seeing the replica and the two other sentinels
    // (a failover needs them); false when not so within `limit`.
    bool wait_ready(std::chrono::milliseconds limit = std::chrono::seconds(30));
    // Every sentinel names `port` as the master's; false when not so within `limit`.
    bool wait_master(int port, std::chrono::milliseconds limit);
    // "127.0.0.1:p1", ... as redis.sentinels wants them.
    [[nodiscard]] std::vector<std::string> addresses() const;

    RedisServer master;
    RedisServer replica;
    std::vector<std::unique_ptr<RedisSentinel>> sentinels;
};

}  // namespace scout::test