// Where a worker's connections wait when their client was just refused for its rate (429):
// the worker lets a few of them go on per turn of its event loop, so a client flooding over its
// limit still gets its 429s whenever the worker has time for them, and a client in good
// standing never queues behind a whole flood of them. One per worker; touched only on the
// worker's thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <deque>

namespace scout::http {

class YieldQueue {
public:
    // `per_turn`: connections let go each time the event loop polls for I/O (at least 1).
    YieldQueue(boost::asio::io_context& io, std::size_t per_turn);
    YieldQueue(const YieldQueue&) = delete;
    YieldQueue& operator=(const YieldQueue&) = delete;
    YieldQueue(YieldQueue&&) = delete;
    YieldQueue& operator=(YieldQueue&&) = delete;
    ~YieldQueue() = default;

    // Suspends the caller until its turn; `turn` is the caller's own timer (a connection's),
    // unused elsewhere while it waits. Returns at once after release_all().
    boost::asio::awaitable<void> wait(boost::asio::steady_timer& turn);

    // Lets every waiter go, now and from now on (the worker is draining or closing).
    void release_all();

    [[nodiscard]] std::size_t waiting() const { return waiting_.size(); }

private:
    void schedule();
    void let_go();

    boost::asio::io_context& io_;
    std::size_t per_turn_;
    std::deque<boost::asio::steady_timer*> waiting_;
    bool scheduled_ = false;
    bool released_ = false;
};

}  // namespace scout::http
