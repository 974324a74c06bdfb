#include "cache/redis_connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <utility>

namespace scout::cache::detail {

using boost::system::error_code;

namespace {

// Calls handler(args...) later: posted to `io_executor` (never inline, so never inside a hiredis
// callback), then dispatched to the handler's associated executor. Boost 1.81 cannot post to an
// any_completion_executor directly (it lacks blocking.never), but can dispatch to one.
template <typename Handler, typename... Args>
void complete_later(const asio::any_io_executor& io_executor, Handler handler, Args... args) {
    auto executor = asio::get_associated_executor(handler, io_executor);
    asio::post(io_executor, [executor, h = std::move(handler), ... a = std::move(args)]() mutable {
        asio::dispatch(asio::bind_executor(
            executor,
            [h2 = std::move(h), ... a2 = std::move(a)]() mutable {
                std::move(h2)(std::move(a2)...);
            }
        ));
    });
}

}  // namespace

// One command waiting for its reply. Shared by the hiredis callback (through privdata), the
// deadline timer and the cancellation slot; whichever comes first completes it, the others
// find it done. hiredis calls the reply callback exactly once for every accepted command (with
// a null reply when the context goes away), so privdata is always freed.
struct CommandOp {
    // Boost 1.81's any_completion_handler move *assignment* recurses forever (it wraps the
    // handler in itself): handlers are only ever move-constructed here.
    CommandOp(asio::io_context& io, asio::any_completion_handler<CommandSignature> h)
        : handler(std::move(h)), timer(io) {}

    // Completes once; later calls are ignored. The handler runs on its own executor, never
    // inside this call (so never inside a hiredis callback).
    void finish(error_code ec, RedisReply reply = {}, bool from_slot = false) {
        if (done) {
            return;
        }
        done = true;
        timer.cancel();
        // Clearing the slot from inside its own handler would destroy the running handler.
        if (slot.is_connected() && !from_slot) {
            slot.clear();
        }
        complete_later(timer.get_executor(), std::move(handler), ec, std::move(reply));
    }

    asio::any_completion_handler<CommandSignature> handler;
    asio::steady_timer timer;  // the deadline
    asio::cancellation_slot slot;
    bool done = false;
};

// The connect operation in progress (resolve + TCP connect), with its deadline.
struct ConnectOp {
    ConnectOp(asio::io_context& io, asio::any_completion_handler<ConnectSignature> h)
        : handler(std::move(h)), timer(io) {}

    void finish(error_code ec) {
        if (done) {
            return;
        }
        done = true;
        timer.cancel();
        complete_later(timer.get_executor(), std::move(handler), ec);
    }

    asio::any_completion_handler<ConnectSignature> handler;
    asio::steady_timer timer;
    bool done = false;
};

// hiredis' event hooks for one context, mapped onto readiness waits of a stream_descriptor.
// hiredis owns the fd: cleanup releases it (never closes it), and redisFree closes it later.
// Wait handlers hold the Watcher, and do nothing once it is detached (the context is gone).
struct Watcher : std::enable_shared_from_this<Watcher> {
    Watcher(asio::io_context& io, redisAsyncContext* ac) : descriptor(io), context(ac) {}

    void arm(bool write) {
        bool& armed = write ? write_armed : read_armed;
        if (armed || detached) {
            return;
        }
        armed = true;
        descriptor.async_wait(
            write ? asio::posix::stream_descriptor::wait_write
                  : asio::posix::stream_descriptor::wait_read,
            [self = shared_from_this(), write](const error_code& ec) { self->on_ready(write, ec); }
        );
    }

    void on_ready(bool write, const error_code& ec) {
        (write ? write_armed : read_armed) = false;
        if (detached || ec == asio::error::operation_aborted) {
            return;
        }
        // Any other wait error: let hiredis find it on the socket and disconnect.
        if (write ? want_write : want_read) {
            if (write) {
                redisAsyncHandleWrite(context);
            } else {
                redisAsyncHandleRead(context);
            }
        }
        if (detached) {
            return;  // hiredis freed the context in there (connection lost)
        }
        if (want_read) {
            arm(false);
        }
        if (want_write) {
            arm(true);
        }
    }

    void detach() {
        if (detached) {
            return;
        }
        detached = true;
        want_read = false;
        want_write = false;
        if (descriptor.is_open()) {
            error_code ignored;
            descriptor.cancel(ignored);
            [[maybe_unused]] const int fd = descriptor.release();  // hiredis closes it
        }
    }

