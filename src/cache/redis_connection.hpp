// Private to scout_cache: the hiredis seam. One hiredis async context at a time, its fd watched
// through an asio::posix::stream_descriptor of one io_context, wrapped into token-taking
// async_* operations; hiredis callbacks never leave this layer. Not thread-safe: use it only
// on its io_context's thread.
#pragma once

#include <scout/cache/redis_client.hpp>
#include <scout/core/asio.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct redisAsyncContext;

namespace scout::cache::detail {

using ConnectSignature = void(boost::system::error_code);
using CommandSignature = void(boost::system::error_code, RedisReply);
using ClosedSignature = void();

struct CommandOp;
struct ConnectOp;
struct Watcher;

class RedisConnection {
public:
    // Commands waiting for a reply at once; more fail with kTimeout without being sent (Redis
    // is not keeping up, and each pending command holds memory until its late reply).
    static constexpr std::size_t kMaxInFlight = 4096;

    explicit RedisConnection(asio::io_context& io);
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;
    RedisConnection(RedisConnection&&) = delete;
    RedisConnection& operator=(RedisConnection&&) = delete;
    ~RedisConnection();  // close()

    // Opens a connection to host:port (a host name is resolved asynchronously first), all
    // within `timeout`. Completes with: success; kTimeout; kUnavailable (refused, reset, name
    // not found: last_error() says which); asio::error::operation_aborted when close() was
    // called meanwhile; asio::error::already_open when a connection is open or opening.
    template <typename Token>
    auto async_connect(
        std::string host, int port, std::chrono::milliseconds timeout, Token&& token
    ) {
        return asio::async_initiate<Token, ConnectSignature>(
            [this](auto handler, const std::string& h, int p, std::chrono::milliseconds t) {
                start_connect(std::move(handler), h, p, t);
            },
            token,
            std::move(host),
            port,
            timeout
        );
    }

    // Sends one command and completes with its reply (error replies included) or: kTimeout
    // after `timeout` (the late reply is dropped), kUnavailable (not open, or lost while
    // waiting), kProtocol (unreadable reply stream), operation_aborted (the awaiting operation
    // was cancelled; the reply is dropped too).
    template <typename Token>
    auto async_command(
        std::vector<std::string> args, std::chrono::milliseconds timeout, Token&& token
    ) {
        return asio::async_initiate<Token, CommandSignature>(
            [this](auto handler, const std::vector<std::string>& a, std::chrono::milliseconds t) {
                start_command(std::move(handler), a, t);
            },
            token,
            std::move(args),
            timeout
        );
    }

    // Completes when the open connection is lost or closed; at once when none is open. One
    // waiter at a time: a new waiter completes the previous one at once.
    template <typename Token>
    auto async_wait_closed(Token&& token) {
        return asio::async_initiate<Token, ClosedSignature>(
            [this](auto handler) { start_wait_closed(std::move(handler)); }, token
        );
    }

    // Frees the hiredis context (if any) at once: pending commands complete with kUnavailable,
    // a pending connect with operation_aborted, the closed waiter fires. Must not be called from
    // inside a hiredis callback (only this layer runs those, and it never does). A non-empty
    // `why` becomes last_error().
    void close(std::string why = {});

    // Connected (the connect operation succeeded) and not lost or closed since.
    [[nodiscard]] bool is_open() const { return context_ != nullptr && connected_; }
    // Commands sent whose reply (or drop) hiredis still owes.
    [[nodiscard]] std::size_t in_flight() const { return in_flight_; }
    // What went wrong last (connect failure or connection loss), for logs.
    [[nodiscard]] const std::string& last_error() const { return last_error_; }
    // When Redis last sent anything on this connection: a reply (also one that came after
    // its command timed out) or, before the first reply, the connect.
    [[nodiscard]] std::chrono::steady_clock::time_point last_heard() const { return last_heard_; }

private:
    using ConnectHandler = asio::any_completion_handler<ConnectSignature>;
    using CommandHandler = asio::any_completion_handler<CommandSignature>;
    using ClosedHandler = asio::any_completion_handler<ClosedSignature>;

    void start_connect(
        ConnectHandler handler, const std::string& host, int port, std::chrono::milliseconds timeout
    );
    void start_command(
        CommandHandler handler,
        const std::vector<std::string>& args,
        std::chrono::milliseconds timeout
    );
    void start_wait_closed(ClosedHandler handler);

    void begin_hiredis_connect(
        const std::shared_ptr<ConnectOp>& op, const std::string& ip, int port
    );
    void fail_connect(const std::shared_ptr<ConnectOp>& op, cache_errc code, std::string why);
    void notify_closed();

    // hiredis callbacks (C linkage not required: plain function pointers).
    static void on_connect(const redisAsyncContext* context, int status);
    static void on_disconnect(const redisAsyncContext* context, int status);
    static void on_reply(redisAsyncContext* context, void* reply, void* privdata);

    asio::io_context& io_;
    asio::ip::tcp::resolver resolver_;
    redisAsyncContext* context_ = nullptr;
    std::shared_ptr<Watcher> watcher_;  // of context_ (a fresh one per context)
    std::shared_ptr<ConnectOp> connect_op_;
    bool connected_ = false;
    std::size_t in_flight_ = 0;
    std::chrono::steady_clock::time_point last_heard_{};
    std::optional<ClosedHandler> closed_waiter_;  // optional: see CommandOp on assignment
    std::string last_error_;
};

}  // namespace scout::cache::detail
