// One million (by default) distinct client addresses at the rate limiter, called directly:
// prints the resident set size before, once max_clients buckets exist, and after the flood,
// the bytes per bucket, the cost of one acquire, and whether a known client kept its bucket.
// Usage: scout_rate_limit_flood [clients=1000000] [max_clients=100000]
#include <scout/middleware/rate_limiter.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>

namespace {

using scout::middleware::ClientKey;
using scout::middleware::ClientLimiter;
using scout::middleware::ClientLimits;
using scout::middleware::Nanos;

long rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return -1;
}

ClientKey address(std::uint64_t n) {
    ClientKey key;  // 2001:db8::<n>: a spread of IPv6 addresses, as a flood would use
    key.bytes[0] = 0x20;
    key.bytes[1] = 0x01;
    key.bytes[2] = 0x0d;
    key.bytes[3] = 0xb8;
    std::memcpy(key.bytes.data() + 8, &n, sizeof n);
    return key;
}

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t clients = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const std::size_t max_clients = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100'000;
    const ClientLimits limits{{5.0, 10}, 60};
    const long start_kib = rss_kib();
    ClientLimiter limiter(max_clients);
    const ClientKey known = address(~std::uint64_t{0});
    Nanos now = 1'000'000'000'000;
    limiter.acquire(known, limits, now);  // 9 left

    long full_kib = 0;
    // CPU time, not wall time: the machines running this are shared and loaded.
    const std::clock_t started = std::clock();
    for (std::uint64_t i = 0; i < clients; ++i) {
        now += 100;  // ten million clients a second: the known bucket cannot refill meanwhile
        limiter.acquire(address(i), limits, now);
        if (i % 1000 == 0) {
            limiter.acquire(known, {{0.0, 10}, 0}, now);  // the known client keeps coming
        }
        if (i + 1 == max_clients) {
            full_kib = rss_kib();
        }
    }
    const double seconds = static_cast<double>(std::clock() - started) / CLOCKS_PER_SEC;
    const long end_kib = rss_kib();
    const auto kept = limiter.acquire(known, limits, now);
    std::printf(
        "clients=%llu max_clients=%zu tracked=%zu\n"
        "rss_kib start=%ld at_max_clients=%ld after_flood=%ld\n"
        "growth_after_max_clients_kib=%ld bytes_per_bucket_measured=%.0f bytes_per_bucket_"
        "computed=%zu\n"
        "cpu_ns_per_acquire=%.0f known_client_kept_its_bucket=%s\n",
        static_cast<unsigned long long>(clients),
        max_clients,
        limiter.size(),
        start_kib,
        full_kib,
        end_kib,
        end_kib - full_kib,
        (static_cast<double>(full_kib - start_kib) * 1024.0) / static_cast<double>(max_clients),
        ClientLimiter::bytes_per_client(),
        seconds * 1e9 / static_cast<double>(clients),
        kept.remaining == 8 ? "yes" : "no"
    );
    return kept.remaining == 8 ? 0 : 1;
}
