#include <scout/http/request_id.hpp>
#include <scout/http/response.hpp>
#include <scout/http/server.hpp>
#include <scout/http/yield_queue.hpp>
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

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <exception>
#include <list>
#include <system_error>
#include <thread>
#include <tuple>

namespace scout::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

using Parser = bhttp::request_parser<bhttp::string_body>;
using Clock = std::chrono::steady_clock;

const log::Logger& logger() {
    static const log::Logger instance("http");
    return instance;
}

// The first read of a request: usually the whole header in one system call.
constexpr std::size_t kFirstReadBytes = 16U << 10U;
// Room beyond the header limit for chunk-size lines, extensions and trailers (Beast 1.81 does
// not limit them; a full buffer fails the read with buffer_overflow).
constexpr std::size_t kChunkHeaderBytes = 16U << 10U;
// Connections refused for their client's rate (429) let go per turn of a worker's event loop.
// A flood over its limit then costs a well-behaved client's request the handling of about
// this many 429s, not of one per flooding connection; each turn also costs the flood one poll
// for I/O (at 4, the 429s fell to 0.87x the rate of /health in one run; docs/performance.md,
// rate limiter).
constexpr std::size_t kYieldedPerTurn = 8;
// Repeated warnings (accept failures, connection cap) are logged at most this often.
constexpr auto kWarnInterval = std::chrono::seconds(10);

// True when a warning last logged at `last` may be logged again now (and notes it).
bool warn_due(Clock::time_point& last) {
    const auto now = Clock::now();
    if (last != Clock::time_point{} && now - last < kWarnInterval) {
        return false;
    }
    last = now;
    return true;
}

// Live connections of one worker, touched only on that worker's thread.
struct Connection {
    beast::tcp_stream* stream = nullptr;
    bool idle = false;  // waiting for the first byte of a request: nothing to cut if closed
};

// An error answered before the pipeline runs; the connection closes after it.
struct Rejection {
    Status status = Status::bad_request;
    std::string_view code = "bad_request";
    std::string_view message;  // a literal or a string owned by the Worker
};

// What reading (part of) a request led to.
enum class Step { kContinue, kClose, kReject };
struct ReadResult {
    Step step = Step::kContinue;
    Rejection rejection;
};

constexpr ReadResult kClosed{Step::kClose, {}};

ReadResult rejected(Status status, std::string_view code, std::string_view message) {
    return {Step::kReject, {status, code, message}};
}

ReadResult bad_request(std::string_view message) {
    return rejected(Status::bad_request, "bad_request", message);
}

// A parse error of Beast's (rather than a transport error or the peer going away).
bool is_malformed(const boost::system::error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

// True when the Transfer-Encoding fields together list exactly one coding, "chunked".
bool only_chunked(const Request::header_type& header) {
    std::size_t codings = 0;
    const auto [first, last] = header.equal_range(bhttp::field::transfer_encoding);
    for (auto it = first; it != last; ++it) {
        std::string_view rest = it->value();
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            std::string_view coding = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            const auto begin = coding.find_first_not_of(" \t");
            const auto end = coding.find_last_not_of(" \t");
            coding = begin == std::string_view::npos ? std::string_view{}
                                                     : coding.substr(begin, end - begin + 1);
            if (++codings > 1 || !beast::iequals(coding, "chunked")) {
                return false;
            }
        }
    }
    return codings == 1;
}

// RFC 9112 framing rules that Beast 1.81 does not enforce (request smuggling through a proxy
// that frames differently, 6.1 and 6.3; Host, 3.2). Empty when the header is acceptable.
std::string_view framing_error(const Request::header_type& header) {
    if (header.count(bhttp::field::transfer_encoding) != 0) {
        if (header.version() < 11) {
            return "Transfer-Encoding is not allowed in HTTP/1.0";
        }
        if (header.count(bhttp::field::content_length) != 0) {
            return "Transfer-Encoding and Content-Length together";
        }
        if (!only_chunked(header)) {
            return "Transfer-Encoding must be exactly \"chunked\"";
        }
    }
    if (header.version() >= 11 && header.count(bhttp::field::host) != 1) {
        return "an HTTP/1.1 request needs exactly one Host header";
    }
    return {};
}

