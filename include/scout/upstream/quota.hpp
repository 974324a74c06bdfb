// The outbound quota: every upstream HTTP attempt takes a slot first, so the app key never
// calls the gateway faster than upstream.quota.rate_per_s (+ burst) nor more than
// upstream.quota.daily times a day, and an advertised ban pauses every call until it ends.
//
// A slot is reserved, not polled for (GCRA, the "virtual scheduling" form of a token bucket):
// the bucket keeps the theoretical arrival time `tat` of the next call; a caller whose slot
// lies in the future waits for it on an asio timer, so waiters are served in the order they
// reserved (FIFO) and no thread blocks. A call that would wait past its deadline (or
// max_wait_ms), or find max_queue calls already waiting, is refused at once without taking a
// slot. The same arithmetic runs here (QuotaBucket, one instance) and in Redis (a Lua script,
// all instances; upstream/redis_quota.hpp). Upstream area; thread-safe.
#pragma once

#include <scout/config/config.hpp>
#include <scout/core/asio.hpp>
#include <scout/core/clock.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/upstream/errors.hpp>

#include <boost/system/result.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>

namespace scout::upstream {

using std::chrono::microseconds;

// Why a call got no slot; also the `reason` label of the rejection metric.
enum class QuotaVerdict {
    kGranted,
    kQueueFull,  // max_queue calls already wait in this instance
    kDeadline,   // the slot comes after the call's deadline or max_wait_ms
    kBanned,     // an upstream ban lasts past the call's deadline or max_wait_ms
    kDaily,      // the day's budget is spent
};
inline constexpr std::size_t kQuotaVerdicts = 5;

// "granted", "queue_full", "deadline", "banned", "daily".
std::string_view to_string(QuotaVerdict verdict);

// The bucket's shape for one reservation (from the live configuration and the mode).
struct QuotaLimits {
    microseconds interval{0};   // time between two slots (1 / rate); 0 = no pacing
    microseconds tolerance{0};  // how far ahead of `tat` a slot may go: (burst - 1) * interval
    std::int64_t daily = 0;     // calls per day; 0 = no budget
};

// The limits of `cfg` divided by `share` (1 with Redis: the bucket is everyone's; the
// instances_hint alone: this instance's part).
QuotaLimits quota_limits(const config::QuotaConfig& cfg, int share);

// One reservation: when it is made, and how long the caller can wait for its slot.
struct QuotaAsk {
    std::int64_t now_us = 0;  // the bucket's clock, microseconds
    std::int64_t day = 0;     // the quota day of `now_us` (gmt8_day)
    microseconds limit{0};    // the longest acceptable wait
    bool queue_full = false;  // a wait is refused as kQueueFull rather than kDeadline
};

struct QuotaDecision {
    QuotaVerdict verdict = QuotaVerdict::kGranted;
    // Granted: the wait before the call may go. Refused: when asking again may succeed (the
    // client's Retry-After), at least 1 ms.
    microseconds wait{0};
    std::int64_t used_today = 0;  // calls granted today (known to the deciding bucket)
    microseconds banned_for{0};   // what is left of a ban, 0 when none

    [[nodiscard]] bool granted() const { return verdict == QuotaVerdict::kGranted; }
};

// The quota day (starting 00:00 GMT+8, as the gateway's daily quota) of a Unix time.
std::int64_t gmt8_day(std::int64_t unix_ms);
// Microseconds from `unix_us` to the next 00:00 GMT+8.
microseconds until_next_gmt8_day(std::int64_t unix_us);

// The GCRA state and arithmetic for one bucket, on an explicit clock (microseconds): the
// local fallback and the reference the Lua script is tested against. Not thread-safe.
class QuotaBucket {
public:
    // Takes a slot when one is free within ask.limit, else refuses without changing state.
    // `unix_us` is only used for the daily Retry-After.
    QuotaDecision reserve(const QuotaLimits& limits, const QuotaAsk& ask, std::int64_t unix_us);
    // No slot before `now_us + ban` (a longer ban already in force stays).
    void ban(std::int64_t now_us, microseconds ban);
    [[nodiscard]] microseconds banned_for(std::int64_t now_us) const;

private:
    std::int64_t tat_us_ = 0;  // theoretical arrival time of the next call
    std::int64_t ban_until_us_ = 0;
    std::int64_t day_ = 0;
    std::int64_t used_ = 0;
};

// The state all instances share (Redis). Calls run on a worker thread; implementations are
// thread-safe. Failures are values: the quota then decides locally.
class SharedQuotaStore {
public:
    SharedQuotaStore() = default;
    SharedQuotaStore(const SharedQuotaStore&) = delete;
    SharedQuotaStore& operator=(const SharedQuotaStore&) = delete;
    SharedQuotaStore(SharedQuotaStore&&) = delete;
    SharedQuotaStore& operator=(SharedQuotaStore&&) = delete;
    virtual ~SharedQuotaStore() = default;

