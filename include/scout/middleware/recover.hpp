// recover middleware: turns an exception escaping the inner chain into a JSON 500 with the
// request id, an error log line and a counter. Thread-safe (the counter is atomic).
#pragma once

#include <scout/http/pipeline.hpp>
#include <scout/log/log.hpp>

#include <atomic>
#include <cstdint>
#include <memory>

namespace scout::middleware {

class Recover {
public:
    Recover();
    awaitable<http::Response> operator()(http::RequestContext& ctx, http::Next next) const;

    [[nodiscard]] std::uint64_t caught_total() const {
        return caught_->load(std::memory_order_relaxed);
    }

private:
    log::Logger logger_;
    std::shared_ptr<std::atomic<std::uint64_t>> caught_;
};

}  // namespace scout::middleware