// Raises the soft RLIMIT_NOFILE to the hard limit and returns `wanted` lowered, if need be, so
// that a reserve of descriptors stays free for outbound sockets (curl's 32 connections and a
// Redis connection per worker), log files, epoll and the listeners.
std::size_t fit_to_open_file_limit(std::size_t wanted, std::size_t workers) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return wanted;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
        }
    }
    if (limit.rlim_cur == RLIM_INFINITY) {
        return wanted;
    }
    const auto fds = static_cast<std::size_t>(limit.rlim_cur);
    const std::size_t reserve = std::min(fds / 2, 64 + 40 * workers);
    const std::size_t allowed = fds - reserve;
    if (wanted <= allowed) {
        return wanted;
    }
    logger().warn(
        "server.max_connections lowered to fit the open-file limit",
        {{"max_connections", allowed},
         {"configured", wanted},
         {"open_file_limit", fds},
         {"reserved_fds", reserve}}
    );
    return allowed;
}

// Binds `endpoint` once without SO_REUSEPORT, so that it fails when any process already
// listens there: the workers' SO_REUSEPORT listeners would otherwise share that process's port
// silently. Returns the port it got (resolves port 0).
std::uint16_t claim_port(asio::io_context& io, const tcp::endpoint& endpoint) {
    tcp::acceptor probe(io);
    probe.open(endpoint.protocol());
    probe.set_option(asio::socket_base::reuse_address(true));
    boost::system::error_code ec;
    probe.bind(endpoint, ec);
    if (ec) {
        throw std::system_error(
            ec.value(),
            std::generic_category(),
            "cannot bind " + endpoint.address().to_string() + ":" +
                std::to_string(endpoint.port()) + " (is another process listening on it?)"
        );
    }
    return probe.local_endpoint().port();
}

// An io_context whose pending handlers can be destroyed before the context is: suspended
// sessions then die while the worker state they refer to is still alive.
class WorkerContext : public asio::io_context {
public:
    using asio::io_context::io_context;
    void destroy_pending_handlers() { shutdown(); }  // idempotent; ~io_context repeats it
};

void log_failure(const char* what, const std::exception_ptr& error) {
    if (!error) {
        return;
    }
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        logger().error(what, {{"error", e.what()}});
    }
}

}  // namespace

class Worker {
public:
    Worker(Server& server, std::size_t index)
        : server_(server),
          index_(index),
          header_too_large_(
              "request header exceeds " + std::to_string(server.options_.max_header_bytes) +
              " bytes"
          ),
          body_too_large_(
              "request body exceeds " + std::to_string(server.options_.max_body_bytes) + " bytes"
          ) {}
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    Worker(Worker&&) = delete;
    Worker& operator=(Worker&&) = delete;

    ~Worker() {
        stop();
        // Sessions held by the pipeline's clients (an upstream call in flight) are destroyed
        // with it; their frames unwind on io_, while connections_ is still alive.
        pipeline_.reset();
        io_.destroy_pending_handlers();
    }

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

    void start(std::shared_ptr<const Pipeline> pipeline, std::size_t max_connections) {
        pipeline_ = std::move(pipeline);
        max_connections_ = max_connections;
        asio::co_spawn(io_, accept_loop(), [](const std::exception_ptr& error) {
            log_failure("accept loop failed", error);
        });
        thread_ = std::thread([this] { io_.run(); });
    }

    void drain() {
        asio::post(io_, [this] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            slot_freed_.cancel();
            yield_queue_.release_all();
            // Idle keep-alive connections have nothing in flight: close them now rather than
            // cut them mid-request later.
            for (const Connection& connection : connections_) {
                if (connection.idle) {
                    connection.stream->cancel();
                }
            }
        });
    }

    void close_all() {
        asio::post(io_, [this] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            slot_freed_.cancel();
            yield_queue_.release_all();
            for (const Connection& connection : connections_) {
                connection.stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
                connection.stream->socket().close(ignored);
            }
        });
    }

    void stop() {
        if (stopped_) {
            return;
        }
        guard_.reset();
        io_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
        stopped_ = true;
        io_.destroy_pending_handlers();
    }

    asio::io_context& io() { return io_; }

