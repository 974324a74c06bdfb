#include <scout/cache/single_flight.hpp>
#include <scout/core/asio.hpp>

#include "support/run_co.hpp"

#include <boost/system/result.hpp>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace scout::cache {
namespace {

using IntResult = boost::system::result<int>;

// Holds fetches until the test opens it. Fetches may run on any thread; open() may be called
// from any thread, before or after the fetch starts waiting.
class Gate {
public:
    awaitable<void> wait() {
        const auto executor = co_await asio::this_coro::executor;
        auto timer =
            std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
        {
            const std::lock_guard lock(mutex_);
            if (open_) {
                co_return;
            }
            waiting_.push_back({executor, timer});
        }
        // open() sets a past expiry: this wakes the wait even if it has not started yet.
        co_await timer->async_wait(nothrow);
    }

    void open() {
        std::vector<Waiting> waiting;
        {
            const std::lock_guard lock(mutex_);
            open_ = true;
            waiting.swap(waiting_);
        }
        for (auto& entry : waiting) {
            asio::post(entry.executor, [timer = entry.timer] {
                timer->expires_at(asio::steady_timer::time_point::min());
            });
        }
    }

private:
    struct Waiting {
        asio::any_io_executor executor;
        std::shared_ptr<asio::steady_timer> timer;
    };
    std::mutex mutex_;
    bool open_ = false;
    std::vector<Waiting> waiting_;
};

awaitable<int> gated_value(std::atomic<int>* fetches, Gate* gate, int value) {
    fetches->fetch_add(1);
    co_await gate->wait();
    co_return value;
}

awaitable<IntResult> gated_error(std::atomic<int>* fetches, Gate* gate) {
    fetches->fetch_add(1);
    co_await gate->wait();
    co_return boost::system::error_code(
        boost::system::errc::timed_out, boost::system::generic_category()
    );
}

awaitable<int> gated_throw(std::atomic<int>* fetches, Gate* gate) {
    fetches->fetch_add(1);
    co_await gate->wait();
    throw std::runtime_error("upstream exploded");
}

// Waits for a condition other threads make true; fails instead of hanging forever.
bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::yield();
    }
    return true;
}

template <typename T>
struct Outcome {
    std::optional<T> value;
    std::exception_ptr error;
    bool finished = false;
};

template <typename T>
auto record(Outcome<T>& outcome) {
    return [&outcome](const std::exception_ptr& error, T value) {
        outcome.finished = true;
        outcome.error = error;
        if (!error) {
            outcome.value.emplace(std::move(value));
        }
    };
}

bool is_operation_aborted(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const boost::system::system_error& e) {
        return e.code() == asio::error::operation_aborted;
    } catch (...) {
        return false;
    }
}

TEST(SingleFlight, ConcurrentCallersOnTwoContextsShareOneFetch) {
    constexpr int kCallers = 200;
    SingleFlight<int> flight;
    Gate gate;
    std::atomic<int> fetches{0};
    std::array<asio::io_context, 2> contexts;
    std::atomic<int> done{0};
    std::atomic<int> right_value{0};
    std::atomic<int> on_own_thread{0};
    std::atomic<int> failures{0};

    for (int i = 0; i < kCallers; ++i) {
        asio::io_context& io = contexts[static_cast<std::size_t>(i % 2)];
        asio::co_spawn(
            io,
            flight.run("search:k", [&] { return gated_value(&fetches, &gate, 42); }),
            [&, &own = io](const std::exception_ptr& error, int value) {
                if (error) {
                    failures.fetch_add(1);
                } else if (value == 42) {
                    right_value.fetch_add(1);
                }
                if (own.get_executor().running_in_this_thread()) {
                    on_own_thread.fetch_add(1);
                }
                done.fetch_add(1);
            }
        );
    }
    std::vector<std::thread> threads;
    threads.reserve(contexts.size());
    for (auto& io : contexts) {
        threads.emplace_back([&io] { io.run(); });
    }

    const bool all_joined = eventually([&] { return flight.joined_total() == kCallers - 1; });
    EXPECT_TRUE(all_joined);
    EXPECT_EQ(flight.in_flight(), 1U);
    gate.open();
    for (auto& thread : threads) {
        thread.join();  // each io_context runs out of work once its callers are done
    }

    EXPECT_EQ(fetches.load(), 1);
    EXPECT_EQ(done.load(), kCallers);
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(right_value.load(), kCallers);
    EXPECT_EQ(on_own_thread.load(), kCallers);
    EXPECT_EQ(flight.leaders_total(), 1U);
    EXPECT_EQ(flight.joined_total(), static_cast<std::uint64_t>(kCallers - 1));
    EXPECT_EQ(flight.in_flight(), 0U);
}

