#include <scout/upstream/errors.hpp>

#include <boost/system/errc.hpp>
#include <boost/throw_exception.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace scout::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t kMaxBanSeconds = 86'400;
constexpr std::size_t kMaxDetailField = 256;

// What the table says about one error: its class and how many attempts it deserves in total
// (0 = the configured maximum).
struct Verdict {
    ErrorClass error_class;
    int attempt_cap;
};

constexpr int kConfigured = 0;
constexpr int kUnknownCap = 2;  // "T with a small attempt cap" for codes the table lacks

constexpr Verdict kTransient{ErrorClass::kTransient, kConfigured};
constexpr Verdict kTransientUnknown{ErrorClass::kTransient, kUnknownCap};
constexpr Verdict kRateLimited{ErrorClass::kRateLimited, kConfigured};
constexpr Verdict kPermanent{ErrorClass::kPermanent, 1};
constexpr Verdict kPermanentResign{ErrorClass::kPermanent, 2};  // timestamp: re-sign once
constexpr Verdict kNoInCallRetry{ErrorClass::kTransient, 1};

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return lower(x) == lower(y);
           });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool icontains(std::string_view haystack, std::string_view needle) {
    if (needle.size() > haystack.size()) {
        return false;
    }
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        if (iequals(haystack.substr(i, needle.size()), needle)) {
            return true;
        }
    }
    return false;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// Non-negative decimal integer (whole string, surrounding whitespace allowed), saturating
// at `cap`.
std::optional<std::int64_t> parse_digits(std::string_view s, std::int64_t cap) {
    s = trim(s);
    if (s.empty() || !std::all_of(s.begin(), s.end(), is_digit)) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (const char c : s) {
        value = std::min(cap, value * 10 + (c - '0'));
    }
    return value;
}

std::optional<int> parse_top_code(std::string_view code) {
    const auto value = parse_digits(code, 1'000'000);
    if (!value) {
        return std::nullopt;
    }
    return static_cast<int>(*value);
}

Verdict by_sub_code_prefix(std::string_view sub_code, Verdict otherwise) {
    if (istarts_with(sub_code, "isv.")) {
        return kPermanent;
    }
    if (istarts_with(sub_code, "isp.")) {
        return kTransient;
    }
    return otherwise;
}

Verdict top_verdict(int code, std::string_view sub_code) {
    switch (code) {
        case 7:  // App Call Limited: per app+API, per API, or daily app quota
            return kRateLimited;
        case 10:  // Service Currently Unavailable
            return kTransient;
        case 15:  // Remote service error
        case 50:
            return by_sub_code_prefix(sub_code, kTransientUnknown);
        case 30:  // Missing / Invalid Timestamp
        case 31:
            return kPermanentResign;
        case 9:   // HTTP action not allowed
        case 11:  // Insufficient ISV Permissions
        case 12:
        case 13:
        case 21:  // Missing / Invalid Method
        case 22:
        case 23:  // Invalid Format
        case 24:  // Missing / Invalid Signature
        case 25:
        case 26:  // session
        case 27:
        case 28:  // Missing / Invalid App Key
        case 29:
        case 32:  // version
        case 33:
        case 34:
        case 40:  // arguments
        case 41:
        case 43:
        case 44:  // token / session
            return kPermanent;
        default:
            return by_sub_code_prefix(sub_code, kTransientUnknown);
    }
}

Verdict iop_verdict(std::string_view code, std::string_view type, std::string_view sub_code) {
    static constexpr std::array<std::string_view, 2> kRateLimitedCodes = {
        "ApiCallLimit", "AppCallLimit"};
    static constexpr std::array<std::string_view, 2> kTransientCodes = {
        "ServiceTimeout", "InternalError"};
    static constexpr std::array<std::string_view, 6> kPermanentCodes = {
        "InsufficientPermission",
        "IncompleteSignature",
        "InvalidAppKey",
        "MissingParameter",
        "InvalidParameter",
        "AppWhiteIpLimit",
    };
    const auto in = [code](const auto& list) {
        return std::any_of(list.begin(), list.end(), [code](std::string_view known) {
            return iequals(code, known);
        });
    };
    if (in(kRateLimitedCodes)) {
        return kRateLimited;
    }
    if (in(kTransientCodes)) {
        return kTransient;
    }
    if (iequals(code, "InvalidTimestamp")) {
        return kPermanentResign;
    }
    if (in(kPermanentCodes)) {
        return kPermanent;
    }
    if (iequals(type, "ISV")) {
        return kPermanent;
    }
    if (iequals(type, "ISP") || iequals(type, "SYSTEM")) {
        return kTransient;
    }
    return by_sub_code_prefix(sub_code, kTransientUnknown);
}