private:
    // One connection: lives in its session's coroutine frame and is registered with the
    // worker so that drain() and close_all() can reach it.
    struct Session {
        Session(Worker& w, tcp::socket socket)
            : worker(w),
              stream(std::move(socket)),
              turn(stream.get_executor()),
              buffer(w.server_.options_.max_header_bytes + kChunkHeaderBytes),
              registration(
                  worker.connections_.insert(worker.connections_.end(), Connection{&stream})
              ) {
            boost::system::error_code ec;
            const auto remote = stream.socket().remote_endpoint(ec);
            if (!ec) {
                client = remote.address().to_string() + ":" + std::to_string(remote.port());
            }
            worker.server_.open_connections_.fetch_add(1, std::memory_order_relaxed);
        }
        Session(const Session&) = delete;
        Session& operator=(const Session&) = delete;
        Session(Session&&) = delete;
        Session& operator=(Session&&) = delete;
        ~Session() {
            end_request();
            worker.connections_.erase(registration);
            worker.server_.open_connections_.fetch_sub(1, std::memory_order_relaxed);
            if (!worker.stopped_) {
                worker.slot_freed_.cancel();  // wakes an accept loop waiting at the cap
            }
        }

        // Counted in Server::active_requests() from its header to its response.
        void begin_request() {
            ++requests;
            in_request = true;
            worker.server_.active_requests_.fetch_add(1, std::memory_order_relaxed);
        }
        void end_request() {
            if (in_request) {
                in_request = false;
                worker.server_.active_requests_.fetch_sub(1, std::memory_order_relaxed);
            }
        }

        Worker& worker;
        beast::tcp_stream stream;
        asio::steady_timer turn;    // its wait in the worker's YieldQueue
        beast::flat_buffer buffer;  // bounded: an endless chunk extension cannot grow it
        std::string head;           // response head, reused for every response
        std::string client;         // "ip:port"
        std::size_t requests = 0;   // requests started on this connection
        bool in_request = false;
        std::list<Connection>::iterator registration;
    };

    awaitable<void> accept_loop() {
        for (;;) {
            if (!co_await wait_for_slot()) {
                co_return;
            }
            auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
                    co_return;
                }
                // EMFILE and friends (the fd reserve is spent): pause briefly and retry.
                if (warn_due(accept_warned_)) {
                    logger().warn("accept failed", {{"error", ec.message()}});
                }
                asio::steady_timer pause(io_, std::chrono::milliseconds(50));
                co_await pause.async_wait(nothrow);
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            asio::co_spawn(io_, session(std::move(socket)), [](const std::exception_ptr& error) {
                log_failure("session failed", error);
            });
        }
    }

    // Back-pressure at this worker's share of server.max_connections: closes an idle
    // keep-alive connection to make room (the cheapest to lose), else stops accepting until
    // a session ends; new clients wait in the listen backlog. False once the listener closed.
    awaitable<bool> wait_for_slot() {
        while (connections_.size() >= max_connections_ && acceptor_.is_open()) {
            server_.connection_limit_reached_.fetch_add(1, std::memory_order_relaxed);
            if (warn_due(limit_warned_)) {
                logger().warn(
                    "connection limit reached; accepting again when a connection closes",
                    {{"worker", index_}, {"connections", connections_.size()}}
                );
            }
            close_one_idle();
            slot_freed_.expires_at(asio::steady_timer::time_point::max());
            co_await slot_freed_.async_wait(nothrow);
        }
        co_return acceptor_.is_open();
    }

    void close_one_idle() {
        for (Connection& connection : connections_) {
            if (connection.idle) {
                connection.idle = false;
                connection.stream->cancel();
                return;
            }
        }
    }

    awaitable<void> session(tcp::socket socket) {
        Session s(*this, std::move(socket));
        for (;;) {
            Parser parser;  // a fresh parser per request (Beast's post-1.81 fix)
            const ReadResult read = co_await read_request(s, parser);
            if (read.step == Step::kReject) {
                co_await reject(s, read.rejection);
            }
            if (read.step != Step::kContinue) {
                break;
            }
            RequestContext ctx;
            ctx.request = parser.release();
            ctx.client_address = s.client;
            ctx.start = Clock::now();
            Response response = co_await pipeline_->handle(ctx);
            const bool keep_alive = finish_response(s, ctx.request, response);
            const auto [write_ec, written] = co_await write(s, response);
            s.end_request();
            if (write_ec || !keep_alive) {
                if (!write_ec && has_unread_input(s)) {
                    co_await linger(s);  // pipelined requests past the last one we answer
                }
                break;
            }
            if (response.result() == Status::too_many_requests) {
                co_await yield_queue_.wait(s.turn);  // over its limit: the others go first
            }
        }
        boost::system::error_code ignored;
        s.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        s.stream.socket().close(ignored);
    }

    // Waits for the next request (idle timeout between keep-alive requests), then reads its
    // header (header timeout, re-armed before every read), checks its framing and reads its
    // body if it has one.
    awaitable<ReadResult> read_request(Session& s, Parser& parser) {
        const ServerOptions& options = server_.options_;
        parser.body_limit(options.max_body_bytes);
        if (s.buffer.size() == 0) {
            if (server_.draining()) {
                co_return kClosed;  // went idle during a drain
            }
            s.stream.expires_after(s.requests == 0 ? options.header_timeout : options.idle_timeout);
            s.registration->idle = true;
            auto [ec, n] =
                co_await s.stream.async_read_some(s.buffer.prepare(kFirstReadBytes), nothrow);
            s.registration->idle = false;
            if (ec) {
                log_wait_ended(s, ec);
                co_return kClosed;
            }
            s.buffer.commit(n);
        }
        s.stream.expires_after(options.header_timeout);
        if (const auto ec = co_await read_header(s, parser)) {
            log_wait_ended(s, ec);
            co_return header_failure(ec);
        }
        if (const std::string_view error = framing_error(parser.get()); !error.empty()) {
            co_return bad_request(error);
        }
        s.begin_request();
        if (parser.is_done()) {
            co_return ReadResult{};
        }
        co_return co_await read_body(s, parser);
    }

    // Beast 1.81 checks header_limit against the unparsed bytes only, and fields it parsed
    // leave the buffer: a header trickled in small reads passed any limit. So the header is
    // read here, one read and one put at a time, each put allowed what is left of the limit.
    awaitable<boost::system::error_code> read_header(Session& s, Parser& parser) {
        const std::size_t limit = server_.options_.max_header_bytes;
        std::size_t parsed = 0;
        for (;;) {
            if (s.buffer.size() > 0) {
                parser.header_limit(static_cast<std::uint32_t>(limit - parsed));
                boost::system::error_code ec;
                const std::size_t used = parser.put(s.buffer.data(), ec);
                s.buffer.consume(used);
                parsed += used;
                if (parser.is_header_done()) {
                    co_return boost::system::error_code{};
                }
                if (ec && ec != bhttp::error::need_more) {
                    co_return ec;
                }
            }
            // Parsed plus still unparsed bytes: Beast may hold back a partial line without
            // reporting the limit. Below the limit, the read stays within the buffer's capacity.
            if (parsed + s.buffer.size() >= limit) {
                co_return bhttp::error::header_limit;
            }
            auto [ec, n] =
                co_await s.stream.async_read_some(s.buffer.prepare(kFirstReadBytes), nothrow);
            if (ec == asio::error::eof) {  // as Beast's own read reports it
                co_return parser.got_some() ? bhttp::error::partial_message
                                            : bhttp::error::end_of_stream;
            }
            if (ec) {
                co_return ec;
            }
            s.buffer.commit(n);
        }
    }

    awaitable<ReadResult> read_body(Session& s, Parser& parser) {
        const ServerOptions& options = server_.options_;
        // HTTP/1.0 clients do not know 100 Continue (RFC 9110 10.1.1).
        if (parser.get().version() >= 11 &&
            beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
            bhttp::response<bhttp::empty_body> interim{bhttp::status::continue_, 11};
            s.stream.expires_after(options.write_timeout);
            auto [ec, n] = co_await bhttp::async_write(s.stream, interim, nothrow);
            if (ec) {
                co_return kClosed;
            }
        }
        s.stream.expires_after(options.body_timeout);
        auto [ec, n] = co_await bhttp::async_read(s.stream, s.buffer, parser, nothrow);
        if (ec == bhttp::error::body_limit) {
            co_return rejected(Status::payload_too_large, "payload_too_large", body_too_large_);
        }
        if (ec == bhttp::error::buffer_overflow) {
            co_return bad_request("chunk header or trailer section too long");
        }
        if (ec) {
            co_return is_malformed(ec) ? bad_request("malformed request body") : kClosed;
        }
        co_return ReadResult{};
    }

    [[nodiscard]] ReadResult header_failure(const boost::system::error_code& ec) const {
        if (ec == bhttp::error::header_limit) {
            return rejected(
                Status::request_header_fields_too_large, "header_too_large", header_too_large_
            );
        }
        if (ec == bhttp::error::body_limit) {  // a Content-Length over the limit
            return rejected(Status::payload_too_large, "payload_too_large", body_too_large_);
        }
        return is_malformed(ec) ? bad_request("malformed HTTP request") : kClosed;
    }

    static void log_wait_ended(const Session& s, const boost::system::error_code& ec) {
        if (ec == beast::error::timeout) {
            logger().debug(
                "connection timed out waiting for a request header",
                {{"client", s.client}, {"idle", s.requests != 0}}
            );
        }
    }

    // Sets the framing of `response` for `request`; returns whether the connection stays open.
    bool finish_response(const Session& s, const Request& request, Response& response) const {
        const std::size_t max_requests = server_.options_.max_requests_per_connection;
        const bool keep_alive = request.keep_alive() && !server_.draining() &&
                                (max_requests == 0 || s.requests < max_requests);
        response.version(request.version());
        response.keep_alive(keep_alive);
        response.prepare_payload();
        if (response.result() == Status::not_modified) {
            // Beast sets "Content-Length: 0"; a 304 may only carry the length the 200 would
            // have had (RFC 9110 8.6), so it carries none.
            response.erase(bhttp::field::content_length);
        } else if (request.method() == Verb::head) {
            const auto length = response.body().size();
            response.body().clear();
            response.content_length(length);
        }
        return keep_alive;
    }

    // Writes `response`: its head (formatted into the connection's reused buffer, with a Date
    // field) and its body in one gather write, under the write timeout. Beast's serializer is
    // not used on this path: its buffer-sequence iteration cost more than the 15 KB copy of a
    // cache hit. Not a coroutine: no frame per response.
    awaitable<std::tuple<boost::system::error_code, std::size_t>> write(
        Session& s, Response& response
    ) {
        s.stream.expires_after(server_.options_.write_timeout);
        if (response.chunked()) {
            // Not produced today (every body has a known size); Beast frames the chunks.
            response.set(bhttp::field::date, current_http_date());
            return bhttp::async_write(s.stream, response, nothrow);
        }
        s.head.clear();
        append_head(response, s.head, current_http_date());
        const std::string_view body = response.body().view();
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(s.head), asio::buffer(body.data(), body.size())};
        return asio::async_write(s.stream, buffers, nothrow);
    }

    // Answers an error found before the pipeline ran, then closes with a lingering close.
    awaitable<void> reject(Session& s, Rejection rejection) {
        const std::string request_id = mint_request_id();
        Response response =
            error_response(rejection.status, rejection.code, rejection.message, request_id);
        response.set("X-Request-ID", request_id);
        response.keep_alive(false);
        logger().warn(
            "request rejected",
            {{"status", static_cast<int>(rejection.status)},
             {"reason", rejection.code},
             {"detail", rejection.message},
             {"client", s.client},
             {"request_id", request_id}}
        );
        s.end_request();
        const auto [ec, n] = co_await write(s, response);
        if (!ec) {
            co_await linger(s);
        }
    }

    static bool has_unread_input(Session& s) {
        boost::system::error_code ec;
        return s.buffer.size() != 0 || s.stream.socket().available(ec) != 0;
    }

    // The client may still be sending what we refused (a body or header over the limit);
    // closing now would answer its data with a reset that can destroy our response before it
    // is read. So half-close, then read and discard for a bounded time and byte count
    // (nginx's lingering_close).
    awaitable<void> linger(Session& s) {
        const ServerOptions& options = server_.options_;
        boost::system::error_code ignored;
        s.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        s.stream.expires_after(options.linger_time);
        for (std::size_t discarded = 0; discarded < options.linger_bytes;) {
            s.buffer.clear();
            auto [ec, n] =
                co_await s.stream.async_read_some(s.buffer.prepare(s.buffer.max_size()), nothrow);
            if (ec) {
                break;
            }
            discarded += n;
        }
    }

    Server& server_;
    std::size_t index_;
    // Rejection messages, built once. Arguments of a co_await'ed call are named objects:
    // GCC 12 may destroy temporaries in a co_await expression twice.
    const std::string header_too_large_;
    const std::string body_too_large_;
    // Declared before io_: sessions destroyed with io_ (or with the pipeline) unregister here.
    std::list<Connection> connections_;
    std::size_t max_connections_ = 0;  // this worker's share
    bool stopped_ = false;
    WorkerContext io_{1};
    tcp::acceptor acceptor_{io_};
    asio::steady_timer slot_freed_{io_};  // cancelled when a session ends
    YieldQueue yield_queue_{io_, kYieldedPerTurn};
    asio::executor_work_guard<asio::io_context::executor_type> guard_{asio::make_work_guard(io_)};
    // Destroyed before io_ (its clients own timers and sockets on it).
    std::shared_ptr<const Pipeline> pipeline_;
    Clock::time_point accept_warned_{};
    Clock::time_point limit_warned_{};
    std::thread thread_;
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
    workers_.clear();  // while the counters their sessions update still exist
}

asio::io_context& Server::worker_context(std::size_t index) {
    return workers_.at(index)->io();
}

void Server::start() {
    options_.max_connections = fit_to_open_file_limit(options_.max_connections, workers_.size());
    const std::size_t per_worker =
        std::max<std::size_t>(1, options_.max_connections / workers_.size());
    tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
    endpoint.port(claim_port(workers_.front()->io(), endpoint));
    for (auto& worker : workers_) {
        worker->listen(endpoint);
    }
    port_ = endpoint.port();
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        workers_[i]->start(factory_(workers_[i]->io(), i), per_worker);
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