TEST(SingleFlight, ConcurrentRepeatedFlightsDeliverEachKeysOwnValue) {
    constexpr int kCallsPerContext = 400;
    SingleFlight<int> flight;
    std::atomic<int> fetches{0};
    Gate open_gate;
    open_gate.open();
    std::array<asio::io_context, 2> contexts;
    std::atomic<int> wrong{0};
    std::atomic<int> done{0};
    for (auto& io : contexts) {
        for (int i = 0; i < kCallsPerContext; ++i) {
            const int key = i % 4;
            asio::co_spawn(
                io,
                flight.run(
                    "k" + std::to_string(key),
                    [&, key] { return gated_value(&fetches, &open_gate, key * 10); }
                ),
                [&, key](const std::exception_ptr& error, int value) {
                    if (error || value != key * 10) {
                        wrong.fetch_add(1);
                    }
                    done.fetch_add(1);
                }
            );
        }
    }
    std::vector<std::thread> threads;
    threads.reserve(contexts.size());
    for (auto& io : contexts) {
        threads.emplace_back([&io] { io.run(); });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(done.load(), 2 * kCallsPerContext);
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(static_cast<std::uint64_t>(fetches.load()), flight.leaders_total());
    EXPECT_EQ(
        flight.leaders_total() + flight.joined_total(),
        static_cast<std::uint64_t>(2 * kCallsPerContext)
    );
    EXPECT_EQ(flight.in_flight(), 0U);
}

TEST(SingleFlight, SharesAnErrorResult) {
    asio::io_context io;
    SingleFlight<IntResult> flight;
    Gate gate;
    std::atomic<int> fetches{0};
    Outcome<IntResult> first;
    Outcome<IntResult> second;
    const auto fetch = [&] { return gated_error(&fetches, &gate); };
    asio::co_spawn(io, flight.run("k", fetch), record(first));
    asio::co_spawn(io, flight.run("k", fetch), record(second));
    io.poll();
    EXPECT_EQ(flight.joined_total(), 1U);
    gate.open();
    io.run();

    EXPECT_EQ(fetches.load(), 1);
    for (const auto* outcome : {&first, &second}) {
        ASSERT_TRUE(outcome->value.has_value());
        ASSERT_TRUE(outcome->value->has_error());
        EXPECT_EQ(outcome->value->error(), boost::system::errc::timed_out);
    }
}

TEST(SingleFlight, SharesAnException) {
    asio::io_context io;
    SingleFlight<int> flight;
    Gate gate;
    std::atomic<int> fetches{0};
    Outcome<int> first;
    Outcome<int> second;
    const auto fetch = [&] { return gated_throw(&fetches, &gate); };
    asio::co_spawn(io, flight.run("k", fetch), record(first));
    asio::co_spawn(io, flight.run("k", fetch), record(second));
    io.poll();
    gate.open();
    io.run();

    EXPECT_EQ(fetches.load(), 1);
    for (const auto* outcome : {&first, &second}) {
        ASSERT_TRUE(outcome->finished);
        ASSERT_TRUE(outcome->error);
        EXPECT_THROW(std::rethrow_exception(outcome->error), std::runtime_error);
    }
    EXPECT_EQ(flight.in_flight(), 0U);
}

TEST(SingleFlight, StartsANewFlightAfterTheLastOneCompleted) {
    asio::io_context io;
    SingleFlight<int> flight;
    Gate gate;
    gate.open();
    std::atomic<int> fetches{0};
    EXPECT_EQ(
        test::run_co(io, flight.run("k", [&] { return gated_value(&fetches, &gate, 1); })), 1
    );
    EXPECT_EQ(
        test::run_co(io, flight.run("k", [&] { return gated_value(&fetches, &gate, 2); })), 2
    );
    EXPECT_EQ(fetches.load(), 2);
    EXPECT_EQ(flight.leaders_total(), 2U);
    EXPECT_EQ(flight.joined_total(), 0U);
}

TEST(SingleFlight, DifferentKeysRunIndependently) {
    asio::io_context io;
    SingleFlight<int> flight;
    Gate gate;
    std::atomic<int> fetches{0};
    Outcome<int> a;
    Outcome<int> b;
    asio::co_spawn(io, flight.run("a", [&] { return gated_value(&fetches, &gate, 1); }), record(a));
    asio::co_spawn(io, flight.run("b", [&] { return gated_value(&fetches, &gate, 2); }), record(b));
    io.poll();
    EXPECT_EQ(flight.in_flight(), 2U);
    EXPECT_EQ(fetches.load(), 2);
    gate.open();
    io.run();
    EXPECT_EQ(a.value, 1);
    EXPECT_EQ(b.value, 2);
    EXPECT_EQ(flight.leaders_total(), 2U);
}

TEST(SingleFlight, CancelledWaiterLeavesWithoutDisturbingOthers) {
    asio::io_context io;
    SingleFlight<int> flight;
    Gate gate;
    std::atomic<int> fetches{0};
    const auto fetch = [&] { return gated_value(&fetches, &gate, 7); };
    asio::cancellation_signal cancel;
    Outcome<int> leader;
    Outcome<int> cancelled;
    Outcome<int> other;
    asio::co_spawn(io, flight.run("k", fetch), record(leader));
    asio::co_spawn(
        io, flight.run("k", fetch), asio::bind_cancellation_slot(cancel.slot(), record(cancelled))
    );
    asio::co_spawn(io, flight.run("k", fetch), record(other));
    io.poll();

    cancel.emit(asio::cancellation_type::terminal);
    io.poll();
    ASSERT_TRUE(cancelled.finished);
    EXPECT_TRUE(is_operation_aborted(cancelled.error));
    EXPECT_FALSE(leader.finished);
    EXPECT_EQ(flight.in_flight(), 1U);

    gate.open();
    io.run();
    EXPECT_EQ(leader.value, 7);
    EXPECT_EQ(other.value, 7);
    EXPECT_EQ(fetches.load(), 1);
}

TEST(SingleFlight, CancelledLeaderDoesNotCancelTheFetchOthersWaitFor) {
    asio::io_context io;
    SingleFlight<int> flight;
    Gate gate;
    std::atomic<int> fetches{0};
    const auto fetch = [&] { return gated_value(&fetches, &gate, 9); };
    asio::cancellation_signal cancel;
    Outcome<int> leader;
    Outcome<int> waiter;
    asio::co_spawn(
        io, flight.run("k", fetch), asio::bind_cancellation_slot(cancel.slot(), record(leader))
    );
    asio::co_spawn(io, flight.run("k", fetch), record(waiter));
    io.poll();

    cancel.emit(asio::cancellation_type::terminal);
    io.poll();
    ASSERT_TRUE(leader.finished);
    EXPECT_TRUE(is_operation_aborted(leader.error));
    EXPECT_FALSE(waiter.finished);

    gate.open();
    io.run();
    EXPECT_EQ(waiter.value, 9);
    EXPECT_EQ(fetches.load(), 1);
    EXPECT_EQ(flight.in_flight(), 0U);
}

}  // namespace
}  // namespace scout::cache
