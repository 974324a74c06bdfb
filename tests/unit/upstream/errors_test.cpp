#include <scout/upstream/errors.hpp>

#include <boost/system/result.hpp>
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace scout::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr ErrorClass T = ErrorClass::kTransient;
constexpr ErrorClass P = ErrorClass::kPermanent;
constexpr ErrorClass R = ErrorClass::kRateLimited;

constexpr int kConfigured = 3;

// One row of aliexpress-api.md §4.3 for gateway `error_response`s.
struct GatewayRow {
    std::string code;
    std::string type;
    std::string sub_code;
    std::string msg;
    std::string sub_msg;
    ErrorClass expected;
    int expected_attempts;  // with kConfigured = 3
};

void PrintTo(const GatewayRow& row, std::ostream* os) {
    *os << "code=" << row.code << " type=" << row.type << " sub_code=" << row.sub_code
        << " msg=" << row.msg;
}

class GatewayTable : public ::testing::TestWithParam<GatewayRow> {};

TEST_P(GatewayTable, ClassifiesAndCapsAttempts) {
    const GatewayRow& row = GetParam();
    EXPECT_EQ(
        classify_gateway_error(row.code, row.type, row.sub_code, row.msg, row.sub_msg), row.expected
    );
    const UpstreamError error =
        make_gateway_error(row.code, row.type, row.sub_code, row.msg, row.sub_msg, "rid");
    EXPECT_EQ(error.code, upstream_errc::kGatewayError);
    EXPECT_EQ(error.error_class, row.expected);
    EXPECT_EQ(classify(error), row.expected);
    EXPECT_EQ(max_attempts_for(error, kConfigured), row.expected_attempts);
    EXPECT_EQ(error.retry_after.count() > 0, row.expected == R);
    EXPECT_EQ(counts_as_breaker_failure(error), row.expected != P);
}

