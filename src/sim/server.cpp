#include "sim/server.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <exception>
#include <variant>

namespace scout::sim {

namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kHangLimit = std::chrono::seconds(60);
constexpr std::uint64_t kBodyLimit = 1U << 20U;
constexpr std::uint32_t kHeaderLimit = 64U << 10U;

void log_exception(std::exception_ptr error) {
    if (!error) {
        return;
    }
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::warn("connection failed: {}", e.what());
    } catch (...) {
        spdlog::warn("connection failed: unknown exception");
    }
}

bool is_disconnect(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == beast::error::timeout ||
           ec == asio::error::connection_reset || ec == asio::error::eof ||
           ec == asio::error::operation_aborted || ec == asio::error::broken_pipe;
}

}  // namespace

bool is_loopback_peer(const tcp::socket& socket) {
    boost::system::error_code ec;
    const asio::ip::address address = socket.remote_endpoint(ec).address();
    if (ec) {
        return false;
    }
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {  // ::ffff:127.0.0.1
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
    }
    return address.is_loopback();
}

Server::Server(asio::io_context& ioc, Handler& handler, const tcp::endpoint& endpoint)
    : ioc_(ioc), handler_(handler), acceptor_(ioc) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

tcp::endpoint Server::local_endpoint() const {
    return acceptor_.local_endpoint();
}

void Server::start() {
    asio::co_spawn(ioc_, accept_loop(), &log_exception);
}

void Server::stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

awaitable<void> Server::accept_loop() {
    while (acceptor_.is_open()) {
        auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
                co_return;
            }
            spdlog::warn("accept failed: {}", ec.message());
            asio::steady_timer pause(ioc_, std::chrono::milliseconds(50));  // e.g. EMFILE
            (void)co_await pause.async_wait(nothrow);
            continue;
        }
        asio::co_spawn(ioc_, session(std::move(socket)), &log_exception);
    }
}

awaitable<void> Server::session(tcp::socket socket) {
    const bool loopback_peer = is_loopback_peer(socket);
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;  // a fresh parser per request
        parser.body_limit(kBodyLimit);
        parser.header_limit(kHeaderLimit);
        stream.expires_after(kIdleTimeout);
        auto [read_ec, bytes] = co_await http::async_read(stream, buffer, parser, nothrow);
        (void)bytes;
        if (read_ec) {
            if (!is_disconnect(read_ec)) {
                // Malformed request: answer 400 once, then close.
                HttpResponse response{http::status::bad_request, 11};
                response.set(http::field::server, "scout-sim");
                response.set(http::field::content_type, "text/plain;charset=UTF-8");
                response.body() = "Bad Request: " + read_ec.message();
                response.keep_alive(false);
                response.prepare_payload();
                stream.expires_after(kWriteTimeout);
                (void)co_await http::async_write(stream, response, nothrow);
            }
            break;
        }
        HttpRequest request = parser.release();
        Outcome outcome = handler_.handle(request, loopback_peer);

        if (outcome.delay.count() > 0) {
            asio::steady_timer timer(stream.get_executor());
            timer.expires_after(outcome.delay);
            (void)co_await timer.async_wait(nothrow);
        }
        if (outcome.action == Outcome::Action::kReset) {
            boost::system::error_code ec;
            stream.socket().set_option(asio::socket_base::linger(true, 0), ec);
            stream.socket().close(ec);  // SO_LINGER 0: the kernel sends RST
            co_return;
        }
        if (outcome.action == Outcome::Action::kHang) {
            co_await hold_open(stream);
            co_return;
        }
        const bool keep_alive = request.keep_alive();
        outcome.response.keep_alive(keep_alive);
        stream.expires_after(kWriteTimeout);
        auto [write_ec, written] = co_await http::async_write(stream, outcome.response, nothrow);
        (void)written;
        if (write_ec || !keep_alive) {
            break;
        }
    }
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

awaitable<void> Server::hold_open(beast::tcp_stream& stream) {
    using namespace asio::experimental::awaitable_operators;
    stream.expires_never();
    asio::steady_timer timer(stream.get_executor());
    timer.expires_after(kHangLimit);
    std::array<char, 1024> sink{};
    for (;;) {
        // Whatever the client sends is ignored; it going away (EOF/RST) or the time limit
        // ends the hold.
        auto outcome = co_await (
            stream.socket().async_read_some(asio::buffer(sink), nothrow) ||
            timer.async_wait(nothrow)
        );
        if (outcome.index() == 1) {
            break;
        }
        const auto [ec, n] = std::get<0>(outcome);
        (void)n;
        if (ec) {
            break;
        }
    }
    boost::system::error_code ec;
    stream.socket().close(ec);
}

}  // namespace scout::sim
