// The client against a loopback listener that accepts and never answers: what the circuit
// breakers are told when a call waits in the client rather than on the upstream.
#include <scout/upstream/client.hpp>

#include "support/process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace scout::upstream {
namespace {

using std::chrono::milliseconds;
using tcp = asio::ip::tcp;

// Accepts connections on 127.0.0.1 and holds them open without a byte of answer.
class SilentServer {
public:
    explicit SilentServer(asio::io_context& io)
        : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        accept();
    }

    [[nodiscard]] std::string url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/sync";
    }
    [[nodiscard]] std::size_t accepted() const { return held_.size(); }

private:
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (!ec) {
                held_.push_back(std::move(socket));
                accept();
            }
        });
    }

    tcp::acceptor acceptor_;
    std::vector<tcp::socket> held_;
};

std::shared_ptr<const config::Config> client_config(const std::string& gateway_url) {
    auto cfg = std::make_shared<config::Config>();
    cfg->upstream.gateway_url = gateway_url;
    cfg->upstream.app_key = "12345678";
    cfg->upstream.app_secret = "secret";
    cfg->upstream.attempt_timeout_ms = 1'500;
    cfg->upstream.retry.max_attempts = 1;
    cfg->upstream.breaker.min_calls = 1;  // one failure opens a method's breaker
    cfg->upstream.breaker.failure_ratio = 1.0;
    return cfg;
}

// Takes every free file descriptor number below the soft RLIMIT_NOFILE it then sets, so the
// next socket() fails with EMFILE; restores both on destruction.
class FdExhaustion {
public:
    FdExhaustion() {
        getrlimit(RLIMIT_NOFILE, &saved_);
        int highest = 0;
        for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
            highest = std::max(highest, std::stoi(entry.path().filename().string()));
        }
        // Fill the holes below `highest`; the first dup above it marks the new limit.
        for (;;) {
            const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd < 0 || fd > highest) {
                if (fd >= 0) {
                    ::close(fd);
                }
                rlimit lowered = saved_;
                lowered.rlim_cur = static_cast<rlim_t>(std::max(fd, highest + 1));
                setrlimit(RLIMIT_NOFILE, &lowered);
                return;
            }
            taken_.push_back(fd);
        }
    }
    FdExhaustion(const FdExhaustion&) = delete;
    FdExhaustion& operator=(const FdExhaustion&) = delete;
    FdExhaustion(FdExhaustion&&) = delete;
    FdExhaustion& operator=(FdExhaustion&&) = delete;
    ~FdExhaustion() {
        setrlimit(RLIMIT_NOFILE, &saved_);
        for (const int fd : taken_) {
            ::close(fd);
        }
    }

private:
    rlimit saved_{};
    std::vector<int> taken_;
};

// A client of its own for one test, and what it is made of.
struct ClientRig {
    ClientRig(asio::io_context& io, const std::string& gateway_url, long max_connections = 32)
        : cfg(client_config(gateway_url)), curl(io, max_connections) {}

    std::shared_ptr<const config::Config> cfg;
    CurlMulti curl;
    BreakerSet breakers{[cfg = cfg] { return cfg->upstream.breaker; }, SteadyClock::instance()};
    monitoring::Registry registry;
    const UpstreamMetrics metrics{registry};
    OutboundQuota quota{registry, nullptr};
    AliExpressClient client{curl, breakers, quota, metrics, [cfg = cfg] { return cfg; }};
};

CallOptions within(milliseconds budget) {
    CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + budget;
    return options;
}

