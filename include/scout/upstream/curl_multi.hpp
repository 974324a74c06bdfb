// libcurl's multi-socket API driven by one worker's io_context: curl's socket and timer
// callbacks are mapped onto Asio waits, so no thread ever blocks on the network. One
// CurlMulti per worker thread; not thread-safe (use it only from its io_context's thread).
// Connections are kept alive and DNS answers cached by the multi handle across requests.
#pragma once

#include <scout/core/asio.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace scout::upstream {

struct HttpRequest {
    std::string url;
    std::string body;  // sent as a POST form body when non-empty
    std::string content_type = "application/x-www-form-urlencoded;charset=UTF-8";
    std::chrono::steady_clock::time_point deadline;  // the whole exchange must end by then
    std::chrono::milliseconds connect_timeout{1000};
    std::size_t max_response_bytes = 8U << 20U;
};

// How a transfer ended. `transport` is the failure class as curl saw it; kOk means an HTTP
// response (of any status) was received in full.
enum class TransferOutcome {
    kOk,
    kTimeout,    // deadline reached (connect or transfer)
    kTransport,  // DNS, connect refused, reset, TLS, truncated body
    kTooLarge,   // response exceeded max_response_bytes
    kCancelled,  // the awaiting coroutine was cancelled
    // Never reached the upstream: no transfer slot (see CurlMulti) before the deadline, or
    // socket() failed for lack of local resources (EMFILE, ENFILE, ENOBUFS, ENOMEM).
    kLocalLimit,
};

struct HttpResult {
    TransferOutcome outcome = TransferOutcome::kTransport;
    long status = 0;  // HTTP status when outcome == kOk
    std::string body;
    std::string error;        // curl's error text when outcome != kOk
    std::string retry_after;  // Retry-After header, if any
    std::chrono::microseconds elapsed{0};
};

struct CurlStats {
    std::uint64_t transfers_started = 0;
    std::uint64_t transfers_completed = 0;
    std::uint64_t connections_reused = 0;  // transfers that needed no new connection
};

class CurlMulti {
public:
    // At most `max_connections_per_host` exchanges run at once (curl's per-host connection
    // cap; the client talks to one gateway). Further perform() calls wait for a slot in
    // order, up to their deadline, here rather than invisibly inside curl.
    explicit CurlMulti(asio::io_context& io, long max_connections_per_host = 32);
    CurlMulti(const CurlMulti&) = delete;
    CurlMulti& operator=(const CurlMulti&) = delete;
    CurlMulti(CurlMulti&&) = delete;
    CurlMulti& operator=(CurlMulti&&) = delete;
    ~CurlMulti();

    // Performs one HTTP exchange. Never throws for network failures: they are outcomes.
    // Cancelling the awaiting coroutine (e.g. via awaitable operators) aborts the transfer.
    awaitable<HttpResult> perform(HttpRequest request);

    [[nodiscard]] const CurlStats& stats() const;
    [[nodiscard]] std::size_t active_transfers() const;

    struct Impl;  // the multi handle and socket map; shared with in-flight transfers

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace scout::upstream
