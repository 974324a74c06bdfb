// JSON envelopes of the gateway (api doc §3.0 success, §4.1 errors) in both error
// dialects: IOP (string codes, `type`) and TOP (numeric codes, sub_code/sub_msg).
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace scout::sim {

// Keys keep insertion order, like the real gateway's output.
using Json = nlohmann::ordered_json;

enum class Dialect { kIop, kTop };

enum class ErrorKind {
    kMissingParameter,    // a required system or business parameter is absent
    kInvalidAppKey,       // unknown app_key
    kInvalidTimestamp,    // unparsable or outside the window
    kInvalidSignature,    // IOP IncompleteSignature / TOP 25
    kInvalidMethod,       // unknown API method
    kInvalidParameter,    // business validation
    kApiCallLimited,      // per app+API frequency ban (token bucket)
    kAppQuotaExceeded,    // per app daily quota
    kServiceTimeout,      // ISP backend timeout (fault injection)
    kLinkGenerateFailed,  // ISP failure of link.generate (fault injection)
};

struct GatewayError {
    ErrorKind kind = ErrorKind::kInvalidParameter;
    std::string param;             // offending parameter name, if any
    std::string detail;            // human-readable detail appended to the message
    std::int64_t ban_seconds = 0;  // for the call-limit kinds
};

// "aliexpress.affiliate.product.query" -> "aliexpress_affiliate_product_query_response".
std::string response_key(std::string_view method);

// {"<method>_response": {"resp_result": {"resp_code", "resp_msg", "result"}, "request_id"}}.
// `result` is omitted when null.
Json success_envelope(
    std::string_view method,
    Json result,
    std::string_view request_id,
    int resp_code = 200,
    std::string_view resp_msg = "success"
);

// {"error_response": {...}} in the given dialect.
Json error_envelope(const GatewayError& error, Dialect dialect, std::string_view request_id);

// The code as it appears in the envelope ("IncompleteSignature", "25"), used as stats key.
std::string error_code_string(const GatewayError& error, Dialect dialect);

// "This ban will last for N more seconds".
std::string ban_sentence(std::int64_t seconds);

}  // namespace scout::sim
