#include <scout/http/request_id.hpp>
#include <scout/http/response.hpp>
#include <scout/http/server.hpp>
#include <scout/log/log.hpp>

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <exception>
#include <list>
#include <optional>
#include <system_error>
#include <thread>

namespace scout::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

const log::Logger& logger() {
    static const log::Logger instance("http");
    return instance;
}

// Live connections of one worker, touched only on that worker's thread.
struct Connection {
    beast::tcp_stream* stream = nullptr;
};

}  // namespace

class Worker {
public:
    Worker(Server& server, std::size_t index)
        : server_(server),
          index_(index),
          acceptor_(io_),
          guard_(asio::make_work_guard(io_)),
          header_too_large_(
              "request header exceeds " + std::to_string(server.options_.max_header_bytes) +
              " bytes"
          ),
          body_too_large_(
              "request body exceeds " + std::to_string(server.options_.max_body_bytes) + " bytes"
          ) {}

    void listen(const tcp::endpoint& endpoint) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        const int one = 1;
        if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) !=
            0) {
            throw std::system_error(errno, std::generic_category(), "setsockopt(SO_REUSEPORT)");
        }
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }

    [[nodiscard]] std::uint16_t local_port() const { return acceptor_.local_endpoint().port(); }

    void start(std::shared_ptr<const Pipeline> pipeline) {
        pipeline_ = std::move(pipeline);
        asio::co_spawn(io_, accept_loop(), [](const std::exception_ptr& error) {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    logger().error("accept loop failed", {{"error", e.what()}});
                }
            }
        });
        thread_ = std::thread([this] { io_.run(); });
    }

    void drain() {
        asio::post(io_, [this] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
        });
    }

    void close_all() {
        asio::post(io_, [this] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            for (const Connection& connection : connections_) {
                connection.stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
                connection.stream->socket().close(ignored);
            }
        });
    }

    void stop() {
        guard_.reset();
        io_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    asio::io_context& io() { return io_; }

private:
    awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
                    co_return;
                }
                // EMFILE and friends: log and keep accepting after a short pause.
                logger().warn("accept failed", {{"error", ec.message()}});
                asio::steady_timer pause(io_, std::chrono::milliseconds(50));
                co_await pause.async_wait(nothrow);
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            asio::co_spawn(io_, session(std::move(socket)), [](const std::exception_ptr& error) {
                if (error) {
                    try {
                        std::rethrow_exception(error);
                    } catch (const std::exception& e) {
                        logger().error("session failed", {{"error", e.what()}});
                    }
                }
            });
        }
    }

    // Writes a response produced outside the pipeline (limits, parse errors), then the
    // caller closes the connection.
    awaitable<void> reject(
        beast::tcp_stream& stream,
        Status status,
        std::string_view code,
        std::string_view message,
        const std::string& client
    ) {
        const std::string request_id = mint_request_id();
        Response response = error_response(status, code, message, request_id);
        response.set("X-Request-ID", request_id);
        response.keep_alive(false);
        logger().warn(
            "request rejected",
            {{"status", static_cast<int>(status)},
             {"reason", code},
             {"client", client},
             {"request_id", request_id}}
        );
        std::string head;
        co_await write(stream, response, head);
    }

    // Writes `response`: its head (formatted into `head`, a buffer the connection reuses) and
    // its body in one gather write, under the write timeout. Beast's serializer is not used on
    // this path: its buffer-sequence iteration cost more than the 15 KB copy of a cache hit.
    awaitable<boost::system::error_code> write(
        beast::tcp_stream& stream, const Response& response, std::string& head
    ) {
        stream.expires_after(server_.options_.write_timeout);
        if (response.chunked()) {
            // Not produced today (every body has a known size); Beast frames the chunks.
            auto [ec, written] = co_await bhttp::async_write(stream, response, nothrow);
            co_return ec;
        }
        head.clear();
        append_head(response, head);
        const std::string_view body = response.body().view();
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(head), asio::buffer(body.data(), body.size())};
        auto [ec, written] = co_await asio::async_write(stream, buffers, nothrow);
        co_return ec;
    }

    // 413: a declared Content-Length over the limit (Beast checks it while reading the
    // header) or a chunked body that grows past it.
    awaitable<void> reject_too_large(beast::tcp_stream& stream, const std::string& client) {
        co_await reject(
            stream, Status::payload_too_large, "payload_too_large", body_too_large_, client
        );
    }

    awaitable<void> session(tcp::socket socket) {
        const ServerOptions& options = server_.options_;
        std::string client;
        {
            boost::system::error_code ec;
            const auto remote = socket.remote_endpoint(ec);
            if (!ec) {
                client = remote.address().to_string() + ":" + std::to_string(remote.port());
            }
        }
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        std::string head;  // response head, reused for every response on this connection
        const auto self = connections_.insert(connections_.end(), Connection{&stream});
        server_.open_connections_.fetch_add(1, std::memory_order_relaxed);
        struct Cleanup {
            Worker& worker;
            std::list<Connection>::iterator it;
            Cleanup(Worker& w, std::list<Connection>::iterator i) : worker(w), it(i) {}
            Cleanup(const Cleanup&) = delete;
            Cleanup& operator=(const Cleanup&) = delete;
            Cleanup(Cleanup&&) = delete;
            Cleanup& operator=(Cleanup&&) = delete;
            ~Cleanup() {
                worker.connections_.erase(it);
                worker.server_.open_connections_.fetch_sub(1, std::memory_order_relaxed);
            }
        } cleanup{*this, self};

        for (;;) {
            // A fresh parser per request (Beast's post-1.81 fix); the timeout is re-armed
            // before every read, so an idle or slow client is cut off.
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
            parser.body_limit(options.max_body_bytes);
            stream.expires_after(options.header_timeout);
            auto [read_ec, header_bytes] =
                co_await bhttp::async_read_header(stream, buffer, parser, nothrow);
            if (read_ec) {
                if (read_ec == bhttp::error::header_limit) {
                    co_await reject(
                        stream,
                        Status::request_header_fields_too_large,
                        "header_too_large",
                        header_too_large_,
                        client
                    );
                } else if (read_ec == bhttp::error::body_limit) {
                    co_await reject_too_large(stream, client);
                } else if (read_ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() && read_ec != bhttp::error::end_of_stream && read_ec != bhttp::error::partial_message) {
                    co_await reject(
                        stream, Status::bad_request, "bad_request", "malformed HTTP request", client
                    );
                } else if (read_ec == beast::error::timeout) {
                    logger().debug(
                        "connection timed out waiting for a request header", {{"client", client}}
                    );
                }
                break;
            }

            server_.active_requests_.fetch_add(1, std::memory_order_relaxed);
            struct ActiveGuard {
                std::atomic<std::size_t>& counter;
                explicit ActiveGuard(std::atomic<std::size_t>& c) : counter(c) {}
                ActiveGuard(const ActiveGuard&) = delete;
                ActiveGuard& operator=(const ActiveGuard&) = delete;
                ActiveGuard(ActiveGuard&&) = delete;
                ActiveGuard& operator=(ActiveGuard&&) = delete;
                ~ActiveGuard() { counter.fetch_sub(1, std::memory_order_relaxed); }
            } active{server_.active_requests_};

            if (!parser.is_done()) {
                const auto expect = parser.get()[bhttp::field::expect];
                if (beast::iequals(expect, "100-continue")) {
                    bhttp::response<bhttp::empty_body> interim{
                        bhttp::status::continue_, parser.get().version()};
                    stream.expires_after(options.write_timeout);
                    auto [ec, n] = co_await bhttp::async_write(stream, interim, nothrow);
                    if (ec) {
                        break;
                    }
                }
                stream.expires_after(options.body_timeout);
                auto [body_ec, body_bytes] =
                    co_await bhttp::async_read(stream, buffer, parser, nothrow);
                if (body_ec == bhttp::error::body_limit) {
                    co_await reject_too_large(stream, client);
                    break;
                }
                if (body_ec) {
                    if (body_ec != beast::error::timeout &&
                        body_ec != bhttp::error::end_of_stream &&
                        body_ec != bhttp::error::partial_message && body_ec != asio::error::eof &&
                        body_ec != asio::error::connection_reset &&
                        body_ec != asio::error::operation_aborted &&
                        body_ec != asio::error::bad_descriptor) {
                        co_await reject(
                            stream,
                            Status::bad_request,
                            "bad_request",
                            "malformed request body",
                            client
                        );
                    }
                    break;
                }
            }

            RequestContext ctx;
            ctx.request = parser.release();
            ctx.client_address = client;
            ctx.start = std::chrono::steady_clock::now();
            const bool is_head = ctx.request.method() == Verb::head;
            Response response = co_await pipeline_->handle(ctx);

            const bool keep_alive = ctx.request.keep_alive() && !server_.draining();
            response.version(ctx.request.version());
            response.keep_alive(keep_alive);
            response.prepare_payload();
            if (response.result() == Status::not_modified) {
                // Beast sets "Content-Length: 0"; a 304 may only carry the length the 200
                // would have had (RFC 9110 8.6), so it carries none.
                response.erase(bhttp::field::content_length);
            } else if (is_head) {
                const auto length = response.body().size();
                response.body().clear();
                response.content_length(length);
            }
            const boost::system::error_code write_ec = co_await write(stream, response, head);
            if (write_ec || !keep_alive) {
                break;
            }
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream.socket().close(ignored);
    }

    Server& server_;
    std::size_t index_;
    asio::io_context io_{1};
    tcp::acceptor acceptor_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_;
    std::shared_ptr<const Pipeline> pipeline_;
    std::list<Connection> connections_;
    std::thread thread_;
    // Rejection messages, built once. Arguments of a co_await'ed call are named objects:
    // GCC 12 may destroy temporaries in a co_await expression twice.
    const std::string header_too_large_;
    const std::string body_too_large_;
};

Server::Server(ServerOptions options, PipelineFactory factory)
    : options_(std::move(options)), factory_(std::move(factory)) {
    const std::size_t threads = options_.threads == 0 ? 1 : options_.threads;
    workers_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        workers_.push_back(std::make_unique<Worker>(*this, i));
    }
}

Server::~Server() {
    stop();
}

asio::io_context& Server::worker_context(std::size_t index) {
    return workers_.at(index)->io();
}

void Server::start() {
    const auto address = asio::ip::make_address(options_.host);
    tcp::endpoint endpoint(address, options_.port);
    // The first listener resolves port 0; the others join the same port.
    for (auto& worker : workers_) {
        worker->listen(endpoint);
        endpoint.port(worker->local_port());
    }
    port_ = endpoint.port();
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        workers_[i]->start(factory_(workers_[i]->io(), i));
    }
}

void Server::drain() {
    if (draining_.exchange(true)) {
        return;
    }
    for (auto& worker : workers_) {
        worker->drain();
    }
}

void Server::close_all() {
    for (auto& worker : workers_) {
        worker->close_all();
    }
}

void Server::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    for (auto& worker : workers_) {
        worker->stop();
    }
}

}  // namespace scout::http