INSTANTIATE_TEST_SUITE_P(
    Section4_3,
    GatewayTable,
    ::testing::Values(
        // TOP 7: the three access-control limits -> R
        GatewayRow{
            "7",
            "",
            "accesscontrol.limited-by-app-api-access-count",
            "App Call Limited",
            "This ban will last for 2 more seconds",
            R,
            3},
        GatewayRow{
            "7",
            "",
            "accesscontrol.limited-by-api-access-count",
            "App Call Limited",
            "This ban will last for 1 more seconds",
            R,
            3},
        GatewayRow{
            "7",
            "",
            "accesscontrol.limited-by-app-access-count",
            "App Call Limited",
            "This ban will last for 31062 more seconds",
            R,
            3},
        // IOP frequency limits -> R
        GatewayRow{"ApiCallLimit", "ISP", "", "Api call limit", "", R, 3},
        GatewayRow{"AppCallLimit", "", "", "this ban will last 0 seconds", "", R, 3},
        GatewayRow{"apicalllimit", "", "", "", "", R, 3},
        // TOP 10 -> T
        GatewayRow{"10", "", "", "Service Currently Unavailable", "", T, 3},
        // TOP 15 / 50 with isp.* -> T
        GatewayRow{"15", "", "isp.remote-service-timeout", "Remote service error", "", T, 3},
        GatewayRow{"50", "", "isp.internal-error", "Remote service error", "", T, 3},
        // TOP 15 / 50 with isv.* -> P
        GatewayRow{"15", "", "isv.invalid-parameter", "Remote service error", "bad", P, 1},
        GatewayRow{"50", "", "isv.account-migration-check-fail", "Remote service error", "", P, 1},
        GatewayRow{"15", "", "ISV.Invalid-Parameter", "Remote service error", "", P, 1},
        // TOP 15 without a sub_code: unknown -> T with the small cap
        GatewayRow{"15", "", "", "Remote service error", "", T, 2},
        // IOP backend codes, and unknown codes typed ISP / SYSTEM -> T
        GatewayRow{"ServiceTimeout", "ISP", "", "timeout", "", T, 3},
        GatewayRow{"InternalError", "SYSTEM", "", "oops", "", T, 3},
        GatewayRow{"InternalError", "", "", "oops", "", T, 3},
        GatewayRow{"SomethingNew", "ISP", "", "", "", T, 3},
        GatewayRow{"SomethingNew", "SYSTEM", "", "", "", T, 3},
        GatewayRow{"SomethingNew", "system", "", "", "", T, 3},
        // Permissions -> P
        GatewayRow{
            "11", "", "isv.permission-api-package-limit", "Insufficient ISV Permissions", "", P, 1},
        GatewayRow{"12", "", "", "", "", P, 1},
        GatewayRow{"13", "", "", "", "", P, 1},
        GatewayRow{"InsufficientPermission", "ISV", "", "", "", P, 1},
        // Signature -> P
        GatewayRow{"24", "", "", "Missing Signature", "", P, 1},
        GatewayRow{"25", "", "", "Invalid Signature", "", P, 1},
        GatewayRow{
            "IncompleteSignature",
            "ISV",
            "",
            "The request signature does not conform to platform standards",
            "",
            P,
            1},
        // App key -> P (IOP example has no type)
        GatewayRow{"28", "", "", "Missing App Key", "", P, 1},
        GatewayRow{"29", "", "", "Invalid App Key", "", P, 1},
        GatewayRow{"InvalidAppKey", "", "", "The specified App Key is invalid", "", P, 1},
        // Timestamp -> P, one immediate re-signed retry allowed
        GatewayRow{"30", "", "", "Missing Timestamp", "", P, 2},
        GatewayRow{"31", "", "", "Invalid Timestamp", "", P, 2},
        GatewayRow{"InvalidTimestamp", "ISV", "", "", "", P, 2},
        // Client bugs: method, format, version, HTTP action -> P
        GatewayRow{"21", "", "", "Missing Method", "", P, 1},
        GatewayRow{"22", "", "", "Invalid Method", "", P, 1},
        GatewayRow{"23", "", "", "Invalid Format", "", P, 1},
        GatewayRow{"32", "", "", "", "", P, 1},
        GatewayRow{"33", "", "", "", "", P, 1},
        GatewayRow{"34", "", "", "", "", P, 1},
        GatewayRow{"9", "", "", "Http Action Not Allowed", "", P, 1},
        // Arguments -> P
        GatewayRow{"40", "", "", "Missing Required Arguments", "", P, 1},
        GatewayRow{"41", "", "", "Invalid Arguments", "", P, 1},
        GatewayRow{"43", "", "", "", "", P, 1},
        GatewayRow{
            "MissingParameter",
            "",
            "",
            "The input parameter \u201csign\u201d is not supplied",
            "",
            P,
            1},
        GatewayRow{"InvalidParameter", "ISV", "", "", "", P, 1},
        // Session / token -> P
        GatewayRow{"26", "", "", "Missing Session", "", P, 1},
        GatewayRow{"27", "", "", "Invalid Session", "", P, 1},
        GatewayRow{"44", "", "", "", "", P, 1},
        // IP whitelist -> P
        GatewayRow{"AppWhiteIpLimit", "", "", "", "", P, 1},
        // Old platform offline -> P, whatever the code says
        GatewayRow{
            "15",
            "",
            "isp.unknown",
            "Platform System blacklist: the app of &quot;TOP&quot; (TOP) has been offline, "
            "please migrate",
            "",
            P,
            1},
        GatewayRow{"SomethingNew", "", "", "", "Open platform (TOP) HAS BEEN OFFLINE", P, 1},
        // Defaults for unknown codes
        GatewayRow{"SomethingNew", "ISV", "", "", "", P, 1},
        GatewayRow{"SomethingNew", "", "", "", "", T, 2},
        GatewayRow{"", "", "", "", "", T, 2},
        GatewayRow{"999", "", "", "", "", T, 2},
        GatewayRow{"999", "", "isv.some-new-thing", "", "", P, 1},
        GatewayRow{"999", "", "isp.some-new-thing", "", "", T, 3}
    )
);