Verdict gateway_verdict(
    std::string_view code,
    std::string_view type,
    std::string_view sub_code,
    std::string_view message,
    std::string_view sub_message
) {
    // "Platform System blacklist ... (TOP) has been offline": the app still lives on the old
    // platform; nothing a retry can fix, whatever code accompanies it.
    if (icontains(message, "has been offline") || icontains(sub_message, "has been offline")) {
        return kPermanent;
    }
    if (const auto top = parse_top_code(code)) {
        return top_verdict(*top, sub_code);
    }
    return iop_verdict(trim(code), type, sub_code);
}

Verdict resp_code_verdict(int resp_code) {
    switch (resp_code) {
        case 401:  // This publisher is not registered
        case 407:  // The pattern of input params is invalid
            return kPermanent;
        case 404:  // "System Error", cause unclear: one more try at most
            return kTransientUnknown;
        case 429:
            return kRateLimited;
        default:
            break;
    }
    if (resp_code >= 400 && resp_code < 500) {
        return kPermanent;
    }
    return kTransientUnknown;
}

Verdict http_verdict(int status) {
    if (status == 429) {
        return kRateLimited;
    }
    if (status >= 400 && status < 500) {
        return kPermanent;
    }
    if (status >= 500) {
        return kTransient;
    }
    return kTransientUnknown;
}

Verdict verdict_of(const UpstreamError& error) {
    const boost::system::error_code& ec = error.code;
    if (ec.category() != upstream_category()) {
        // Foreign codes (e.g. asio) that reached us unmapped.
        if (ec == boost::system::errc::operation_canceled) {
            return kPermanent;
        }
        if (ec == boost::system::errc::timed_out) {
            return kTransient;
        }
        return kTransientUnknown;
    }
    switch (static_cast<upstream_errc>(ec.value())) {
        case upstream_errc::kTransport:
        case upstream_errc::kTimeout:
        case upstream_errc::kBadResponse:
            return kTransient;
        case upstream_errc::kHttpStatus:
            return http_verdict(error.http_status);
        case upstream_errc::kGatewayError:
            return gateway_verdict(
                error.api_code, error.api_type, error.sub_code, error.message, error.sub_message
            );
        case upstream_errc::kBusinessError: {
            const auto resp_code = parse_top_code(error.api_code);
            return resp_code ? resp_code_verdict(*resp_code) : kTransientUnknown;
        }
        case upstream_errc::kCircuitOpen:
        case upstream_errc::kDeadlineExceeded:
        case upstream_errc::kLocalLimit:
        case upstream_errc::kQuotaExhausted:
            return kNoInCallRetry;
        case upstream_errc::kCancelled:
            return kPermanent;
    }
    return kTransientUnknown;
}

// Cursor over lower-cased text for the ban phrase.
class PhraseCursor {
public:
    PhraseCursor(std::string_view text, std::size_t pos) : text_(text), pos_(pos) {}

    bool word(std::string_view w) {
        if (text_.size() - pos_ < w.size() || !iequals(text_.substr(pos_, w.size()), w)) {
            return false;
        }
        pos_ += w.size();
        return true;
    }

    bool spaces() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && is_space(text_[pos_])) {
            ++pos_;
        }
        return pos_ > start;
    }

    // An optional word followed by whitespace.
    void optional_word(std::string_view w) {
        const std::size_t saved = pos_;
        if (!(word(w) && spaces())) {
            pos_ = saved;
        }
    }

    std::optional<std::int64_t> number() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && is_digit(text_[pos_])) {
            ++pos_;
        }
        if (pos_ == start) {
            return std::nullopt;
        }
        return parse_digits(text_.substr(start, pos_ - start), kMaxBanSeconds);
    }

private:
    std::string_view text_;
    std::size_t pos_;
};

