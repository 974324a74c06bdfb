#include <scout/upstream/circuit_breaker.hpp>

#include <algorithm>
#include <limits>

namespace scout::upstream {
namespace {

using std::chrono::milliseconds;

constexpr int kMinWindowMs = 10;

}  // namespace

CircuitBreaker::CircuitBreaker(Settings settings, const Clock& clock, Listener listener)
    : clock_(clock), listener_(std::move(listener)), settings_(std::move(settings)) {
    bucket_width_ = current_limits().bucket_width;
    clear_window();
}

CircuitBreaker::CircuitBreaker(
    const config::BreakerConfig& config, const Clock& clock, Listener listener
)
    : CircuitBreaker([config] { return config; }, clock, std::move(listener)) {}

CircuitBreaker::Limits CircuitBreaker::current_limits() const {
    const config::BreakerConfig config = settings_();
    return Limits{
        .failure_ratio = config.failure_ratio,
        .min_calls = static_cast<std::uint32_t>(std::max(config.min_calls, 1)),
        .bucket_width =
            milliseconds(std::max(config.window_ms, kMinWindowMs)) / static_cast<int>(kBuckets),
        .open_duration = milliseconds(std::max(config.open_ms, 0)),
        .half_open_max_calls = std::max(config.half_open_max_calls, 1),
    };
}

std::optional<CircuitBreaker::Permit> CircuitBreaker::try_acquire() {
    const Limits limits = current_limits();
    Transition transition;
    std::optional<Permit> permit;
    {
        const std::lock_guard lock(mutex_);
        if (state_ == State::kOpen && clock_.now() >= open_end(limits)) {
            transition = set_state(State::kHalfOpen);
        }
        const bool granted =
            state_ == State::kClosed ||
            (state_ == State::kHalfOpen && trials_in_flight_ < limits.half_open_max_calls);
        if (granted) {
            trials_in_flight_ += state_ == State::kHalfOpen ? 1 : 0;
            permit = Permit{generation_};
        }
    }
    if (!permit) {
        rejected_total_.fetch_add(1, std::memory_order_relaxed);
    }
    notify(transition);
    return permit;
}

void CircuitBreaker::on_success(Permit permit) {
    const Limits limits = current_limits();
    Transition transition;
    {
        const std::lock_guard lock(mutex_);
        if (permit.generation != generation_) {
            // A late result of a call started before the last state change.
        } else if (state_ == State::kClosed) {
            record(clock_.now(), limits, /*failed=*/false);
        } else if (is_current_trial(permit)) {
            --trials_in_flight_;
            if (++trial_successes_ >= limits.half_open_max_calls) {
                transition = set_state(State::kClosed);
            }
        }
    }
    notify(transition);
}

void CircuitBreaker::on_failure(Permit permit) {
    const Limits limits = current_limits();
    Transition transition;
    {
        const std::lock_guard lock(mutex_);
        const Clock::time_point now = clock_.now();
        if (permit.generation != generation_) {
            // A late result of a call started before the last state change.
        } else if (state_ == State::kClosed) {
            record(now, limits, /*failed=*/true);
            if (window_trips(now, limits)) {
                transition = cool_down(now);
            }
        } else if (is_current_trial(permit)) {
            transition = cool_down(now);
        }
    }
    notify(transition);
}

void CircuitBreaker::release(Permit permit) {
    const std::lock_guard lock(mutex_);
    if (is_current_trial(permit)) {
        --trials_in_flight_;
    }
}

void CircuitBreaker::trip_for(milliseconds duration) {
    if (duration <= milliseconds::zero()) {
        return;
    }
    Transition transition;
    {
        const std::lock_guard lock(mutex_);
        const Clock::time_point until = clock_.now() + duration;
        if (state_ == State::kOpen) {
            ban_until_ = std::max(ban_until_, until);  // a running cool-down still counts
        } else {
            cool_down_from_.reset();
            ban_until_ = until;
            transition = set_state(State::kOpen);
        }
    }
    notify(transition);
}

CircuitBreaker::State CircuitBreaker::state() const {
    const std::lock_guard lock(mutex_);
    return state_;
}

bool CircuitBreaker::refuses_now() {
    if (retry_after() == milliseconds::zero()) {
        return false;
    }
    rejected_total_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

milliseconds CircuitBreaker::retry_after() const {
    const Limits limits = current_limits();
    const std::lock_guard lock(mutex_);
    if (state_ != State::kOpen) {
        return milliseconds::zero();
    }
    const Clock::duration left = open_end(limits) - clock_.now();
    if (left <= Clock::duration::zero()) {
        return milliseconds::zero();
    }
    // Round up so a client never retries a moment too early.
    return std::chrono::ceil<milliseconds>(left);
}

bool CircuitBreaker::is_current_trial(Permit permit) const {
    return state_ == State::kHalfOpen && permit.generation == generation_ && trials_in_flight_ > 0;
}

std::int64_t CircuitBreaker::epoch_of(Clock::time_point now) const {
    return now.time_since_epoch() / bucket_width_;
}

void CircuitBreaker::record(Clock::time_point now, const Limits& limits, bool failed) {
    if (bucket_width_ != limits.bucket_width) {
        // window_ms was reloaded: old buckets would be read at the wrong epochs.
        clear_window();
        bucket_width_ = limits.bucket_width;
    }
    const std::int64_t epoch = epoch_of(now);
    const auto slot = static_cast<std::size_t>(
        ((epoch % static_cast<std::int64_t>(kBuckets)) + static_cast<std::int64_t>(kBuckets)) %
        static_cast<std::int64_t>(kBuckets)
    );
    Bucket& bucket = buckets_[slot];
    if (bucket.epoch != epoch) {
        bucket = Bucket{epoch, 0, 0};
    }
    ++bucket.calls;
    if (failed) {
        ++bucket.failures;
    }
}

bool CircuitBreaker::window_trips(Clock::time_point now, const Limits& limits) const {
    const std::int64_t epoch = epoch_of(now);
    std::uint64_t calls = 0;
    std::uint64_t failures = 0;
    for (const Bucket& bucket : buckets_) {
        // Buckets of the last kBuckets epochs, the current one included.
        if (bucket.epoch <= epoch && bucket.epoch > epoch - static_cast<std::int64_t>(kBuckets)) {
            calls += bucket.calls;
            failures += bucket.failures;
        }
    }
    return calls >= limits.min_calls &&
           static_cast<double>(failures) >= limits.failure_ratio * static_cast<double>(calls);
}

void CircuitBreaker::clear_window() {
    for (Bucket& bucket : buckets_) {
        bucket = Bucket{std::numeric_limits<std::int64_t>::min(), 0, 0};
    }
}

CircuitBreaker::Transition CircuitBreaker::cool_down(Clock::time_point now) {
    cool_down_from_ = now;
    ban_until_ = Clock::time_point::min();
    return set_state(State::kOpen);
}

Clock::time_point CircuitBreaker::open_end(const Limits& limits) const {
    // open_ms is read live: a reload shortens or lengthens the cool-down under way too.
    const Clock::time_point cool_down_end =
        cool_down_from_ ? *cool_down_from_ + limits.open_duration : Clock::time_point::min();
    return std::max(cool_down_end, ban_until_);
}

CircuitBreaker::Transition CircuitBreaker::set_state(State to) {
    const State from = state_;
    state_ = to;
    trials_in_flight_ = 0;
    trial_successes_ = 0;
    if (from == to) {
        return std::nullopt;
    }
    ++generation_;
    switch (to) {
        case State::kOpen:
            opened_total_.fetch_add(1, std::memory_order_relaxed);
            clear_window();
            break;
        case State::kHalfOpen:
            half_open_total_.fetch_add(1, std::memory_order_relaxed);
            break;
        case State::kClosed:
            closed_total_.fetch_add(1, std::memory_order_relaxed);
            clear_window();
            break;
    }
    return std::make_pair(from, to);
}

void CircuitBreaker::notify(const Transition& transition) const {
    if (transition && listener_) {
        listener_(transition->first, transition->second);
    }
}

std::string_view to_string(CircuitBreaker::State state) {
    switch (state) {
        case CircuitBreaker::State::kClosed:
            return "closed";
        case CircuitBreaker::State::kOpen:
            return "open";
        case CircuitBreaker::State::kHalfOpen:
            return "half_open";
    }
    return "closed";
}

}  // namespace scout::upstream
