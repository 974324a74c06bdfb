// The shared (L2) tier as TieredCache sees it: a string key/value store with TTLs. Implemented
// by the Redis client and by tests' FakeStore. Cache area. Implementations are called from every
// worker thread at once (each call on the calling worker's executor) and must be thread-safe.
#pragma once

#include <scout/cache/errors.hpp>
#include <scout/core/asio.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace scout::cache {

// Contract for implementations:
// - Failures are values (a cache_errc), never exceptions; each call bounds its own latency
//   (a store that hangs would hold the request), e.g. with a per-command timeout.
// - Coroutines complete on the caller's executor.
// - Values are opaque bytes (may contain NUL).
class Store {
public:
    Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    Store(Store&&) = delete;
    Store& operator=(Store&&) = delete;
    virtual ~Store() = default;

    // The value under `key`; nullopt when there is none; an error when the store failed.
    virtual awaitable<boost::system::result<std::optional<std::string>>> get(std::string key) = 0;

    // Stores `value` under `key` for `ttl` (> 0). An empty error_code on success.
    virtual awaitable<boost::system::error_code> set(
        std::string key, std::string value, std::chrono::milliseconds ttl
    ) = 0;

    // Cheap, non-blocking: false while the store is known to be down (disconnected, disabled).
    // TieredCache then skips it without counting errors (memory-only mode).
    [[nodiscard]] virtual bool available() const = 0;
};

}  // namespace scout::cache
