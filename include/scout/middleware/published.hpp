// A value the control thread replaces (on SIGHUP) while workers read it, without a lock on
// the request path: Published holds the current snapshot and a version; each worker keeps a
// Cached copy and takes the lock only when the version has moved (once per reload).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

namespace scout::middleware {

template <typename T>
class Published {
public:
    explicit Published(std::shared_ptr<const T> value) : value_(std::move(value)) {}

    void publish(std::shared_ptr<const T> value) {
        const std::scoped_lock lock(mutex_);
        value_ = std::move(value);
        version_.fetch_add(1, std::memory_order_release);
    }
    [[nodiscard]] std::shared_ptr<const T> get() const {
        const std::scoped_lock lock(mutex_);
        return value_;
    }
    [[nodiscard]] std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const T> value_;
    std::atomic<std::uint64_t> version_{0};
};

// One worker's view of a Published value (one thread only). A reference from get() stays
// valid until the next get() on this worker: copy what must outlive a co_await.
template <typename T>
class Cached {
public:
    explicit Cached(const Published<T>& source)
        : source_(&source), seen_(source.version()), value_(source.get()) {}

    const T& get() {
        if (const auto version = source_->version(); version != seen_) [[unlikely]] {
            seen_ = version;
            value_ = source_->get();
        }
        return *value_;
    }

private:
    const Published<T>* source_;
    std::uint64_t seen_;
    std::shared_ptr<const T> value_;
};

}  // namespace scout::middleware