    static Watcher& from(void* privdata) { return *static_cast<Watcher*>(privdata); }
    static void add_read(void* privdata) {
        Watcher& w = from(privdata);
        w.want_read = true;
        w.arm(false);
    }
    static void del_read(void* privdata) { from(privdata).want_read = false; }
    static void add_write(void* privdata) {
        Watcher& w = from(privdata);
        w.want_write = true;
        w.arm(true);
    }
    static void del_write(void* privdata) { from(privdata).want_write = false; }
    static void cleanup(void* privdata) { from(privdata).detach(); }

    asio::posix::stream_descriptor descriptor;
    redisAsyncContext* context;
    bool want_read = false;
    bool want_write = false;
    bool read_armed = false;
    bool write_armed = false;
    bool detached = false;
};

namespace {

RedisConnection& owner_of(const redisAsyncContext* context) {
    return *static_cast<RedisConnection*>(context->data);
}

std::string context_error(const redisAsyncContext* context, const char* fallback) {
    return context->c.errstr[0] != '\0' ? std::string(context->c.errstr) : std::string(fallback);
}

}  // namespace

RedisConnection::RedisConnection(asio::io_context& io) : io_(io), resolver_(io) {}

RedisConnection::~RedisConnection() {
    close();
}

void RedisConnection::start_connect(
    ConnectHandler handler, const std::string& host, int port, std::chrono::milliseconds timeout
) {
    auto op = std::make_shared<ConnectOp>(io_, std::move(handler));
    if (context_ != nullptr || connect_op_ != nullptr) {
        op->finish(asio::error::already_open);
        return;
    }
    connect_op_ = op;
    op->timer.expires_after(timeout);
    // `this` is safe: close() (run by the destructor at the latest) marks the op done first.
    op->timer.async_wait([this, op](const error_code& ec) {
        if (!ec && !op->done) {
            fail_connect(op, cache_errc::kTimeout, "connect timed out");
        }
    });
    error_code not_numeric;
    const auto address = asio::ip::make_address(host, not_numeric);
    if (!not_numeric) {
        begin_hiredis_connect(op, address.to_string(), port);
        return;
    }
    // hiredis would resolve names with a blocking getaddrinfo on this thread: resolve here.
    resolver_.async_resolve(
        host,
        std::to_string(port),
        [this, op, port](const error_code& ec, const asio::ip::tcp::resolver::results_type& found) {
            if (op->done) {
                return;
            }
            if (ec || found.empty()) {
                fail_connect(op, cache_errc::kUnavailable, "cannot resolve host: " + ec.message());
                return;
            }
            begin_hiredis_connect(op, found.begin()->endpoint().address().to_string(), port);
        }
    );
}

void RedisConnection::begin_hiredis_connect(
    const std::shared_ptr<ConnectOp>& op, const std::string& ip, int port
) {
    redisAsyncContext* ac = redisAsyncConnect(ip.c_str(), port);
    if (ac == nullptr) {
        fail_connect(op, cache_errc::kUnavailable, "cannot allocate a hiredis context");
        return;
    }
    if (ac->c.err != 0) {
        std::string why = context_error(ac, "connect failed");
        redisAsyncFree(ac);
        fail_connect(op, cache_errc::kUnavailable, std::move(why));
        return;
    }
    auto watcher = std::make_shared<Watcher>(io_, ac);
    error_code assign_failed;
    watcher->descriptor.assign(ac->c.fd, assign_failed);
    if (assign_failed) {
        redisAsyncFree(ac);  // no hooks attached yet: hiredis just closes its fd
        fail_connect(
            op, cache_errc::kUnavailable, "cannot watch socket: " + assign_failed.message()
        );
        return;
    }
    context_ = ac;
    watcher_ = std::move(watcher);
    ac->data = this;
    ac->ev.data = watcher_.get();
    ac->ev.addRead = &Watcher::add_read;
    ac->ev.delRead = &Watcher::del_read;
    ac->ev.addWrite = &Watcher::add_write;
    ac->ev.delWrite = &Watcher::del_write;
    ac->ev.cleanup = &Watcher::cleanup;
    redisAsyncSetDisconnectCallback(ac, &RedisConnection::on_disconnect);
    // Arms the first write wait: writability means the TCP connect finished (or failed).
    redisAsyncSetConnectCallback(ac, &RedisConnection::on_connect);
}

void RedisConnection::fail_connect(
    const std::shared_ptr<ConnectOp>& op, cache_errc code, std::string why
) {
    last_error_ = std::move(why);
    resolver_.cancel();
    if (connect_op_ == op) {
        connect_op_.reset();
    }
    if (context_ != nullptr) {
        redisAsyncContext* ac = context_;
        context_ = nullptr;
        connected_ = false;
        redisAsyncFree(ac);  // not connected yet: no commands, no disconnect callback
    }
    op->finish(code);
}

void RedisConnection::on_connect(const redisAsyncContext* context, int status) {
    RedisConnection& self = owner_of(context);
    const std::shared_ptr<ConnectOp> op = std::move(self.connect_op_);
    self.connect_op_.reset();
    if (status == REDIS_OK) {
        self.connected_ = true;
        self.last_heard_ = std::chrono::steady_clock::now();
        if (op) {
            op->finish({});
        }
        return;
    }
    // hiredis frees the context when this returns (without a disconnect callback: it never
    // connected), so forget it now and never free it ourselves.
    self.last_error_ = context_error(context, "connect failed");
    self.context_ = nullptr;
    self.connected_ = false;
    if (op) {
        op->finish(cache_errc::kUnavailable);
    }
}

void RedisConnection::on_disconnect(const redisAsyncContext* context, int status) {
    // Runs inside hiredis' free path (pending replies were already failed); the context is
    // freed when this returns.
    RedisConnection& self = owner_of(context);
    if (status != REDIS_OK) {
        self.last_error_ = context_error(context, "connection lost");
    }
    if (self.context_ == context) {
        self.context_ = nullptr;
    }
    self.connected_ = false;
    self.notify_closed();
}

void RedisConnection::on_reply(redisAsyncContext* context, void* reply, void* privdata) {
    const std::unique_ptr<std::shared_ptr<CommandOp>> holder(
        static_cast<std::shared_ptr<CommandOp>*>(privdata)
    );
    RedisConnection& self = owner_of(context);
    if (self.in_flight_ > 0) {
        --self.in_flight_;
    }
    if (reply != nullptr) {
        self.last_heard_ = std::chrono::steady_clock::now();
    }
    CommandOp& op = **holder;
    if (op.done) {
        return;  // timed out or cancelled: the late reply is dropped
    }
    if (reply == nullptr) {
        // The context is going away: lost (err set) or closed by us (err 0).
        op.finish(from_hiredis_error(context->c.err));
        return;
    }
    op.finish({}, RedisReply::from_hiredis(*static_cast<const redisReply*>(reply)));
}

void RedisConnection::start_command(
    CommandHandler handler, const std::vector<std::string>& args, std::chrono::milliseconds timeout
) {
    auto op = std::make_shared<CommandOp>(io_, std::move(handler));
    if (!is_open()) {
        op->finish(cache_errc::kUnavailable);
        return;
    }
    if (args.empty()) {
        op->finish(asio::error::invalid_argument);
        return;
    }
    if (in_flight_ >= kMaxInFlight) {
        op->finish(cache_errc::kTimeout);
        return;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    // hiredis copies the arguments into its output buffer; privdata is ours until on_reply.
    auto holder = std::make_unique<std::shared_ptr<CommandOp>>(op);
    const int accepted = redisAsyncCommandArgv(
        context_,
        &RedisConnection::on_reply,
        holder.get(),
        static_cast<int>(argv.size()),
        argv.data(),
        lengths.data()
    );
    if (accepted != REDIS_OK) {
        op->finish(cache_errc::kUnavailable);
        return;
    }
    [[maybe_unused]] auto* owned_by_hiredis = holder.release();
    ++in_flight_;

    op->timer.expires_after(timeout);
    op->timer.async_wait([op](const error_code& ec) {
        if (!ec) {
            op->finish(cache_errc::kTimeout);
        }
    });
    auto slot = asio::get_associated_cancellation_slot(op->handler);
    if (slot.is_connected()) {
        op->slot = slot;
        slot.assign([weak = std::weak_ptr<CommandOp>(op)](asio::cancellation_type type) {
            if (type == asio::cancellation_type::none) {
                return;
            }
            if (const auto locked = weak.lock()) {
                locked->finish(asio::error::operation_aborted, {}, true);
            }
        });
    }
}

void RedisConnection::start_wait_closed(ClosedHandler handler) {
    notify_closed();  // a previous waiter, if any, completes now
    closed_waiter_.emplace(std::move(handler));
    if (!is_open()) {
        notify_closed();
    }
}

void RedisConnection::notify_closed() {
    if (!closed_waiter_) {
        return;
    }
    ClosedHandler waiter(std::move(*closed_waiter_));
    closed_waiter_.reset();
    complete_later(io_.get_executor(), std::move(waiter));
}

void RedisConnection::close(std::string why) {
    if (!why.empty()) {
        last_error_ = std::move(why);
    }
    resolver_.cancel();
    if (const std::shared_ptr<ConnectOp> op = std::move(connect_op_)) {
        connect_op_.reset();
        op->finish(asio::error::operation_aborted);
    }
    if (context_ != nullptr) {
        redisAsyncContext* ac = context_;
        context_ = nullptr;
        connected_ = false;
        // Fails pending commands (null replies), runs cleanup and the disconnect callback.
        redisAsyncFree(ac);
    }
    notify_closed();
}

}  // namespace scout::cache::detail
