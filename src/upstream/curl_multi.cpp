#include <scout/upstream/curl_multi.hpp>

#include <curl/curl.h>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>

namespace scout::upstream {
namespace {

void global_init_once() {
    static std::once_flag flag;
    std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Per curl socket: an Asio descriptor used only to wait for readiness (curl owns the fd).
struct SocketState {
    explicit SocketState(asio::io_context& io, curl_socket_t fd) : descriptor(io, fd) {}
    asio::posix::stream_descriptor descriptor;
    int want = 0;  // CURL_POLL_IN / OUT / INOUT
    bool reading = false;
    bool writing = false;
    bool removed = false;
};

struct Transfer;
struct SlotWaiter;

}  // namespace

struct CurlMulti::Impl : std::enable_shared_from_this<CurlMulti::Impl> {
    explicit Impl(asio::io_context& context) : io(context), timer(context) {}
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(Impl&&) = delete;

    ~Impl() {
        shutting_down = true;
        timer.cancel();
        // Closes cached connections; the close callback still finds `sockets` alive.
        curl_multi_cleanup(multi);
        for (auto& [fd, state] : sockets) {
            forget(*state);
        }
    }

    static void forget(SocketState& state) {
        state.removed = true;
        boost::system::error_code ignored;
        state.descriptor.cancel(ignored);
        state.descriptor.release();  // curl closes the fd, not Asio
    }

    void remove_socket(curl_socket_t fd) {
        const auto it = sockets.find(fd);
        if (it != sockets.end()) {
            forget(*it->second);
            sockets.erase(it);
        }
    }

    void arm(const std::shared_ptr<SocketState>& state, curl_socket_t fd, bool write) {
        bool& pending = write ? state->writing : state->reading;
        if (pending || state->removed) {
            return;
        }
        pending = true;
        state->descriptor.async_wait(
            write ? asio::posix::stream_descriptor::wait_write
                  : asio::posix::stream_descriptor::wait_read,
            [self = shared_from_this(), state, fd, write](const boost::system::error_code& ec) {
                (write ? state->writing : state->reading) = false;
                if (ec || state->removed || self->shutting_down) {
                    return;
                }
                self->action(fd, write ? CURL_CSELECT_OUT : CURL_CSELECT_IN);
                if (!state->removed &&
                    (state->want & (write ? CURL_POLL_OUT : CURL_POLL_IN)) != 0) {
                    self->arm(state, fd, write);
                }
            }
        );
    }

    void on_socket(curl_socket_t fd, int what) {
        if (shutting_down) {
            return;
        }
        if (what == CURL_POLL_REMOVE) {
            remove_socket(fd);
            return;
        }
        auto it = sockets.find(fd);
        if (it == sockets.end()) {
            it = sockets.emplace(fd, std::make_shared<SocketState>(io, fd)).first;
        }
        const auto state = it->second;
        state->want = what;
        if ((what & CURL_POLL_IN) != 0) {
            arm(state, fd, false);
        }
        if ((what & CURL_POLL_OUT) != 0) {
            arm(state, fd, true);
        }
    }

    void on_timer(long timeout_ms) {
        if (shutting_down) {
            return;
        }
        timer.cancel();
        if (timeout_ms < 0) {
            return;
        }
        // Never call back into curl from inside its callback: a zero timeout is posted too.
        timer.expires_after(std::chrono::milliseconds(timeout_ms));
        timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec && !self->shutting_down) {
                self->action(CURL_SOCKET_TIMEOUT, 0);
            }
        });
    }

    void action(curl_socket_t fd, int events) {
        int running = 0;
        curl_multi_socket_action(multi, fd, events, &running);
        collect_done();
    }

    void collect_done();

    // Hands a finished transfer's slot to the longest waiter, or frees it.
    void release_slot();

    static int
    socket_callback(CURL* /*easy*/, curl_socket_t fd, int what, void* user, void* /*socketp*/) {
        static_cast<Impl*>(user)->on_socket(fd, what);
        return 0;
    }

    static int timer_callback(CURLM* /*multi*/, long timeout_ms, void* user) {
        static_cast<Impl*>(user)->on_timer(timeout_ms);
        return 0;
    }

    static int close_callback(void* user, curl_socket_t fd) {
        static_cast<Impl*>(user)->remove_socket(fd);
        return ::close(fd);
    }

    asio::io_context& io;
    asio::steady_timer timer;
    CURLM* multi = nullptr;
    std::map<curl_socket_t, std::shared_ptr<SocketState>> sockets;
    CurlStats stats;
    std::size_t active = 0;
    bool shutting_down = false;
    // Transfers allowed at once, curl's per-host connection cap: more would queue inside curl,
    // where the wait ends as a timeout that looks like the upstream's. Callers wait here
    // instead, first come first served, and a wait that outlasts its deadline is kLocalLimit.
    std::size_t max_slots = 1;
    std::size_t slots_used = 0;
    std::deque<SlotWaiter*> waiters;
};

