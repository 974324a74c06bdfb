// The health monitor on a real io_context (no dependencies): probes run in the background at
// most once per interval, a hung one counts as failed at once, event-loop lag is seen, and
// draining or a stuck loop is unhealthy while a component down is only degraded.
#include <scout/monitoring/health_monitor.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace scout::monitoring {
namespace {

using std::chrono::milliseconds;

awaitable<std::string> answer(int* runs, std::string error) {
    ++*runs;
    co_return error;
}

awaitable<std::string> hang(asio::steady_timer* timer) {
    co_await timer->async_wait(nothrow);
    co_return "late";
}

void run_for(asio::io_context& io, milliseconds time) {
    io.restart();
    io.run_for(time);
}

TEST(Probe, RunsAtMostOncePerIntervalAndKeepsTheLastError) {
    asio::io_context io;
    int runs = 0;
    Probe probe(milliseconds(60'000), milliseconds(500), [&runs] {
        return answer(&runs, "refused");
    });
    EXPECT_FALSE(probe.result().ran);
    for (int i = 0; i < 5; ++i) {
        probe.refresh_if_due(io.get_executor());
        run_for(io, milliseconds(10));
    }
    EXPECT_EQ(runs, 1);
    const Probe::Result result = probe.result();
    EXPECT_TRUE(result.ran);
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.last_error, "refused");
    EXPECT_GT(result.last_error_unix_ms, 0);
}

TEST(Probe, OneStillRunningPastItsDeadlineIsReportedFailedAtOnce) {
    asio::io_context io;
    asio::steady_timer never(io, asio::steady_timer::time_point::max());
    Probe probe(milliseconds(10), milliseconds(20), [&never] { return hang(&never); });
    probe.refresh_if_due(io.get_executor());
    run_for(io, milliseconds(5));
    EXPECT_FALSE(probe.result().overdue);
    std::this_thread::sleep_for(milliseconds(40));
    const Probe::Result result = probe.result();
    EXPECT_TRUE(result.overdue);
    EXPECT_FALSE(result.ok);
    EXPECT_NE(result.last_error.find("no answer"), std::string::npos);
    never.cancel();
    run_for(io, milliseconds(10));
}

TEST(HealthMonitor, ComponentDownIsDegradedDrainingAndLagAreUnhealthy) {
    asio::io_context io;
    auto state = std::make_shared<HealthState>();
    HealthMonitor monitor(state, 1);
    ComponentStatus redis = ComponentStatus::kOk;
    monitor.add_component("redis", [&redis] {
        ComponentReport report;
        report.status = redis;
        return report;
    });
    monitor.loop_lag().watch(io, 0);
    run_for(io, milliseconds(250));
    EXPECT_EQ(monitor.check(io.get_executor()).status, "healthy");

    redis = ComponentStatus::kDown;
    HealthReport degraded = monitor.check(io.get_executor());
    EXPECT_EQ(degraded.status, "degraded");
    EXPECT_TRUE(degraded.serving);
    EXPECT_EQ(degraded.body["components"]["redis"]["status"], "down");

    // The loop is not run for longer than the threshold: lag shows before the timer fires.
    monitor.set_max_loop_lag(milliseconds(50));
    std::this_thread::sleep_for(milliseconds(300));
    HealthReport stuck = monitor.check(io.get_executor());
    EXPECT_EQ(stuck.status, "unhealthy");
    EXPECT_FALSE(stuck.serving);
    EXPECT_GE(stuck.body["components"]["event_loop"]["latency_ms"].get<double>(), 50);

    monitor.set_max_loop_lag(milliseconds(60'000));
    redis = ComponentStatus::kOk;
    state->draining = true;
    EXPECT_EQ(monitor.check(io.get_executor()).status, "unhealthy");
}

}  // namespace
}  // namespace scout::monitoring
