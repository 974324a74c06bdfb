// Single-flight for coroutines: concurrent callers with the same key, on any worker thread,
// share one fetch and its outcome (value, error value or exception). Cache area. One instance
// is shared by all workers; run() and the counters are thread-safe.
#pragma once

#include <scout/core/asio.hpp>
#include <scout/monitoring/metrics.hpp>

#include <boost/system/system_error.hpp>

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace scout::cache {

// How a flight runs:
// - The first caller for a key (the leader) co_spawns `fetch()` on its own executor. The fetch
//   runs detached from the leader's coroutine: cancelling the leader does not cancel the fetch
//   the others are waiting for.
// - Every caller, leader included, then waits on a steady_timer created on ITS OWN executor.
//   When the fetch ends, the result is stored, the key is removed from the map (a later call
//   starts a new flight) and a wake-up is posted to each caller's executor, so each caller
//   resumes on its own worker thread and copies the shared result (T must be copyable).
// - A fetch that throws makes every caller throw the same exception object.
// - A cancelled caller gets boost::system::system_error(operation_aborted) and leaves; the
//   fetch and the other callers are unaffected.
//
// Requirements: each caller's executor runs on one thread at a time (an io_context run by one
// thread, as every Scout worker, or a strand); the SingleFlight, and the io_context of every
// leader, outlive the flights they run (stop all workers before destroying either).
// `fetch` is invoked once, on the leader's thread; it must return awaitable<T> and must not be
// a capturing lambda coroutine (GCC 12): make it a lambda returning a call to a coroutine
// function that takes its arguments by value.
template <typename T>
class SingleFlight {
public:
    // Counts flights started into `leaders` and callers that joined one into `waiters`
    // (registry counters; without them, counters of its own).
    SingleFlight() : leaders_(&own_leaders_), waiters_(&own_waiters_) {}
    SingleFlight(monitoring::Counter& leaders, monitoring::Counter& waiters)
        : leaders_(&leaders), waiters_(&waiters) {}
    SingleFlight(const SingleFlight&) = delete;
    SingleFlight& operator=(const SingleFlight&) = delete;
    SingleFlight(SingleFlight&&) = delete;
    SingleFlight& operator=(SingleFlight&&) = delete;
    ~SingleFlight() = default;

    template <typename Fetch>
    requires std::invocable<Fetch&> && std::same_as<std::invoke_result_t<Fetch&>, awaitable<T>>
        awaitable<T> run(std::string key, Fetch fetch) {
        const auto executor = co_await asio::this_coro::executor;
        auto timer =
            std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
        std::shared_ptr<Flight> flight;
        bool leader = false;
        {
            const std::lock_guard lock(mutex_);
            auto [it, inserted] = flights_.try_emplace(key);
            if (inserted) {
                it->second = std::make_shared<Flight>();
                leader = true;
            }
            flight = it->second;
            flight->waiters.push_back(Waiter{executor, timer});
        }
        if (leader) {
            leaders_->inc();
            asio::co_spawn(
                executor,
                lead(std::move(key), flight, std::move(fetch)),
                // lead() catches everything the fetch throws; nothing reaches this handler.
                [](const std::exception_ptr&) {}
            );
        } else {
            waiters_->inc();
        }

        // Wakes up when the leader expires the timer, or with operation_aborted when this
        // caller is cancelled; `done` tells which.
        co_await timer->async_wait(nothrow);
        {
            const std::lock_guard lock(mutex_);
            if (!flight->done) {
                throw boost::system::system_error(asio::error::operation_aborted);
            }
        }
        // Published under the lock before the wake-up; immutable from then on.
        if (flight->error) {
            std::rethrow_exception(flight->error);
        }
        co_return *flight->value;
    }

    // Flights started (fetches run) and callers that joined a running flight.
    [[nodiscard]] std::uint64_t leaders_total() const { return leaders_->value(); }
    [[nodiscard]] std::uint64_t joined_total() const { return waiters_->value(); }
    // Keys with a fetch in progress.
    [[nodiscard]] std::size_t in_flight() const {
        const std::lock_guard lock(mutex_);
        return flights_.size();
    }

private:
    struct Waiter {
        asio::any_io_executor executor;
        // Owned by the waiting coroutine's frame: if that frame is gone, there is no one to wake.
        std::weak_ptr<asio::steady_timer> timer;
    };

    struct Flight {
        bool done = false;  // guarded by mutex_; value/error are written before it is set
        std::optional<T> value;
        std::exception_ptr error;
        std::vector<Waiter> waiters;  // guarded by mutex_
    };

    template <typename Fetch>
    awaitable<void> lead(std::string key, std::shared_ptr<Flight> flight, Fetch fetch) {
        std::optional<T> value;
        std::exception_ptr error;
        try {
            value.emplace(co_await fetch());
        } catch (...) {
            error = std::current_exception();
        }

        std::vector<Waiter> waiters;
        {
            const std::lock_guard lock(mutex_);
            flight->value = std::move(value);
            flight->error = error;
            flight->done = true;
            waiters.swap(flight->waiters);
            // Erased in the same critical section that sets `done`: nobody can join after.
            flights_.erase(key);
        }
        for (Waiter& waiter : waiters) {
            asio::post(waiter.executor, [timer = std::move(waiter.timer)] {
                if (const auto alive = timer.lock()) {
                    // Unlike cancel(), a new expiry also wakes a wait that has not started yet.
                    alive->expires_at(asio::steady_timer::time_point::min());
                }
            });
        }
    }

    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
    monitoring::Counter own_leaders_;
    monitoring::Counter own_waiters_;
    monitoring::Counter* leaders_;
    monitoring::Counter* waiters_;
};

}  // namespace scout::cache
