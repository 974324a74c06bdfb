#include <scout/http/yield_queue.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace scout::http {

namespace asio = boost::asio;

YieldQueue::YieldQueue(asio::io_context& io, std::size_t per_turn)
    : io_(io), per_turn_(std::max<std::size_t>(per_turn, 1)) {}

asio::awaitable<void> YieldQueue::wait(asio::steady_timer& turn) {
    if (released_) {
        co_return;
    }
    turn.expires_at(asio::steady_timer::time_point::max());
    waiting_.push_back(&turn);
    schedule();
    // Woken by cancel(): operation_aborted is the normal end of this wait.
    auto wait = turn.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)co_await std::move(wait);
}

void YieldQueue::release_all() {
    released_ = true;
    while (!waiting_.empty()) {
        waiting_.front()->cancel();
        waiting_.pop_front();
    }
}

void YieldQueue::schedule() {
    if (scheduled_) {
        return;
    }
    scheduled_ = true;
    // A handler posted by a handler runs after the loop's next poll for I/O (the loop
    // re-queues its poll behind the handlers ready when it last polled): one let_go() per
    // turn, ahead of the I/O that poll found, behind the connections let go the turn before.
    // No timer: a timer would cost the loop a timerfd system call per turn.
    asio::post(io_, [this] { let_go(); });
}

void YieldQueue::let_go() {
    scheduled_ = false;
    for (std::size_t i = 0; i < per_turn_ && !waiting_.empty(); ++i) {
        waiting_.front()->cancel();
        waiting_.pop_front();
    }
    if (!waiting_.empty()) {
        schedule();
    }
}

}  // namespace scout::http