namespace {

// A perform() waiting for a transfer slot; owned by its coroutine frame.
struct SlotWaiter {
    explicit SlotWaiter(CurlMulti::Impl& owner) : impl(owner), timer(owner.io) {}
    SlotWaiter(const SlotWaiter&) = delete;
    SlotWaiter& operator=(const SlotWaiter&) = delete;
    SlotWaiter(SlotWaiter&&) = delete;
    SlotWaiter& operator=(SlotWaiter&&) = delete;
    ~SlotWaiter() {
        if (!granted) {
            std::erase(impl.waiters, this);
        }
    }

    CurlMulti::Impl& impl;
    asio::steady_timer timer;  // expires at the deadline; cancelled when a slot is granted
    bool granted = false;
};

// A taken transfer slot, given back when the exchange is over.
struct Slot {
    explicit Slot(std::shared_ptr<CurlMulti::Impl> owner) : impl(std::move(owner)) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot(Slot&&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() { impl->release_slot(); }

    std::shared_ptr<CurlMulti::Impl> impl;
};

// Failures of socket() that mean Scout, not the upstream, is out of resources.
bool is_local_exhaustion(int error) {
    return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

// One exchange; owned by the awaiting coroutine frame. Holds the multi alive while attached.
struct Transfer {
    Transfer(std::shared_ptr<CurlMulti::Impl> owner, asio::io_context& io)
        : impl(std::move(owner)), easy(curl_easy_init()), signal(io) {
        signal.expires_at(asio::steady_timer::time_point::max());
        error_text.fill('\0');
    }
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;
    Transfer(Transfer&&) = delete;
    Transfer& operator=(Transfer&&) = delete;
    ~Transfer() {
        detach();
        curl_easy_cleanup(easy);
        curl_slist_free_all(headers);
    }

    void detach() {
        if (attached) {
            attached = false;
            --impl->active;
            curl_multi_remove_handle(impl->multi, easy);
        }
    }

    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
        auto* self = static_cast<Transfer*>(user);
        const std::size_t bytes = size * count;
        if (self->result.body.size() + bytes > self->max_bytes) {
            self->too_large = true;
            return 0;  // aborts the transfer with CURLE_WRITE_ERROR
        }
        self->result.body.append(data, bytes);
        return bytes;
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
        auto* self = static_cast<Transfer*>(user);
        const std::size_t bytes = size * count;
        const std::string_view line(data, bytes);
        constexpr std::string_view kName = "retry-after:";
        if (line.size() > kName.size()) {
            std::string lower(line.substr(0, kName.size()));
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
                return static_cast<char>(std::tolower(c));
            });
            if (lower == kName) {
                std::string_view value = line.substr(kName.size());
                while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
                    value.remove_prefix(1);
                }
                while (!value.empty() &&
                       (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
                    value.remove_suffix(1);
                }
                self->result.retry_after = std::string(value);
            }
        }
        return bytes;
    }

    // Opens the sockets curl asks for, remembering why socket() failed.
    static curl_socket_t open_socket(void* user, curlsocktype /*purpose*/, curl_sockaddr* address) {
        const int fd =
            ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
        if (fd < 0) {
            static_cast<Transfer*>(user)->socket_errno = errno;
            return CURL_SOCKET_BAD;
        }
        return fd;
    }

    void finish(CURLcode code) {
        detach();
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        long connects = 0;
        curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
        if (connects == 0) {
            ++impl->stats.connections_reused;
        }
        ++impl->stats.transfers_completed;
        result.status = status;
        if (code == CURLE_OK) {
            result.outcome = TransferOutcome::kOk;
        } else {
            result.error =
                error_text[0] != '\0' ? std::string(error_text.data()) : curl_easy_strerror(code);
            if (too_large) {
                result.outcome = TransferOutcome::kTooLarge;
            } else if (is_local_exhaustion(socket_errno)) {
                result.outcome = TransferOutcome::kLocalLimit;
            } else if (code == CURLE_OPERATION_TIMEDOUT) {
                result.outcome = TransferOutcome::kTimeout;
            } else {
                result.outcome = TransferOutcome::kTransport;
            }
        }
        done = true;
        signal.cancel();
    }

    std::shared_ptr<CurlMulti::Impl> impl;
    CURL* easy;
    asio::steady_timer signal;  // cancelled when the transfer completes
    curl_slist* headers = nullptr;
    std::string body;
    std::size_t max_bytes = 0;
    HttpResult result;
    std::array<char, CURL_ERROR_SIZE> error_text{};
    bool attached = false;
    bool done = false;
    bool too_large = false;
    int socket_errno = 0;  // errno of the last failed socket()
};

}  // namespace

void CurlMulti::Impl::release_slot() {
    if (waiters.empty()) {
        --slots_used;
        return;
    }
    SlotWaiter* next = waiters.front();
    waiters.pop_front();
    next->granted = true;  // the slot passes on
    next->timer.cancel();
}

