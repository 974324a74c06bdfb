#include <scout/log/log.hpp>
#include <scout/upstream/quota.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace scout::upstream {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr std::int64_t kDayUs = 86'400'000'000;
constexpr std::int64_t kGmt8OffsetUs = 8LL * 3'600'000'000;
// After a failed shared-store call, decide locally for this long before asking it again.
constexpr microseconds kSharedRetryAfter{1'000'000};
// A refusal's Retry-After is never shorter than this.
constexpr microseconds kMinRefusalWait{1'000};

const log::Logger& logger() {
    static const log::Logger instance("upstream");
    return instance;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

double seconds(microseconds d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

std::string_view to_string(QuotaVerdict verdict) {
    switch (verdict) {
        case QuotaVerdict::kGranted:
            return "granted";
        case QuotaVerdict::kQueueFull:
            return "queue_full";
        case QuotaVerdict::kDeadline:
            return "deadline";
        case QuotaVerdict::kBanned:
            return "banned";
        case QuotaVerdict::kDaily:
            return "daily";
    }
    return "granted";
}

QuotaLimits quota_limits(const config::QuotaConfig& cfg, int share) {
    share = std::max(share, 1);
    QuotaLimits limits;
    const double rate = cfg.rate_per_s / share;
    if (rate > 0) {
        limits.interval = microseconds(std::max<std::int64_t>(1, std::llround(1e6 / rate)));
        const int burst = std::max(1, cfg.burst / share);
        limits.tolerance = limits.interval * (burst - 1);
    }
    limits.daily = cfg.daily == 0 ? 0 : std::max<std::int64_t>(1, cfg.daily / share);
    return limits;
}

std::int64_t gmt8_day(std::int64_t unix_ms) {
    return floor_div(unix_ms * 1000 + kGmt8OffsetUs, kDayUs);
}

microseconds until_next_gmt8_day(std::int64_t unix_us) {
    const std::int64_t next = (floor_div(unix_us + kGmt8OffsetUs, kDayUs) + 1) * kDayUs;
    return microseconds(next - kGmt8OffsetUs - unix_us);
}

// ---- QuotaBucket (the Lua script in redis_quota.cpp is the same, line by line) -------------

QuotaDecision QuotaBucket::reserve(
    const QuotaLimits& limits, const QuotaAsk& ask, std::int64_t unix_us
) {
    const std::int64_t now = ask.now_us;
    if (day_ != ask.day) {
        day_ = ask.day;
        used_ = 0;
    }
    QuotaDecision decision;
    decision.used_today = used_;
    decision.banned_for = banned_for(now);
    if (limits.daily > 0 && used_ >= limits.daily) {
        decision.verdict = QuotaVerdict::kDaily;
        decision.wait = until_next_gmt8_day(unix_us);
        return decision;
    }
    const std::int64_t arrival = std::max(now, ban_until_us_);
    const std::int64_t tat = std::max(tat_us_, arrival);
    const std::int64_t grant = std::max(arrival, tat - limits.tolerance.count());
    decision.wait = microseconds(grant - now);
    if (decision.wait > ask.limit) {
        decision.verdict = decision.banned_for > ask.limit ? QuotaVerdict::kBanned
                           : ask.queue_full                ? QuotaVerdict::kQueueFull
                                                           : QuotaVerdict::kDeadline;
        decision.wait = std::max(decision.wait, kMinRefusalWait);
        return decision;
    }
    tat_us_ = tat + limits.interval.count();
    decision.used_today = ++used_;
    return decision;
}

void QuotaBucket::ban(std::int64_t now_us, microseconds ban) {
    ban_until_us_ = std::max(ban_until_us_, now_us + ban.count());
}

microseconds QuotaBucket::banned_for(std::int64_t now_us) const {
    return microseconds(std::max<std::int64_t>(0, ban_until_us_ - now_us));
}

// ---- metrics ---------------------------------------------------------------------------------

QuotaMetrics::QuotaMetrics(monitoring::Registry& registry) {
    acquired = &registry
                    .counter(
                        "scout_upstream_quota_acquired_total",
                        "Upstream calls given a slot by the outbound quota"
                    )
                    .with({});
    waited = &registry
                  .histogram(
                      "scout_upstream_quota_wait_seconds",
                      "Time upstream calls waited for an outbound quota slot (calls that waited)"
                  )
                  .with({});
    auto& rejections = registry.counter(
        "scout_upstream_quota_rejected_total",
        "Upstream calls refused by the outbound quota, by reason",
        {"reason"}
    );
    for (const QuotaVerdict v :
         {QuotaVerdict::kQueueFull,
          QuotaVerdict::kDeadline,
          QuotaVerdict::kBanned,
          QuotaVerdict::kDaily}) {
        rejected[static_cast<std::size_t>(v)] = &rejections.with({std::string(to_string(v))});
    }
    queue_length = &registry
                        .gauge(
                            "scout_upstream_quota_queue_length",
                            "Upstream calls of this instance waiting for a quota slot"
                        )
                        .with({});
    daily_used = &registry
                      .gauge(
                          "scout_upstream_quota_daily_used",
                          "Upstream calls granted today (00:00 GMT+8) as last seen by this instance"
                      )
                      .with({});
    daily_limit = &registry
                       .gauge(
                           "scout_upstream_quota_daily_limit",
                           "upstream.quota.daily as last applied (0 = no daily budget)"
                       )
                       .with({});
    auto& mode = registry.gauge(
        "scout_upstream_quota_mode",
        "1 for the outbound quota's active mode: redis (shared bucket) or local (own share)",
        {"mode"}
    );
    mode_redis = &mode.with({"redis"});
    mode_local = &mode.with({"local"});
}

// ---- OutboundQuota ---------------------------------------------------------------------------

OutboundQuota::OutboundQuota(
    monitoring::Registry& registry, SharedQuotaStore* shared, const Clock& clock
)
    : metrics_(registry), shared_(shared), clock_(clock) {
    if (shared_ == nullptr) {
        set_mode(Mode::kLocal, "no redis configured");
    }
}

std::int64_t OutboundQuota::now_us() const {
    return duration_cast<microseconds>(clock_.now().time_since_epoch()).count();
}

awaitable<std::optional<UpstreamError>> OutboundQuota::acquire(
    const config::QuotaConfig& cfg, Clock::time_point deadline
) {
    // With the queue full only a slot free now will do.
    const bool queue_full = metrics_.queue_length->value() >= cfg.max_queue;
    const auto left = duration_cast<microseconds>(deadline - clock_.now());
    const microseconds limit =
        queue_full ? microseconds(0)
                   : std::clamp(left, microseconds(0), microseconds(milliseconds(cfg.max_wait_ms)));
    const QuotaDecision decision = co_await decide(cfg, limit, queue_full);
    metrics_.daily_used->set(decision.used_today);
    metrics_.daily_limit->set(cfg.daily);
    if (!decision.granted()) {
        co_return refusal(decision.verdict, decision.wait);
    }
    if (decision.wait.count() > 0) {
        co_return co_await wait_for_slot(decision.wait, deadline);
    }
    metrics_.acquired->inc();
    co_return std::nullopt;
}

awaitable<QuotaDecision> OutboundQuota::decide(
    const config::QuotaConfig& cfg, microseconds limit, bool queue_full
) {
    // A ban known here refuses at once, without a round trip to the shared store.
    QuotaDecision decision;
    decision.banned_for = local_banned_for();
    if (decision.banned_for > limit) {
        decision.verdict = QuotaVerdict::kBanned;
        decision.wait = decision.banned_for;
        co_return decision;
    }
    if (auto shared = co_await reserve_shared(cfg, limit, queue_full)) {
        co_return *shared;
    }
    co_return reserve_local(cfg, limit, queue_full);
}

awaitable<std::optional<UpstreamError>> OutboundQuota::wait_for_slot(
    microseconds wait, Clock::time_point deadline
) {
    // Counted while the frame lives, also when the caller is cancelled mid-wait.
    struct Waiting {
        monitoring::Gauge& gauge;
        explicit Waiting(monitoring::Gauge& g) : gauge(g) { gauge.add(1); }
        Waiting(const Waiting&) = delete;
        Waiting& operator=(const Waiting&) = delete;
        Waiting(Waiting&&) = delete;
        Waiting& operator=(Waiting&&) = delete;
        ~Waiting() { gauge.add(-1); }
    } waiting(*metrics_.queue_length);

    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(wait);
    co_await timer.async_wait(nothrow);
    // A ban reported while this call waited covers its slot too.
    const microseconds banned = co_await banned_after_wait();
    if (banned.count() > 0) {
        if (banned >= duration_cast<microseconds>(deadline - clock_.now())) {
            co_return refusal(QuotaVerdict::kBanned, banned);
        }
        timer.expires_after(banned);
        co_await timer.async_wait(nothrow);
    }
    metrics_.waited->observe(seconds(wait + banned));
    metrics_.acquired->inc();
    co_return std::nullopt;
}

microseconds OutboundQuota::local_banned_for() const {
    const std::lock_guard lock(mutex_);
    return local_.banned_for(now_us());
}

awaitable<microseconds> OutboundQuota::banned_after_wait() {
    if (shared_usable()) {
        const auto shared = co_await shared_->banned_for();
        if (shared) {
            note_ban(*shared);
        } else {
            note_shared_failure("banned_for", shared.error());
        }
    }
    co_return local_banned_for();
}

awaitable<boost::system::result<QuotaDecision>> OutboundQuota::reserve_shared(
    const config::QuotaConfig& cfg, microseconds limit, bool queue_full
) {
    if (!shared_usable()) {
        if (shared_ != nullptr) {
            set_mode(Mode::kLocal, "redis unavailable");
        }
        co_return boost::system::errc::make_error_code(boost::system::errc::not_connected);
    }
    auto decision = co_await shared_->reserve(quota_limits(cfg, 1), limit, queue_full);
    if (!decision) {
        note_shared_failure("reserve", decision.error());
        co_return decision;
    }
    set_mode(Mode::kRedis, "redis available");
    note_ban(decision->banned_for);
    co_return decision;
}

QuotaDecision OutboundQuota::reserve_local(
    const config::QuotaConfig& cfg, microseconds limit, bool full
) {
    const std::int64_t now = now_us();
    const std::int64_t unix_us =
        duration_cast<microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const QuotaAsk ask{now, gmt8_day(unix_us / 1000), limit, full};
    const std::lock_guard lock(mutex_);
    return local_.reserve(quota_limits(cfg, cfg.instances_hint), ask, unix_us);
}

awaitable<void> OutboundQuota::pause_for(std::chrono::milliseconds ban) {
    note_ban(duration_cast<microseconds>(ban));
    logger().warn(
        "upstream ban: outbound quota paused",
        {{"ban_ms", ban.count()}, {"shared", shared_usable()}}
    );
    if (!shared_usable()) {
        co_return;
    }
    const auto stored = co_await shared_->ban(duration_cast<microseconds>(ban));
    if (!stored) {
        note_shared_failure("ban", stored.error());
    }
}

void OutboundQuota::note_ban(microseconds banned_for) {
    if (banned_for.count() <= 0) {
        return;
    }
    const std::lock_guard lock(mutex_);
    local_.ban(now_us(), banned_for);
}

bool OutboundQuota::shared_usable() const {
    return shared_ != nullptr && shared_->available() &&
           now_us() >= shared_down_until_us_.load(std::memory_order_relaxed);
}

void OutboundQuota::note_shared_failure(
    std::string_view what, const boost::system::error_code& ec
) {
    shared_down_until_us_.store(now_us() + kSharedRetryAfter.count(), std::memory_order_relaxed);
    if (mode_.load() == Mode::kRedis) {
        logger().debug(
            "outbound quota: redis call failed", {{"call", what}, {"error", ec.message()}}
        );
    }
    set_mode(Mode::kLocal, "redis call failed");
}

void OutboundQuota::set_mode(Mode mode, std::string_view why) {
    if (mode_.exchange(mode) == mode) {
        return;  // logged once per change, not per call
    }
    metrics_.mode_redis->set(mode == Mode::kRedis ? 1 : 0);
    metrics_.mode_local->set(mode == Mode::kLocal ? 1 : 0);
    if (mode == Mode::kRedis) {
        logger().info("outbound quota: shared bucket in redis", {{"why", why}});
        return;
    }
    // Degraded when Redis is configured: the instances no longer pace together.
    logger().log(
        shared_ != nullptr ? log::Level::kWarn : log::Level::kInfo,
        "outbound quota: pacing on this instance's share (rate_per_s / instances_hint)",
        {{"why", why}}
    );
}

UpstreamError OutboundQuota::refusal(QuotaVerdict verdict, microseconds retry_after) {
    metrics_.rejected[static_cast<std::size_t>(verdict)]->inc();
    UpstreamError error = make_upstream_error(
        upstream_errc::kQuotaExhausted, "outbound quota: " + std::string(to_string(verdict))
    );
    error.retry_after = std::max(milliseconds(1), std::chrono::ceil<milliseconds>(retry_after));
    return error;
}

}  // namespace scout::upstream