// ---- resp_code (§4.2) -------------------------------------------------------------------------

struct RespCodeRow {
    int resp_code;
    ErrorClass expected;
    int expected_attempts;
};

class RespCodeTable : public ::testing::TestWithParam<RespCodeRow> {};

TEST_P(RespCodeTable, ClassifiesAndCapsAttempts) {
    const RespCodeRow& row = GetParam();
    EXPECT_EQ(classify_resp_code(row.resp_code), row.expected);
    const UpstreamError error = make_business_error(row.resp_code, "msg", "rid");
    EXPECT_EQ(error.code, upstream_errc::kBusinessError);
    EXPECT_EQ(error.api_code, std::to_string(row.resp_code));
    EXPECT_EQ(error.error_class, row.expected);
    EXPECT_EQ(max_attempts_for(error, kConfigured), row.expected_attempts);
}

INSTANTIATE_TEST_SUITE_P(
    Section4_2,
    RespCodeTable,
    ::testing::Values(
        RespCodeRow{401, P, 1},  // publisher not registered
        RespCodeRow{407, P, 1},  // pattern of input params invalid
        RespCodeRow{404, T, 2},  // "System Error": at most one more attempt
        RespCodeRow{429, R, 3},
        RespCodeRow{403, P, 1},  // other 4xx by range
        RespCodeRow{500, T, 2},  // unknown: T with the small cap
        RespCodeRow{0, T, 2}
    )
);

TEST(MaxAttemptsFor, NeverExceedsConfiguredAndNeverBelowOne) {
    const UpstreamError not_found = make_business_error(404, "System Error", "");
    EXPECT_EQ(max_attempts_for(not_found, 5), 2);
    EXPECT_EQ(max_attempts_for(not_found, 1), 1);
    EXPECT_EQ(max_attempts_for(not_found, 0), 1);
    const UpstreamError timeout = make_upstream_error(upstream_errc::kTimeout, "t");
    EXPECT_EQ(max_attempts_for(timeout, 5), 5);
    EXPECT_EQ(max_attempts_for(timeout, -3), 1);
}

// ---- HTTP status and transport ----------------------------------------------------------------

struct HttpRow {
    int status;
    ErrorClass expected;
    int expected_attempts;
};

class HttpTable : public ::testing::TestWithParam<HttpRow> {};

TEST_P(HttpTable, ClassifiesAndCapsAttempts) {
    const HttpRow& row = GetParam();
    EXPECT_EQ(classify_http_status(row.status), row.expected);
    const UpstreamError error = make_http_status_error(row.status, "HTTP");
    EXPECT_EQ(error.code, upstream_errc::kHttpStatus);
    EXPECT_EQ(error.http_status, row.status);
    EXPECT_EQ(error.error_class, row.expected);
    EXPECT_EQ(max_attempts_for(error, kConfigured), row.expected_attempts);
}

INSTANTIATE_TEST_SUITE_P(
    Transport,
    HttpTable,
    ::testing::Values(
        HttpRow{500, T, 3},
        HttpRow{502, T, 3},
        HttpRow{503, T, 3},
        HttpRow{504, T, 3},
        HttpRow{599, T, 3},
        HttpRow{429, R, 3},
        HttpRow{400, P, 1},
        HttpRow{401, P, 1},
        HttpRow{403, P, 1},
        HttpRow{404, P, 1},
        HttpRow{302, T, 2},
        HttpRow{204, T, 2}
    )
);

struct CodeRow {
    upstream_errc code;
    ErrorClass expected;
    int expected_attempts;
    bool breaker_failure;
};

class TransportTable : public ::testing::TestWithParam<CodeRow> {};