std::string truncated(std::string_view s) {
    if (s.size() <= kMaxDetailField) {
        return std::string(s);
    }
    std::size_t cut = kMaxDetailField;
    // Do not split a UTF-8 sequence: back off over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    std::string out(s.substr(0, cut));
    out.append("...");
    return out;
}

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); GCC still warns about deriving from it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class UpstreamCategory final : public boost::system::error_category {
public:
    // A fixed id makes categories from different DSOs compare equal (Boost 1.81 feature).
    UpstreamCategory() noexcept : boost::system::error_category(0x5c0a7e1a2b3c4d5eULL) {}

    [[nodiscard]] const char* name() const noexcept override { return "scout.upstream"; }

    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<upstream_errc>(value)) {
            case upstream_errc::kTransport:
                return "upstream transport failure";
            case upstream_errc::kTimeout:
                return "upstream attempt timed out";
            case upstream_errc::kHttpStatus:
                return "upstream returned an unexpected HTTP status";
            case upstream_errc::kBadResponse:
                return "upstream response is not valid JSON of the expected shape";
            case upstream_errc::kGatewayError:
                return "upstream gateway error";
            case upstream_errc::kBusinessError:
                return "upstream business error";
            case upstream_errc::kCircuitOpen:
                return "upstream circuit breaker is open";
            case upstream_errc::kDeadlineExceeded:
                return "upstream call deadline exceeded";
            case upstream_errc::kCancelled:
                return "upstream call cancelled";
            case upstream_errc::kLocalLimit:
                return "upstream call not sent: local connection or socket limit";
            case upstream_errc::kQuotaExhausted:
                return "upstream call not sent: outbound quota exhausted";
        }
        return "unknown upstream error";
    }
};
#pragma GCC diagnostic pop

}  // namespace

std::string_view to_string(ErrorClass error_class) {
    switch (error_class) {
        case ErrorClass::kTransient:
            return "transient";
        case ErrorClass::kPermanent:
            return "permanent";
        case ErrorClass::kRateLimited:
            return "rate_limited";
    }
    return "transient";
}

const boost::system::error_category& upstream_category() noexcept {
    static const UpstreamCategory category;
    return category;
}

boost::system::error_code make_error_code(upstream_errc e) noexcept {
    return {static_cast<int>(e), upstream_category()};
}

std::string UpstreamError::detail() const {
    std::string out = code ? code.message() : std::string("upstream error");
    out.append(" [").append(to_string(error_class)).append("]");
    if (http_status != 0) {
        out.append(" http=").append(std::to_string(http_status));
    }
    const auto field = [&out](std::string_view name, std::string_view value) {
        if (!value.empty()) {
            out.append(" ").append(name).append("=").append(truncated(value));
        }
    };
    field("code", api_code);
    field("type", api_type);
    field("sub_code", sub_code);
    field("msg", message);
    field("sub_msg", sub_message);
    field("request_id", upstream_request_id);
    if (retry_after.count() > 0) {
        out.append(" retry_after_ms=").append(std::to_string(retry_after.count()));
    }
    if (attempts > 0) {
        out.append(" attempts=").append(std::to_string(attempts));
    }
    return out;
}

UpstreamException::UpstreamException(UpstreamError error)
    : boost::system::system_error(error.code, error.detail()), error_(std::move(error)) {}

void throw_exception_from_error(
    const UpstreamError& error, const boost::source_location& location
) {
    boost::throw_exception(UpstreamException(error), location);
}

ErrorClass classify_gateway_error(
    std::string_view code,
    std::string_view type,
    std::string_view sub_code,
    std::string_view message,
    std::string_view sub_message
) {
    return gateway_verdict(code, type, sub_code, message, sub_message).error_class;
}

ErrorClass classify_resp_code(int resp_code) {
    return resp_code_verdict(resp_code).error_class;
}

ErrorClass classify_http_status(int status) {
    return http_verdict(status).error_class;
}

ErrorClass classify(const UpstreamError& error) {
    return verdict_of(error).error_class;
}

int max_attempts_for(const UpstreamError& error, int configured) {
    configured = std::max(configured, 1);
    const Verdict verdict = verdict_of(error);
    if (verdict.attempt_cap == kConfigured) {
        return configured;
    }
    return std::min(verdict.attempt_cap, configured);
}

