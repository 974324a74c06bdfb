// Scout's Redis client (the L2 tier): one hiredis async connection per worker driven by that
// worker's io_context (RedisClient; not thread-safe), and RedisStore, the cache::Store facade
// shared by all workers that routes each call to the calling worker's client (thread-safe).
#pragma once

#include <scout/cache/errors.hpp>
#include <scout/cache/store.hpp>
#include <scout/core/asio.hpp>
#include <scout/monitoring/metrics.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;  // hiredis (kept out of this header)

namespace scout::cache {

// ---- URL -----------------------------------------------------------------------------------

// redis://[user[:password]@]host[:port][/db]. A userinfo without ':' is a password alone
// (legacy form); user and password are percent-decoded. Host: a name, an IPv4 address or a
// bracketed IPv6 address (stored without brackets).
struct RedisUrl {
    std::string host;
    int port = 6379;
    std::string user;      // ACL user; empty = default user (AUTH <password>)
    std::string password;  // secret; empty = no AUTH
    int db = 0;            // SELECT when not 0

    // "host:port/db", without credentials: for logs.
    [[nodiscard]] std::string display() const;
};

// nullopt when `url` is not of the form above.
std::optional<RedisUrl> parse_redis_url(std::string_view url);

// ---- options and counters -----------------------------------------------------------------

struct RedisOptions {
    std::string url = "redis://127.0.0.1:6379/0";    // must parse (parse_redis_url)
    std::chrono::milliseconds command_timeout{50};   // per command: reply or kTimeout
    std::chrono::milliseconds connect_timeout{200};  // resolve + connect + AUTH/SELECT/PING
    std::string key_prefix = "scout:";               // in front of every key of get/set/del
    std::chrono::milliseconds reconnect_min{100};    // first reconnect delay...
    std::chrono::milliseconds reconnect_max{2000};   // ...doubling up to this cap
    // Consecutive command timeouts after which the connection is dropped and re-established
    // (a Redis that hangs with its TCP connection open), provided Redis also sent nothing for
    // that many command_timeouts (a slow Redis whose late replies still arrive is kept);
    // 0 = never.
    int timeouts_before_reconnect = 3;
    // get() reads at most this many bytes of a value (GETRANGE) and fails a larger one with
    // kValueTooLarge, so a huge value planted in Redis is never transferred; 0 = no bound (GET).
    std::size_t max_value_bytes = 0;
    // Redis Sentinel ("host:port" each): when set, every (re)connect asks them in turn for the
    // address of `master_name`, checks it with ROLE, and a READONLY reply drops the connection
    // (a failover demoted the server); `url` then gives only the user, password and db.
    std::vector<std::string> sentinels;
    std::string master_name;  // required with sentinels
};

// Delay before reconnect attempt `attempt` (0 = the first after a failure or a loss):
// d = min(max, min * 2^attempt), jittered to 50-100% of d ("equal jitter"):
// d/2 + unit * d/2, where `unit` is a uniform random number in [0, 1). Never below 1 ms.
std::chrono::milliseconds reconnect_delay(
    int attempt, std::chrono::milliseconds min, std::chrono::milliseconds max, double unit
);

// Shared by the clients of all workers; cells of the metrics registry:
//   scout_redis_commands_total                    commands sent to Redis
//   scout_redis_command_failures_total{reason}    error (failed, not a timeout) | timeout
//   scout_redis_rejected_total                    calls refused at once: not connected
//   scout_redis_connection_events_total{event}    connect | connect_failure | disconnect
//   scout_redis_connections_up                    gauge: worker connections up now
//   scout_redis_command_duration_seconds          sent commands, until reply or timeout
//   scout_redis_master_switches_total             worker connections that followed Sentinel
//                                                 to another master
struct RedisCounters {
    RedisCounters();  // in a registry of its own (a lone client, tests)
    explicit RedisCounters(monitoring::Registry& registry);