namespace {

// Takes a transfer slot, waiting until `deadline` if all are busy: nullopt once taken, else
// why not (kLocalLimit: the deadline passed; kCancelled: the caller cancelled the wait).
awaitable<std::optional<TransferOutcome>> take_slot(
    std::shared_ptr<CurlMulti::Impl> impl, std::chrono::steady_clock::time_point deadline
) {
    if (impl->slots_used < impl->max_slots) {
        ++impl->slots_used;
        co_return std::nullopt;
    }
    SlotWaiter waiter(*impl);
    waiter.timer.expires_at(deadline);
    impl->waiters.push_back(&waiter);
    const auto [ec] = co_await waiter.timer.async_wait(nothrow);
    if (waiter.granted) {
        co_return std::nullopt;
    }
    co_return ec ? TransferOutcome::kCancelled : TransferOutcome::kLocalLimit;
}

HttpResult failed_result(TransferOutcome outcome, std::string error) {
    HttpResult result;
    result.outcome = outcome;
    result.error = std::move(error);
    return result;
}

}  // namespace

void CurlMulti::Impl::collect_done() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
        if (message->msg != CURLMSG_DONE) {
            continue;
        }
        char* owner = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
        const CURLcode code = message->data.result;
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): curl's void* private slot
        reinterpret_cast<Transfer*>(owner)->finish(code);
    }
}

CurlMulti::CurlMulti(asio::io_context& io, long max_connections_per_host)
    : impl_(std::make_shared<Impl>(io)) {
    global_init_once();
    impl_->multi = curl_multi_init();
    curl_multi_setopt(impl_->multi, CURLMOPT_SOCKETFUNCTION, &Impl::socket_callback);
    curl_multi_setopt(impl_->multi, CURLMOPT_SOCKETDATA, impl_.get());
    curl_multi_setopt(impl_->multi, CURLMOPT_TIMERFUNCTION, &Impl::timer_callback);
    curl_multi_setopt(impl_->multi, CURLMOPT_TIMERDATA, impl_.get());
    curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, max_connections_per_host);
    curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, max_connections_per_host);
    impl_->max_slots = static_cast<std::size_t>(std::max(max_connections_per_host, 1L));
}

CurlMulti::~CurlMulti() {
    impl_->timer.cancel();
}

const CurlStats& CurlMulti::stats() const {
    return impl_->stats;
}
std::size_t CurlMulti::active_transfers() const {
    return impl_->active;
}

namespace {

// Sets every option of one exchange on t.easy; `remaining` is the time left to the deadline.
void configure(Transfer& t, const HttpRequest& request, std::chrono::milliseconds remaining) {
    CURL* easy = t.easy;
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t.error_text.data());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(
        easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(1, remaining.count()))
    );
    curl_easy_setopt(
        easy,
        CURLOPT_CONNECTTIMEOUT_MS,
        static_cast<long>(std::min<std::int64_t>(request.connect_timeout.count(), remaining.count())
        )
    );
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate if the server offers
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_DNS_CACHE_TIMEOUT, 300L);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Transfer::open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlMulti::Impl::close_callback);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, t.impl.get());
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    if (!t.body.empty()) {
        t.headers = curl_slist_append(t.headers, ("Content-Type: " + request.content_type).c_str());
        t.headers = curl_slist_append(t.headers, "Expect:");  // no 100-continue round trip
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t.body.c_str());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body.size()));
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t.headers);
}

}  // namespace

awaitable<HttpResult> CurlMulti::perform(HttpRequest request) {
    const auto started = std::chrono::steady_clock::now();
    if (request.deadline <= started) {
        co_return failed_result(TransferOutcome::kTimeout, "deadline already passed");
    }
    if (const auto refused = co_await take_slot(impl_, request.deadline)) {
        co_return failed_result(
            *refused,
            *refused == TransferOutcome::kCancelled ? "cancelled"
                                                    : "no connection slot before the deadline"
        );
    }
    const Slot slot(impl_);
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        request.deadline - std::chrono::steady_clock::now()
    );
    auto transfer = std::make_unique<Transfer>(impl_, impl_->io);
    Transfer& t = *transfer;
    if (t.easy == nullptr) {
        co_return failed_result(TransferOutcome::kTransport, "curl_easy_init failed");
    }
    t.body = std::move(request.body);
    t.max_bytes = request.max_response_bytes;
    configure(t, request, remaining);
    if (curl_multi_add_handle(impl_->multi, t.easy) != CURLM_OK) {
        co_return failed_result(TransferOutcome::kTransport, "curl_multi_add_handle failed");
    }
    t.attached = true;
    ++impl_->active;
    ++impl_->stats.transfers_started;

    co_await t.signal.async_wait(nothrow);
    if (!t.done) {
        t.detach();  // cancelled by the caller: abort the exchange
        t.result.outcome = TransferOutcome::kCancelled;
        t.result.error = "cancelled";
    }
    t.result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started
    );
    co_return std::move(t.result);
}

}  // namespace scout::upstream