TEST_P(TransportTable, ClassifiesAndCapsAttempts) {
    const CodeRow& row = GetParam();
    const UpstreamError error = make_upstream_error(row.code, "x");
    EXPECT_EQ(error.code, row.code);
    EXPECT_EQ(error.error_class, row.expected);
    EXPECT_EQ(max_attempts_for(error, kConfigured), row.expected_attempts);
    EXPECT_EQ(counts_as_breaker_failure(error), row.breaker_failure);
}

INSTANTIATE_TEST_SUITE_P(
    Transport,
    TransportTable,
    ::testing::Values(
        CodeRow{upstream_errc::kTransport, T, 3, true},  // reset / refused / DNS / TLS
        CodeRow{upstream_errc::kTimeout, T, 3, true},
        CodeRow{upstream_errc::kBadResponse, T, 3, true},  // non-JSON / truncated body
        CodeRow{upstream_errc::kCircuitOpen, T, 1, false},
        CodeRow{upstream_errc::kDeadlineExceeded, T, 1, false},
        CodeRow{upstream_errc::kCancelled, P, 1, false},
        // Queued in the client, out of sockets or paced by the quota: not the upstream's
        // failure.
        CodeRow{upstream_errc::kLocalLimit, T, 1, false},
        CodeRow{upstream_errc::kQuotaExhausted, T, 1, false}
    )
);

TEST(Classify, ForeignErrorCodes) {
    UpstreamError cancelled;
    cancelled.code = boost::system::error_code(ECANCELED, boost::system::system_category());
    EXPECT_EQ(classify(cancelled), P);
    EXPECT_FALSE(counts_as_breaker_failure(cancelled));
    UpstreamError timed_out;
    timed_out.code = boost::system::error_code(ETIMEDOUT, boost::system::system_category());
    EXPECT_EQ(classify(timed_out), T);
    EXPECT_EQ(max_attempts_for(timed_out, 3), 3);
    UpstreamError other;
    other.code = boost::system::error_code(ECONNRESET, boost::system::system_category());
    EXPECT_EQ(classify(other), T);
    EXPECT_EQ(max_attempts_for(other, 3), 2);
}

TEST(DailyQuota, RecognisedOnlyForTheAppAccessCountSubCode) {
    EXPECT_TRUE(is_daily_quota_exhausted(make_gateway_error(
        "7",
        "",
        "accesscontrol.limited-by-app-access-count",
        "App Call Limited",
        "This ban will last for 31062 more seconds",
        ""
    )));
    EXPECT_FALSE(is_daily_quota_exhausted(make_gateway_error(
        "7", "", "accesscontrol.limited-by-app-api-access-count", "App Call Limited", "", ""
    )));
    EXPECT_FALSE(is_daily_quota_exhausted(make_gateway_error("ApiCallLimit", "", "", "", "", "")));
}

TEST(AppWideBan, TheDailyQuotaOrAnUnnamedLimitStopsTheAppAMethodsOwnLimitDoesNot) {
    const auto limited = [](const std::string& sub_code) {
        return make_gateway_error("7", "", sub_code, "App Call Limited", "", "");
    };
    EXPECT_TRUE(is_app_wide_ban(limited("accesscontrol.limited-by-app-access-count")));
    EXPECT_TRUE(is_app_wide_ban(limited("")));
    EXPECT_FALSE(is_app_wide_ban(limited("accesscontrol.limited-by-app-api-access-count")));
    EXPECT_FALSE(is_app_wide_ban(limited(" ACCESSCONTROL.limited-by-api-access-count ")));
    EXPECT_FALSE(is_app_wide_ban(make_gateway_error("ApiCallLimit", "", "", "", "", "")));
    EXPECT_TRUE(is_app_wide_ban(make_gateway_error("AppCallLimit", "", "", "", "", "")));
}

// ---- Ban seconds and retry-after --------------------------------------------------------------

struct BanRow {
    std::string text;
    std::optional<long> seconds;
};

class BanParsing : public ::testing::TestWithParam<BanRow> {};

