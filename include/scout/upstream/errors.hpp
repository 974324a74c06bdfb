// Upstream failures as values: the `upstream_errc` category, UpstreamError for
// result<T, UpstreamError>, and the one classification (transient / permanent / rate-limited,
// aliexpress-api.md §4.3) driving retry, breaker and status. Upstream area; thread-safe.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace scout::upstream {

enum class ErrorClass {
    kTransient,    // retry with backoff + jitter; counts as a breaker failure
    kPermanent,    // do not retry; surface / alert
    kRateLimited,  // retry after `retry_after`; counts as a breaker failure
};

// "transient", "permanent", "rate_limited".
std::string_view to_string(ErrorClass error_class);

// Kinds of upstream failure. Raw CURLcode values are mapped into kTransport / kTimeout /
// kCancelled at the curl adapter; nobody above it sees them.
// NOLINTNEXTLINE(readability-identifier-naming): named like std::errc.
enum class upstream_errc {
    kTransport = 1,     // connect / DNS / TLS / reset: no usable HTTP response
    kTimeout,           // one attempt exceeded its deadline
    kHttpStatus,        // HTTP status other than 200 (`http_status` says which)
    kBadResponse,       // body not JSON, truncated, or JSON of an unexpected shape
    kGatewayError,      // `error_response` envelope (TOP or IOP dialect)
    kBusinessError,     // resp_result.resp_code != 200
    kCircuitOpen,       // refused locally: the circuit breaker is open
    kDeadlineExceeded,  // the logical call's overall deadline elapsed (retries included)
    kCancelled,         // the caller cancelled the call (shutdown, client gone)
    kLocalLimit,        // never sent: no connection slot in time, or no socket (fd limit)
    kQuotaExhausted,    // refused locally: the outbound quota has no call to spare in time
};

const boost::system::error_category& upstream_category() noexcept;
boost::system::error_code make_error_code(upstream_errc e) noexcept;

// Everything known about one failed upstream call. Never contains credentials.
struct UpstreamError {
    boost::system::error_code code;  // an upstream_errc
    ErrorClass error_class = ErrorClass::kTransient;
    std::string api_code;             // gateway `code` ("7", "InvalidAppKey") or resp_code ("404")
    std::string api_type;             // IOP `type`: "ISV" | "ISP" | "SYSTEM" (may be empty)
    std::string sub_code;             // TOP `sub_code` ("isv.invalid-parameter")
    std::string message;              // `msg` / `message` / `resp_msg` / transport text
    std::string sub_message;          // TOP `sub_msg`
    std::string upstream_request_id;  // gateway `request_id`, for support tickets
    int http_status = 0;              // 0 when no HTTP response was received
    std::chrono::milliseconds retry_after{0};  // > 0 for rate-limited errors (>= 1 s)
    int attempts = 0;                          // attempts made; set by the retry loop

    // One line for logs: kind, class, codes, messages (truncated), request id, status...
    [[nodiscard]] std::string detail() const;
};

// Exception thrown by result<T, UpstreamError>::value() on an error; carries the error.
class UpstreamException : public boost::system::system_error {
public:
    explicit UpstreamException(UpstreamError error);
    [[nodiscard]] const UpstreamError& error() const noexcept { return error_; }

private:
    UpstreamError error_;
};

// Found by ADL from boost::system::result<T, UpstreamError>::value().
[[noreturn]] void throw_exception_from_error(
    const UpstreamError& error, const boost::source_location& location
);

// ---- Classification (aliexpress-api.md §4.3; every row is implemented and tested) ----------

// A gateway `error_response`. `code` is the decimal text of a TOP numeric code or the IOP
// string code; `type` is the IOP type (may be empty). Summary:
//   TOP 7 (any accesscontrol.* sub_code)                           -> R
//   TOP 10; 15/50 with isp.* sub_code                              -> T
//   TOP 15/50 with isv.* sub_code                                  -> P
//   TOP 9, 11-13, 21-34, 40, 41, 43, 44                            -> P (30/31: timestamp)
//   IOP ApiCallLimit, AppCallLimit                                 -> R
//   IOP ServiceTimeout, InternalError; unknown code with ISP/SYSTEM -> T
//   IOP InsufficientPermission, IncompleteSignature, InvalidAppKey,
//       MissingParameter, InvalidParameter, AppWhiteIpLimit,
//       InvalidTimestamp; unknown code with type ISV               -> P
//   message "... (TOP) has been offline ..." (any code)            -> P
//   unknown numeric code: isv.* sub_code -> P, isp.* -> T, else T (attempt cap 2)
//   unknown string code without type                               -> T (attempt cap 2)
// IOP codes and sub_code prefixes compare case-insensitively.
ErrorClass classify_gateway_error(
    std::string_view code,
    std::string_view type,
    std::string_view sub_code,
    std::string_view message,
    std::string_view sub_message = {}
);