bool counts_as_breaker_failure(const UpstreamError& error) {
    if (error.code == upstream_errc::kCircuitOpen ||
        error.code == upstream_errc::kDeadlineExceeded || error.code == upstream_errc::kCancelled ||
        error.code == upstream_errc::kLocalLimit || error.code == upstream_errc::kQuotaExhausted ||
        error.code == boost::system::errc::operation_canceled) {
        return false;
    }
    const ErrorClass error_class = classify(error);
    return error_class == ErrorClass::kTransient || error_class == ErrorClass::kRateLimited;
}

bool is_daily_quota_exhausted(const UpstreamError& error) {
    return error.code == upstream_errc::kGatewayError && parse_top_code(error.api_code) == 7 &&
           iequals(trim(error.sub_code), "accesscontrol.limited-by-app-access-count");
}

bool is_app_wide_ban(const UpstreamError& error) {
    const std::string_view sub_code = trim(error.sub_code);
    const bool method_only = iequals(sub_code, "accesscontrol.limited-by-app-api-access-count") ||
                             iequals(sub_code, "accesscontrol.limited-by-api-access-count") ||
                             iequals(trim(error.api_code), "ApiCallLimit");  // IOP, per API
    return is_daily_quota_exhausted(error) || !method_only;
}

std::optional<seconds> parse_ban_seconds(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size(); ++pos) {
        if (lower(text[pos]) != 'b') {
            continue;
        }
        PhraseCursor cur(text, pos);
        if (!(cur.word("ban") && cur.spaces() && cur.word("will") && cur.spaces() &&
              cur.word("last") && cur.spaces())) {
            continue;
        }
        cur.optional_word("for");
        const auto n = cur.number();
        if (!n || !cur.spaces()) {
            continue;
        }
        cur.optional_word("more");
        if (!cur.word("second")) {
            continue;
        }
        return seconds(*n);
    }
    return std::nullopt;
}

std::optional<seconds> parse_retry_after_header(std::string_view value) {
    const auto n = parse_digits(value, kMaxBanSeconds);
    if (!n) {
        return std::nullopt;
    }
    return seconds(*n);
}

milliseconds rate_limit_retry_after(std::string_view sub_message, std::string_view message) {
    auto ban = parse_ban_seconds(sub_message);
    if (!ban) {
        ban = parse_ban_seconds(message);
    }
    if (!ban) {
        return kMinRetryAfter;
    }
    return std::max<milliseconds>(*ban, kMinRetryAfter);
}

UpstreamError make_upstream_error(upstream_errc code, std::string message, int http_status) {
    UpstreamError error;
    error.code = code;
    error.message = std::move(message);
    error.http_status = http_status;
    error.error_class = classify(error);
    return error;
}

UpstreamError make_http_status_error(
    int http_status, std::string message, std::optional<seconds> retry_after
) {
    UpstreamError error;
    error.code = upstream_errc::kHttpStatus;
    error.http_status = http_status;
    error.message = std::move(message);
    error.error_class = classify(error);
    if (error.error_class == ErrorClass::kRateLimited) {
        error.retry_after =
            std::max<milliseconds>(retry_after.value_or(seconds(0)), kMinRetryAfter);
    }
    return error;
}

UpstreamError make_gateway_error(
    std::string api_code,
    std::string api_type,
    std::string sub_code,
    std::string message,
    std::string sub_message,
    std::string upstream_request_id,
    int http_status
) {
    UpstreamError error;
    error.code = upstream_errc::kGatewayError;
    error.api_code = std::move(api_code);
    error.api_type = std::move(api_type);
    error.sub_code = std::move(sub_code);
    error.message = std::move(message);
    error.sub_message = std::move(sub_message);
    error.upstream_request_id = std::move(upstream_request_id);
    error.http_status = http_status;
    error.error_class = classify(error);
    if (error.error_class == ErrorClass::kRateLimited) {
        error.retry_after = rate_limit_retry_after(error.sub_message, error.message);
    }
    return error;
}

UpstreamError make_business_error(
    int resp_code, std::string message, std::string upstream_request_id, int http_status
) {
    UpstreamError error;
    error.code = upstream_errc::kBusinessError;
    error.api_code = std::to_string(resp_code);
    error.message = std::move(message);
    error.upstream_request_id = std::move(upstream_request_id);
    error.http_status = http_status;
    error.error_class = classify(error);
    if (error.error_class == ErrorClass::kRateLimited) {
        error.retry_after = rate_limit_retry_after({}, error.message);
    }
    return error;
}

}  // namespace scout::upstream