    std::unique_ptr<monitoring::Registry> own;  // set by the default constructor only
    monitoring::Counter* commands_total = nullptr;
    monitoring::Counter* errors_total = nullptr;
    monitoring::Counter* timeouts_total = nullptr;
    monitoring::Counter* rejected_total = nullptr;
    monitoring::Counter* connects_total = nullptr;
    monitoring::Counter* connect_failures_total = nullptr;
    monitoring::Counter* disconnects_total = nullptr;
    monitoring::Gauge* available = nullptr;
    monitoring::Histogram* command_duration = nullptr;
    monitoring::Counter* master_switches_total = nullptr;

private:
    void resolve(monitoring::Registry& registry);
};

// A plain snapshot of RedisCounters.
struct RedisStats {
    std::uint64_t commands_total = 0;
    std::uint64_t errors_total = 0;
    std::uint64_t timeouts_total = 0;
    std::uint64_t rejected_total = 0;
    std::uint64_t connects_total = 0;
    std::uint64_t connect_failures_total = 0;
    std::uint64_t disconnects_total = 0;
    std::int64_t available = 0;
    std::uint64_t master_switches_total = 0;
};

RedisStats snapshot(const RedisCounters& counters);

// ---- replies ------------------------------------------------------------------------------

// One Redis reply, copied out of hiredis (binary-safe strings).
struct RedisReply {
    enum class Type { kNil, kString, kStatus, kInteger, kError, kArray };

    Type type = Type::kNil;
    std::string str;                   // kString (bulk), kStatus ("OK"), kError ("ERR ...")
    std::int64_t integer = 0;          // kInteger
    std::vector<RedisReply> elements;  // kArray

    // A deep copy of a hiredis reply (hiredis 0.14 types; unknown types become kError).
    static RedisReply from_hiredis(const ::redisReply& reply);
};

// hiredis' context error (redisContext::err, REDIS_ERR_*) as a cache_errc: I/O, EOF and
// "other" -> kUnavailable (the connection is gone), protocol -> kProtocol, OOM -> kStoreError.
// 0 (no error: closed on purpose) -> kUnavailable.
cache_errc from_hiredis_error(int err);

// Reply mapping of the typed commands (kError replies -> kStoreError, wrong shapes -> kProtocol).
// GET: bulk string -> value, nil -> nullopt.
boost::system::result<std::optional<std::string>> map_get_reply(const RedisReply& reply);
// GETRANGE key 0 max: a bulk string of at most max + 1 bytes; empty = no such key (values
// are never empty), max + 1 bytes = larger than max (kValueTooLarge).
boost::system::result<std::optional<std::string>> map_getrange_reply(
    const RedisReply& reply, std::size_t max
);
// SET ... PX: status OK.
boost::system::error_code map_set_reply(const RedisReply& reply);
// SET ... NX PX: OK -> true (set), nil -> false (the key existed).
boost::system::result<bool> map_set_nx_reply(const RedisReply& reply);
// DEL: the number of keys removed.
boost::system::result<std::int64_t> map_del_reply(const RedisReply& reply);
// PING: status PONG.
boost::system::error_code map_ping_reply(const RedisReply& reply);

// ---- the per-worker client ----------------------------------------------------------------

// One connection to Redis for one worker. Construct it and call start() before or from the
// worker's io_context thread; call everything else (and destroy it) on that thread, or after
// the io_context stopped running. Every operation completes on the io_context.
//
// Availability: start() connects in the background (Redis being down at start-up is not an
// error: a warning is logged and attempts go on). While not connected every call returns
// cache_errc::kUnavailable at once, and a background coroutine reconnects with capped,
// jittered exponential backoff (reconnect_min doubling to reconnect_max). A warning is logged
// when the connection goes down, an info line when it comes up (once per transition).
//
// With options.sentinels every connect first asks Sentinel for the master (redis_sentinel.hpp)
// and checks ROLE; a lost connection or a READONLY reply leads to asking again, so a failover
// is followed like any other outage.
//
// Each command has a deadline (command_timeout): the caller gets kTimeout at once; the late
// reply is dropped when it comes. A Redis error reply is kStoreError; a connection lost while
// waiting is kUnavailable. Keys of get/set/set_nx/del get key_prefix in front.
//
// Needs SIGPIPE ignored (hiredis writes with write(2)): start() sets SIGPIPE to SIG_IGN if it
// still has the default disposition.
class RedisClient {
public:
    // Throws std::invalid_argument when options.url does not parse (a start-up error).
    // `counters` may be shared by the clients of all workers; null = counters of its own.
    RedisClient(
        asio::io_context& io,
        RedisOptions options,
        std::shared_ptr<RedisCounters> counters = nullptr
    );
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;
    RedisClient(RedisClient&&) = delete;
    RedisClient& operator=(RedisClient&&) = delete;
    ~RedisClient();  // stop()