    // Cheap: the store can be asked from this thread now (its connection is up).
    [[nodiscard]] virtual bool available() const = 0;
    // QuotaBucket::reserve on the shared bucket, on the store's clock (ask.now_us and ask.day
    // are ignored).
    virtual awaitable<boost::system::result<QuotaDecision>> reserve(
        QuotaLimits limits, microseconds limit, bool queue_full
    ) = 0;
    // QuotaBucket::ban on the shared bucket; returns what is left of the ban in force.
    virtual awaitable<boost::system::result<microseconds>> ban(microseconds ban) = 0;
    // What is left of the shared ban (0 when none).
    virtual awaitable<boost::system::result<microseconds>> banned_for() = 0;
};

// The quota's metrics in the registry:
//   scout_upstream_quota_acquired_total             calls given a slot
//   scout_upstream_quota_wait_seconds               waits for a slot (calls that waited)
//   scout_upstream_quota_rejected_total{reason}     queue_full | deadline | banned | daily
//   scout_upstream_quota_queue_length               calls waiting now (this instance)
//   scout_upstream_quota_daily_used                 calls granted today (last known)
//   scout_upstream_quota_daily_limit                upstream.quota.daily (0 = none) as last used
//   scout_upstream_quota_mode{mode}                 1 for the active mode: redis | local
struct QuotaMetrics {
    explicit QuotaMetrics(monitoring::Registry& registry);

    monitoring::Counter* acquired = nullptr;
    monitoring::Histogram* waited = nullptr;
    std::array<monitoring::Counter*, kQuotaVerdicts> rejected{};  // by QuotaVerdict
    monitoring::Gauge* queue_length = nullptr;
    monitoring::Gauge* daily_used = nullptr;
    monitoring::Gauge* daily_limit = nullptr;
    monitoring::Gauge* mode_redis = nullptr;
    monitoring::Gauge* mode_local = nullptr;
};

// The process-wide quota: shared by every worker's client.
class OutboundQuota {
public:
    // `shared` may be null (no Redis): the local bucket decides, at rate / instances_hint.
    OutboundQuota(
        monitoring::Registry& registry,
        SharedQuotaStore* shared,
        const Clock& clock = SteadyClock::instance()
    );

    // Waits for a slot (on the caller's executor). nullopt: go; else the refusal, an
    // UpstreamError kQuotaExhausted whose retry_after says when to ask again.
    awaitable<std::optional<UpstreamError>> acquire(
        const config::QuotaConfig& cfg, Clock::time_point deadline
    );
    // An upstream ban (already capped by upstream.max_ban_s): no slot before it ends, here
    // and, through the shared store, in every instance.
    awaitable<void> pause_for(std::chrono::milliseconds ban);

    // Calls waiting for their slot now.
    [[nodiscard]] std::int64_t queue_length() const { return metrics_.queue_length->value(); }
    // Whether the shared store decides (false: the local share).
    [[nodiscard]] bool shared_mode() const { return mode_.load() == Mode::kRedis; }

private:
    enum class Mode { kStarting, kRedis, kLocal };

    awaitable<QuotaDecision> decide(
        const config::QuotaConfig& cfg, microseconds limit, bool queue_full
    );
    awaitable<std::optional<UpstreamError>> wait_for_slot(
        microseconds wait, Clock::time_point deadline
    );
    awaitable<boost::system::result<QuotaDecision>> reserve_shared(
        const config::QuotaConfig& cfg, microseconds limit, bool queue_full
    );
    QuotaDecision reserve_local(const config::QuotaConfig& cfg, microseconds limit, bool full);
    awaitable<microseconds> banned_after_wait();
    [[nodiscard]] microseconds local_banned_for() const;
    void set_mode(Mode mode, std::string_view why);
    [[nodiscard]] bool shared_usable() const;
    void note_shared_failure(std::string_view what, const boost::system::error_code& ec);
    void note_ban(microseconds banned_for);
    [[nodiscard]] std::int64_t now_us() const;
    UpstreamError refusal(QuotaVerdict verdict, microseconds retry_after);

    QuotaMetrics metrics_;
    SharedQuotaStore* shared_;
    const Clock& clock_;
    mutable std::mutex mutex_;  // the local bucket
    QuotaBucket local_;
    std::atomic<Mode> mode_{Mode::kStarting};            // logged on every change
    std::atomic<std::int64_t> shared_down_until_us_{0};  // skip the store after a failure
};

}  // namespace scout::upstream