TEST_P(BanParsing, ExtractsSeconds) {
    const BanRow& row = GetParam();
    const auto parsed = parse_ban_seconds(row.text);
    if (row.seconds) {
        ASSERT_TRUE(parsed.has_value()) << row.text;
        EXPECT_EQ(parsed->count(), *row.seconds) << row.text;
    } else {
        EXPECT_FALSE(parsed.has_value()) << row.text;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Variants,
    BanParsing,
    ::testing::Values(
        BanRow{"This ban will last for 2 more seconds", 2},
        BanRow{"This ban will last for 31062 more seconds", 31062},
        BanRow{"this ban will last 0 seconds", 0},
        BanRow{"THIS BAN WILL LAST FOR 1 MORE SECOND", 1},
        BanRow{"ban will last 5 second", 5},
        BanRow{"ban  will\tlast  for\n7  more   seconds", 7},
        BanRow{"App Call Limited: This ban will last for 3 more seconds.", 3},
        BanRow{"ban will last forever; this ban will last 4 seconds", 4},
        BanRow{"ban will last 99999999999999999999999 seconds", 86400},
        BanRow{"garbage", std::nullopt},
        BanRow{"", std::nullopt},
        BanRow{"ban will last for many seconds", std::nullopt},
        BanRow{"ban will last for -3 seconds", std::nullopt},
        BanRow{"ban will last 10 minutes", std::nullopt},
        BanRow{"ban will last 10", std::nullopt},
        BanRow{"ban will last10 seconds", std::nullopt},
        BanRow{"banwill last 10 seconds", std::nullopt}
    )
);

TEST(RateLimitRetryAfter, UsesSubMsgThenMsgWithOneSecondFloor) {
    EXPECT_EQ(
        rate_limit_retry_after("This ban will last for 2 more seconds", ""), milliseconds(2000)
    );
    EXPECT_EQ(
        rate_limit_retry_after("no phrase", "This ban will last for 5 more seconds"),
        milliseconds(5000)
    );
    EXPECT_EQ(
        rate_limit_retry_after(
            "This ban will last for 2 more seconds", "This ban will last for 9 more seconds"
        ),
        milliseconds(2000)
    );
    EXPECT_EQ(rate_limit_retry_after("this ban will last 0 seconds", ""), milliseconds(1000));
    EXPECT_EQ(rate_limit_retry_after("", ""), milliseconds(1000));
    EXPECT_EQ(rate_limit_retry_after("garbage", "garbage"), milliseconds(1000));
}

TEST(RateLimitRetryAfter, FilledByConstructors) {
    const UpstreamError top = make_gateway_error(
        "7",
        "",
        "accesscontrol.limited-by-app-access-count",
        "App Call Limited",
        "This ban will last for 31062 more seconds",
        "rid"
    );
    EXPECT_EQ(top.retry_after, seconds(31062));
    const UpstreamError iop = make_gateway_error("ApiCallLimit", "", "", "slow down", "", "");
    EXPECT_EQ(iop.retry_after, milliseconds(1000));
    const UpstreamError zero =
        make_gateway_error("AppCallLimit", "", "", "this ban will last 0 seconds", "", "");
    EXPECT_EQ(zero.retry_after, milliseconds(1000));
    EXPECT_EQ(make_http_status_error(429, "", seconds(7)).retry_after, seconds(7));
    EXPECT_EQ(make_http_status_error(429, "", seconds(0)).retry_after, milliseconds(1000));
    EXPECT_EQ(make_http_status_error(429, "").retry_after, milliseconds(1000));
    EXPECT_EQ(make_http_status_error(503, "", seconds(7)).retry_after, milliseconds(0));
    EXPECT_EQ(make_gateway_error("10", "", "", "", "", "").retry_after, milliseconds(0));
}

TEST(RetryAfterHeader, DeltaSecondsOnly) {
    EXPECT_EQ(parse_retry_after_header("120"), seconds(120));
    EXPECT_EQ(parse_retry_after_header(" 3 "), seconds(3));
    EXPECT_EQ(parse_retry_after_header("0"), seconds(0));
    EXPECT_EQ(parse_retry_after_header("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
    EXPECT_EQ(parse_retry_after_header(""), std::nullopt);
    EXPECT_EQ(parse_retry_after_header("-1"), std::nullopt);
    EXPECT_EQ(parse_retry_after_header("1.5"), std::nullopt);
}

// ---- error_code plumbing and result<T, UpstreamError> -----------------------------------------

TEST(UpstreamErrc, IsAnErrorCodeEnumOfItsOwnCategory) {
    const boost::system::error_code ec = upstream_errc::kTimeout;
    EXPECT_TRUE(ec.failed());
    EXPECT_EQ(ec, upstream_errc::kTimeout);
    EXPECT_NE(ec, upstream_errc::kTransport);
    EXPECT_STREQ(ec.category().name(), "scout.upstream");
    EXPECT_EQ(ec.category(), upstream_category());
    EXPECT_EQ(
        make_error_code(upstream_errc::kCircuitOpen).message(), "upstream circuit breaker is open"
    );
    for (int v = 1; v <= static_cast<int>(upstream_errc::kQuotaExhausted); ++v) {
        EXPECT_FALSE(upstream_category().message(v).empty());
    }
}

TEST(UpstreamError, ResultValueThrowsUpstreamExceptionCarryingTheError) {
    const UpstreamError error = make_business_error(404, "System Error", "req-1");
    const boost::system::result<int, UpstreamError> result = error;
    ASSERT_TRUE(result.has_error());
    try {
        (void)result.value();
        FAIL() << "value() must throw";
    } catch (const UpstreamException& e) {
        EXPECT_EQ(e.error().api_code, "404");
        EXPECT_EQ(e.error().upstream_request_id, "req-1");
        EXPECT_EQ(e.code(), upstream_errc::kBusinessError);
        EXPECT_NE(std::string(e.what()).find("System Error"), std::string::npos);
    }
    EXPECT_THROW((void)result.value(), boost::system::system_error);
}

TEST(UpstreamError, DetailListsTheUsefulFields) {
    UpstreamError error = make_gateway_error(
        "7",
        "",
        "accesscontrol.limited-by-app-api-access-count",
        "App Call Limited",
        "This ban will last for 2 more seconds",
        "0ba2abc",
        200
    );
    error.attempts = 2;
    const std::string detail = error.detail();
    for (const char* part :
         {"upstream gateway error",
          "[rate_limited]",
          "http=200",
          "code=7",
          "sub_code=accesscontrol.limited-by-app-api-access-count",
          "msg=App Call Limited",
          "sub_msg=This ban will last for 2 more seconds",
          "request_id=0ba2abc",
          "retry_after_ms=2000",
          "attempts=2"}) {
        EXPECT_NE(detail.find(part), std::string::npos) << part << " in " << detail;
    }
}

TEST(UpstreamError, DetailTruncatesLongMessagesOnUtf8Boundaries) {
    std::string message(255, 'a');
    for (int i = 0; i < 100; ++i) {
        message.append("\xC3\xA9");  // 'é', two bytes
    }
    const UpstreamError error = make_upstream_error(upstream_errc::kTransport, message);
    const std::string detail = error.detail();
    EXPECT_LT(detail.size(), 400U);
    EXPECT_NE(detail.find("..."), std::string::npos);
    // The cut must not leave a lone lead byte before the ellipsis.
    const std::size_t dots = detail.find("...");
    ASSERT_GT(dots, 0U);
    EXPECT_NE(static_cast<unsigned char>(detail[dots - 1]), 0xC3U);
}

TEST(ErrorClass, Names) {
    EXPECT_EQ(to_string(T), "transient");
    EXPECT_EQ(to_string(P), "permanent");
    EXPECT_EQ(to_string(R), "rate_limited");
}

}  // namespace
}  // namespace scout::upstream
