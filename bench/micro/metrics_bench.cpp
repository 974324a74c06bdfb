// Micro-benchmarks of one metrics observation (counter add, histogram observe), on 1 and 2
// threads, with recording on and switched off: the per-request cost the registry adds.
#include <scout/monitoring/metrics.hpp>

#include <benchmark/benchmark.h>

namespace {

using scout::monitoring::Counter;
using scout::monitoring::Histogram;
using scout::monitoring::Registry;

Registry& registry() {
    static Registry instance;
    return instance;
}

void BM_CounterInc(benchmark::State& state) {
    Counter& counter = registry().counter("bench_total", "bench", {"route"}).with({"search"});
    for (auto _ : state) {
        counter.inc();
    }
    benchmark::DoNotOptimize(counter.value());
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
    Histogram& histogram =
        registry().histogram("bench_seconds", "bench", {"route"}).with({"search"});
    double value = 0.00001;
    for (auto _ : state) {
        histogram.observe(value);
        value = value > 5 ? 0.00001 : value * 1.7;  // walks every bucket
    }
    benchmark::DoNotOptimize(value);
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

void BM_HistogramObserveRecordingOff(benchmark::State& state) {
    Histogram& histogram = registry().histogram("bench_off_seconds", "bench").with({});
    scout::monitoring::set_recording(false);
    for (auto _ : state) {
        histogram.observe(0.001);
    }
    scout::monitoring::set_recording(true);
}
BENCHMARK(BM_HistogramObserveRecordingOff);

}  // namespace