// resp_result.resp_code: 200 is not an error; 401, 407 -> P; 404 -> T (cap 2). Others by
// range: 429 -> R, other 4xx -> P, anything else -> T (cap 2).
ErrorClass classify_resp_code(int resp_code);

// HTTP status of a non-200 response: 429 -> R; other 4xx -> P; >= 500 -> T;
// anything else (1xx, 3xx, other 2xx) -> T (cap 2).
ErrorClass classify_http_status(int status);

// Class of an error from its fields (code, api_code, type, sub_code, messages, http_status).
// kTransport / kTimeout / kBadResponse -> T; kCircuitOpen / kDeadlineExceeded / kLocalLimit /
// kQuotaExhausted -> T (but never retried in-call, see max_attempts_for); kCancelled -> P.
ErrorClass classify(const UpstreamError& error);

// Total attempts (first included) the retry loop may spend when the latest attempt failed
// with `error`, given the configured maximum (>= 1):
//   permanent -> 1, except a timestamp error (TOP 30/31, IOP InvalidTimestamp): 2 (one
//   immediate re-signed retry, the timestamp is fresh per attempt);
//   resp_code 404 and the "unknown code" defaults -> min(configured, 2);
//   kCircuitOpen, kDeadlineExceeded, kLocalLimit, kQuotaExhausted, kCancelled -> 1;
//   other transient / rate-limited -> configured.
// The loop stops when attempts_made >= max_attempts_for(last_error, configured).
int max_attempts_for(const UpstreamError& error, int configured);

// Whether `error` should be reported to the circuit breaker as a failure: transient or
// rate-limited upstream outcomes, but not kCircuitOpen / kDeadlineExceeded / kCancelled, nor
// kLocalLimit / kQuotaExhausted (queueing, fd exhaustion or pacing inside Scout says nothing
// about the upstream).
bool counts_as_breaker_failure(const UpstreamError& error);

// TOP 7 with sub_code accesscontrol.limited-by-app-access-count: the app's DAILY quota is
// spent (ban until 00:00 GMT+8). Treat as quota exhaustion: open the breaker for
// retry_after and serve from cache rather than waiting in-request.
bool is_daily_quota_exhausted(const UpstreamError& error);

// A rate-limited answer that stops every call of the app key, not only the method's: the
// daily quota, or a limit that does not say which (HTTP 429, no sub_code). A method's own
// frequency limit (accesscontrol.limited-by-app-api-access-count, ...-api-access-count; IOP
// ApiCallLimit, where AppCallLimit is the app's) is that method's alone: its breaker waits it out,
// the other methods go on.
bool is_app_wide_ban(const UpstreamError& error);

// ---- Retry-after ----------------------------------------------------------------------------

// Seconds N from "... ban will last [for] N [more] second(s) ..." (case-insensitive, any
// whitespace between words). nullopt when the text has no such phrase. N is capped at
// 86400 (no gateway ban outlasts a day).
std::optional<std::chrono::seconds> parse_ban_seconds(std::string_view text);

// HTTP Retry-After in delta-seconds form ("120"); nullopt for HTTP-dates or garbage.
std::optional<std::chrono::seconds> parse_retry_after_header(std::string_view value);

// Smallest wait after a rate-limit error (N may be 0 in the message).
inline constexpr std::chrono::milliseconds kMinRetryAfter{1000};

// Wait for a rate-limited gateway error: the ban seconds from `sub_message`, else from
// `message`, floored at kMinRetryAfter; kMinRetryAfter when neither has the phrase.
std::chrono::milliseconds rate_limit_retry_after(
    std::string_view sub_message, std::string_view message
);

// ---- Constructors (fill code, class and retry_after consistently) ---------------------------

// kTransport, kTimeout, kBadResponse, kCircuitOpen, kDeadlineExceeded, kCancelled,
// kLocalLimit, kQuotaExhausted.
UpstreamError make_upstream_error(upstream_errc code, std::string message, int http_status = 0);

// Non-200 HTTP response without a usable error envelope. `retry_after` is the Retry-After
// header if any (used for 429, floored at kMinRetryAfter).
UpstreamError make_http_status_error(
    int http_status,
    std::string message,
    std::optional<std::chrono::seconds> retry_after = std::nullopt
);

UpstreamError make_gateway_error(
    std::string api_code,
    std::string api_type,
    std::string sub_code,
    std::string message,
    std::string sub_message,
    std::string upstream_request_id,
    int http_status = 200
);

UpstreamError make_business_error(
    int resp_code, std::string message, std::string upstream_request_id, int http_status = 200
);

}  // namespace scout::upstream

namespace boost::system {
template <>
struct is_error_code_enum<scout::upstream::upstream_errc> : std::true_type {};
}  // namespace boost::system
