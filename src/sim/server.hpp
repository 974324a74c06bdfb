// scout-sim's HTTP/1.1 server: one acceptor, one coroutine per connection (keep-alive,
// pipelined requests answered in order), all waiting done with async timers so a slow or
// hanging response never blocks other connections. Runs on one io_context; not thread-safe.
#pragma once

#include <scout/core/asio.hpp>

#include "sim/handler.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace scout::sim {

// Whether the connected peer has a loopback address (IPv4-mapped IPv6 included); false when
// the address cannot be read.
bool is_loopback_peer(const asio::ip::tcp::socket& socket);

class Server {
public:
    // Binds and listens at once; throws boost::system::system_error when that fails.
    Server(asio::io_context& ioc, Handler& handler, const asio::ip::tcp::endpoint& endpoint);

    [[nodiscard]] asio::ip::tcp::endpoint local_endpoint() const;

    // Starts accepting (co_spawn on the io_context).
    void start();
    // Stops accepting; open connections live until the io_context stops.
    void stop();

private:
    awaitable<void> accept_loop();
    awaitable<void> session(asio::ip::tcp::socket socket);
    awaitable<void> hold_open(boost::beast::tcp_stream& stream);

    asio::io_context& ioc_;
    Handler& handler_;
    asio::ip::tcp::acceptor acceptor_;
};

}  // namespace scout::sim