    // Starts connecting (and reconnecting, forever) in the background. Idempotent.
    void start();
    // Cancels the reconnect loop and frees the hiredis context: pending commands complete with
    // kUnavailable, later calls return kUnavailable. Idempotent; the client cannot restart.
    void stop();

    // Connected and ready (handshake done). Cheap; may be read from any thread.
    [[nodiscard]] bool available() const;
    // host:port of the server this client connects to: redis.url's, or the master Sentinel
    // named last. May be read from any thread.
    [[nodiscard]] std::string master() const;

    // Sends one command (binary-safe, no key prefix applied) and returns Redis' reply,
    // kError replies included. Fails with kUnavailable, kTimeout, kProtocol.
    awaitable<boost::system::result<RedisReply>> command(std::vector<std::string> args);

    // GET prefix+key (GETRANGE when options().max_value_bytes is set).
    awaitable<boost::system::result<std::optional<std::string>>> get(std::string key);
    // SET prefix+key value PX ttl (ttl > 0, else invalid_argument).
    awaitable<boost::system::error_code> set(
        std::string key, std::string value, std::chrono::milliseconds ttl
    );
    // SET prefix+key value NX PX ttl: true when it was set, false when the key existed (the
    // distributed single-flight lock).
    awaitable<boost::system::result<bool>> set_nx(
        std::string key, std::string value, std::chrono::milliseconds ttl
    );
    // DEL prefix+key: the number of keys removed (0 or 1).
    awaitable<boost::system::result<std::int64_t>> del(std::string key);
    // Deletes prefix+key only if it holds `value`, atomically (a Lua script): the number of
    // keys removed (0 or 1). Releases a lock without deleting another owner's.
    awaitable<boost::system::result<std::int64_t>> del_if_equal(std::string key, std::string value);
    // PING.
    awaitable<boost::system::error_code> ping();

    // key_prefix + key: for keys of raw command()s.
    [[nodiscard]] std::string key(std::string_view key) const;
    [[nodiscard]] asio::io_context& context() const;
    [[nodiscard]] const RedisOptions& options() const;
    [[nodiscard]] RedisStats stats() const;
    [[nodiscard]] const std::shared_ptr<RedisCounters>& counters() const;

    struct Impl;  // the connection, reconnect loop and state; shared with the loop

private:
    std::shared_ptr<Impl> impl_;
};

// ---- the Store facade ---------------------------------------------------------------------

// cache::Store over one RedisClient per worker: each call goes to the client whose io_context
// runs on the calling thread (one TieredCache holds one RedisStore* for all workers). A call
// from a thread that runs none of them gets kUnavailable. Thread-safe: the client list is fixed
// at construction.
class RedisStore final : public Store {
public:
    // One client per worker (distinct io_contexts); none null. They must outlive the store.
    explicit RedisStore(std::vector<RedisClient*> clients);

    awaitable<boost::system::result<std::optional<std::string>>> get(std::string key) override;
    awaitable<boost::system::error_code> set(
        std::string key, std::string value, std::chrono::milliseconds ttl
    ) override;
    awaitable<boost::system::result<bool>> set_nx(
        std::string key, std::string value, std::chrono::milliseconds ttl
    );
    awaitable<boost::system::result<std::int64_t>> del(std::string key);

    // The cross-instance single-flight lock on `key` (SET NX PX under a fresh random owner
    // token from OpenSSL's CSPRNG): the token when this caller got the lock, nullopt when
    // another owner holds it, an error when Redis failed.
    awaitable<boost::system::result<std::optional<std::string>>> try_lock(
        std::string key, std::chrono::milliseconds ttl
    );
    // Releases the lock if `token` still owns it (compare-and-delete): true when released,
    // false when it had expired or passed to another owner.
    awaitable<boost::system::result<bool>> unlock(std::string key, std::string token);

    // On a worker thread: that worker's connection is up. Elsewhere: any connection is up.
    [[nodiscard]] bool available() const override;

    // The client of the calling thread's worker; nullptr off the workers.
    [[nodiscard]] RedisClient* client_for_this_thread() const;

    // How many of the workers' connections are up, of how many: the process-wide view a
    // health report needs (each worker reconnects on its own, so they can differ).
    struct Connections {
        std::size_t up = 0;
        std::size_t total = 0;
    };
    [[nodiscard]] Connections connections() const;

private:
    std::vector<RedisClient*> clients_;
};

}  // namespace scout::cache
