// In-memory cache::Store for tests: TTLs on an injected Clock, switchable unavailability and
// failures, optional latency that advances a ManualClock. Thread-safe.
#pragma once

#include <scout/cache/store.hpp>
#include <scout/core/clock.hpp>

#include "support/manual_clock.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace scout::test {

using cache::cache_errc;

class FakeStore final : public cache::Store {
public:
    explicit FakeStore(const Clock& clock) : clock_(clock) {}

    awaitable<boost::system::result<std::optional<std::string>>> get(std::string key) override {
        const auto executor = co_await asio::this_coro::executor;
        co_await asio::post(executor, asio::use_awaitable);  // really asynchronous
        gets_.fetch_add(1);
        pass_time();
        if (fail_gets_.load()) {
            co_return boost::system::error_code(cache_errc::kTimeout);
        }
        const std::lock_guard lock(mutex_);
        const auto it = entries_.find(key);
        if (it == entries_.end() || it->second.expires_at <= clock_.now()) {
            co_return std::optional<std::string>();
        }
        co_return std::optional<std::string>(it->second.value);
    }

    awaitable<boost::system::error_code> set(
        std::string key, std::string value, std::chrono::milliseconds ttl
    ) override {
        const auto executor = co_await asio::this_coro::executor;
        co_await asio::post(executor, asio::use_awaitable);
        sets_.fetch_add(1);
        pass_time();
        if (fail_sets_.load()) {
            co_return boost::system::error_code(cache_errc::kStoreError);
        }
        const std::lock_guard lock(mutex_);
        entries_[std::move(key)] = Entry{std::move(value), ttl, clock_.now() + ttl};
        co_return boost::system::error_code();
    }

    [[nodiscard]] bool available() const override { return available_.load(); }

    void set_available(bool available) { available_.store(available); }
    void fail_gets(bool fail) { fail_gets_.store(fail); }
    void fail_sets(bool fail) { fail_sets_.store(fail); }
    // Each get/set advances `clock` by `latency` (a slow store, as seen by a ManualClock).
    void set_latency(ManualClock* clock, std::chrono::milliseconds latency) {
        latency_clock_ = clock;
        latency_ = latency;
    }

    // Test access to the stored bytes, bypassing the Store interface.
    void put_raw(const std::string& key, std::string value, std::chrono::milliseconds ttl) {
        const std::lock_guard lock(mutex_);
        entries_[key] = Entry{std::move(value), ttl, clock_.now() + ttl};
    }
    [[nodiscard]] std::optional<std::string> raw(const std::string& key) const {
        const std::lock_guard lock(mutex_);
        const auto it = entries_.find(key);
        return it == entries_.end() ? std::nullopt : std::optional<std::string>(it->second.value);
    }
    // The TTL the last set() of `key` asked for.
    [[nodiscard]] std::optional<std::chrono::milliseconds> ttl_of(const std::string& key) const {
        const std::lock_guard lock(mutex_);
        const auto it = entries_.find(key);
        return it == entries_.end() ? std::nullopt
                                    : std::optional<std::chrono::milliseconds>(it->second.ttl);
    }

    [[nodiscard]] std::size_t gets() const { return gets_.load(); }
    [[nodiscard]] std::size_t sets() const { return sets_.load(); }

private:
    struct Entry {
        std::string value;
        std::chrono::milliseconds ttl{};
        Clock::time_point expires_at;
    };

    void pass_time() {
        if (latency_clock_ != nullptr) {
            latency_clock_->advance(latency_);
        }
    }

    const Clock& clock_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry, std::less<>> entries_;
    std::atomic<bool> available_{true};
    std::atomic<bool> fail_gets_{false};
    std::atomic<bool> fail_sets_{false};
    std::atomic<std::size_t> gets_{0};
    std::atomic<std::size_t> sets_{0};
    ManualClock* latency_clock_ = nullptr;  // set before use, not while running
    std::chrono::milliseconds latency_{0};
};

}  // namespace scout::test