// With one connection per host, a second call waits in the client for the first one's
// connection. Its deadline passing there says nothing about the upstream: it must not open
// the breaker (the first call, which reached the server and timed out, does).
TEST(AliExpressClient, WaitingForAConnectionSlotIsNotAnUpstreamFailure) {
    asio::io_context io;
    SilentServer server(io);
    ClientRig rig(io, server.url(), /*max_connections=*/1);
    AliExpressClient& client = rig.client;
    BreakerSet& breakers = rig.breakers;

    std::optional<Result<nlohmann::json>> held;
    std::optional<Result<nlohmann::json>> queued;
    const auto stop_when_both_done = [&] {
        if (held && queued) {
            io.stop();
        }
    };
    asio::co_spawn(
        io,
        client.call(kLinkGenerate, {}, within(milliseconds(1'500))),
        [&](const std::exception_ptr&, Result<nlohmann::json> result) {
            held = std::move(result);
            stop_when_both_done();
        }
    );
    asio::co_spawn(
        io,
        client.call(kProductQuery, {}, within(milliseconds(300))),
        [&](const std::exception_ptr&, Result<nlohmann::json> result) {
            queued = std::move(result);
            stop_when_both_done();
        }
    );
    io.run_for(std::chrono::seconds(30));

    ASSERT_TRUE(held && queued);
    ASSERT_FALSE(*queued);
    EXPECT_EQ(queued->error().code, upstream_errc::kLocalLimit) << queued->error().detail();
    EXPECT_EQ(queued->error().attempts, 1);
    EXPECT_EQ(breakers.for_method(kProductQuery).state(), CircuitBreaker::State::kClosed);
    EXPECT_EQ(server.accepted(), 1U);

    ASSERT_FALSE(*held);
    EXPECT_EQ(held->error().code, upstream_errc::kTimeout) << held->error().detail();
    EXPECT_EQ(breakers.for_method(kLinkGenerate).state(), CircuitBreaker::State::kOpen);
}

// Out of file descriptors, Scout cannot even open a socket: the upstream is not to blame.
TEST(AliExpressClient, RunningOutOfFileDescriptorsIsNotAnUpstreamFailure) {
    asio::io_context io;
    SilentServer server(io);
    ClientRig rig(io, server.url());

    // One refused call first, through a client of its own: UBSan checks a virtual call's
    // dynamic type the first time it sees it, and that check needs a pipe, which cannot be
    // made while no descriptor is left. Afterwards every virtual call on the path is known.
    {
        const auto refused =
            client_config("http://127.0.0.1:" + std::to_string(test::free_port()) + "/sync");
        BreakerSet warm_breakers(
            [refused] { return refused->upstream.breaker; }, SteadyClock::instance()
        );
        AliExpressClient warm(rig.curl, warm_breakers, rig.quota, rig.metrics, [refused] {
            return refused;
        });
        asio::co_spawn(
            io,
            warm.call(kProductQuery, {}, within(milliseconds(500))),
            [&](const std::exception_ptr&, Result<nlohmann::json>) { io.stop(); }
        );
        io.run_for(std::chrono::seconds(5));
        io.restart();
    }

    std::optional<Result<nlohmann::json>> result;
    {
        const FdExhaustion exhaustion;
        asio::co_spawn(
            io,
            rig.client.call(kProductQuery, {}, within(milliseconds(1'000))),
            [&](const std::exception_ptr&, Result<nlohmann::json> outcome) {
                result = std::move(outcome);
                io.stop();
            }
        );
        io.run_for(std::chrono::seconds(10));
    }
    ASSERT_TRUE(result);
    ASSERT_FALSE(*result);
    EXPECT_EQ(result->error().code, upstream_errc::kLocalLimit) << result->error().detail();
    EXPECT_EQ(rig.breakers.for_method(kProductQuery).state(), CircuitBreaker::State::kClosed);
    EXPECT_EQ(server.accepted(), 0U);
}

// A method whose breaker is open is refused without a call: the error carries the time left,
// and the refusal counts as a failed, circuit-open call; the other methods are not refused.
TEST(AliExpressClient, RefusalAnswersForAnOpenBreakerOnly) {
    asio::io_context io;
    ClientRig rig(io, "http://127.0.0.1:9/sync");
    AliExpressClient& client = rig.client;
    BreakerSet& breakers = rig.breakers;
    const UpstreamMetrics& metrics = rig.metrics;

    EXPECT_FALSE(client.refusal(kProductQuery, "rid"));
    breakers.for_method(kProductQuery).trip_for(milliseconds(60'000));
    const std::optional<UpstreamError> refused = client.refusal(kProductQuery, "rid");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, upstream_errc::kCircuitOpen);
    EXPECT_GT(refused->retry_after, milliseconds(50'000));
    EXPECT_EQ(metrics.for_method(kProductQuery).circuit_open->value(), 1U);
    EXPECT_EQ(breakers.for_method(kProductQuery).rejected_total(), 1U);
    EXPECT_FALSE(client.refusal(kLinkGenerate, "rid"));
}

}  // namespace
}  // namespace scout::upstream
