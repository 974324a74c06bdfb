// The HTTP/1.1 server: N worker threads, each with its own io_context and its own listening
// socket on the same port (SO_REUSEPORT); a connection lives and dies on one worker.
// start/drain/close_all/stop may be called from any thread; the pipeline factory runs once
// per worker before the workers start. Limits (RFC 9112 framing, connection cap, timeouts,
// lingering close) are described in docs/operations.md "HTTP limits".
#pragma once

#include <scout/core/asio.hpp>
#include <scout/http/pipeline.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace scout::http {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 = any free port (see Server::port())
    std::size_t threads = 1;
    std::size_t max_body_bytes = 1U << 20U;
    std::size_t max_header_bytes = 16U << 10U;
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds body_timeout{30'000};
    std::chrono::milliseconds write_timeout{30'000};
    // Keep-alive: how long a connection may wait for the first byte of its next request.
    std::chrono::milliseconds idle_timeout{60'000};
    // 0 = unlimited; the last response on a connection carries `Connection: close`.
    std::size_t max_requests_per_connection = 1000;
    // Per process, split evenly over the workers (each takes ceil(max / threads)); lowered at
    // start() to what RLIMIT_NOFILE allows after a reserve for outbound sockets.
    std::size_t max_connections = 10'000;
    // Lingering close after an early error response: discard what the client still sends for
    // at most this long and this many bytes, so it reads the error instead of a reset.
    std::chrono::milliseconds linger_time{5'000};
    std::size_t linger_bytes = 64U << 20U;
};

class Worker;

class Server {
public:
    // Builds the pipeline of one worker; it may create per-worker clients on `io`.
    using PipelineFactory =
        std::function<std::shared_ptr<const Pipeline>(asio::io_context& io, std::size_t worker)>;

    Server(ServerOptions options, PipelineFactory factory);
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    Server(Server&&) = delete;
    Server& operator=(Server&&) = delete;
    ~Server();

    // Raises the open-file limit, binds every listener and starts the worker threads. Throws
    // std::system_error when the address cannot be bound, also when another process already
    // listens on it (SO_REUSEPORT would otherwise share the port with it silently).
    void start();

    // The bound port (useful with port 0).
    [[nodiscard]] std::uint16_t port() const { return port_; }

    // Stops accepting and closes idle keep-alive connections; requests in progress are still
    // served, each response carrying `Connection: close`.
    void drain();
    [[nodiscard]] bool draining() const { return draining_.load(std::memory_order_relaxed); }

    // Requests whose header has been read and whose response is not yet written.
    [[nodiscard]] std::size_t active_requests() const {
        return active_requests_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] std::size_t open_connections() const {
        return open_connections_.load(std::memory_order_relaxed);
    }
    // Times a worker reached its share of max_connections and stopped accepting (for
    // scout_http_connection_limit_reached_total).
    [[nodiscard]] std::uint64_t connection_limit_reached() const {
        return connection_limit_reached_.load(std::memory_order_relaxed);
    }
    // max_connections after start() fitted it to the open-file limit.
    [[nodiscard]] std::size_t max_connections() const { return options_.max_connections; }

    // Closes every connection now (after a drain, or when the grace period is over).
    void close_all();

    // Stops the workers, joins their threads and destroys the sessions still suspended (their
    // handlers never resume), while the state they refer to is alive. Idempotent.
    void stop();

    [[nodiscard]] std::size_t worker_count() const { return workers_.size(); }
    asio::io_context& worker_context(std::size_t index);

private:
    friend class Worker;

    ServerOptions options_;
    PipelineFactory factory_;
    std::uint16_t port_ = 0;
    // Declared before workers_: a session destroyed with its worker still updates them.
    std::atomic<bool> draining_{false};
    std::atomic<std::size_t> active_requests_{0};
    std::atomic<std::size_t> open_connections_{0};
    std::atomic<std::uint64_t> connection_limit_reached_{0};
    std::vector<std::unique_ptr<Worker>> workers_;
    bool stopped_ = false;
};

}  // namespace scout::http
