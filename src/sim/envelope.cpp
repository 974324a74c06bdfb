#include "sim/envelope.hpp"

#include <algorithm>
#include <utility>

namespace scout::sim {

namespace {

struct IopShape {
    std::string_view type;
    std::string_view code;
};

struct TopShape {
    int code;
    std::string_view msg;
    std::string_view sub_code;  // empty = none
};

IopShape iop_shape(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::kMissingParameter:
            return {"ISV", "MissingParameter"};
        case ErrorKind::kInvalidAppKey:
            return {"ISV", "InvalidAppKey"};
        case ErrorKind::kInvalidTimestamp:
            return {"ISV", "InvalidTimestamp"};
        case ErrorKind::kInvalidSignature:
            return {"ISV", "IncompleteSignature"};
        case ErrorKind::kInvalidMethod:
            return {"ISV", "InvalidMethod"};
        case ErrorKind::kInvalidParameter:
            return {"ISV", "InvalidParameter"};
        case ErrorKind::kApiCallLimited:
            return {"ISV", "ApiCallLimit"};
        case ErrorKind::kAppQuotaExceeded:
            return {"ISV", "AppCallLimit"};
        case ErrorKind::kServiceTimeout:
            return {"ISP", "ServiceTimeout"};
        case ErrorKind::kLinkGenerateFailed:
            return {"ISP", "InternalError"};
    }
    return {"SYSTEM", "InternalError"};
}

TopShape top_shape(const GatewayError& error) {
    switch (error.kind) {
        case ErrorKind::kMissingParameter:
            if (error.param == "app_key") {
                return {28, "Missing App Key", ""};
            }
            if (error.param == "method") {
                return {21, "Missing Method", ""};
            }
            if (error.param == "timestamp") {
                return {30, "Missing Timestamp", ""};
            }
            if (error.param == "sign") {
                return {24, "Missing Signature", ""};
            }
            return {40, "Missing Required Arguments", "isv.missing-parameter"};
        case ErrorKind::kInvalidAppKey:
            return {29, "Invalid App Key", ""};
        case ErrorKind::kInvalidTimestamp:
            return {31, "Invalid Timestamp", ""};
        case ErrorKind::kInvalidSignature:
            return {25, "Invalid Signature", ""};
        case ErrorKind::kInvalidMethod:
            return {22, "Invalid Method", ""};
        case ErrorKind::kInvalidParameter:
            return {41, "Invalid Arguments", "isv.invalid-parameter"};
        case ErrorKind::kApiCallLimited:
            return {7, "App Call Limited", "accesscontrol.limited-by-app-api-access-count"};
        case ErrorKind::kAppQuotaExceeded:
            return {7, "App Call Limited", "accesscontrol.limited-by-app-access-count"};
        case ErrorKind::kServiceTimeout:
            return {15, "Remote service error", "isp.remote-service-timeout"};
        case ErrorKind::kLinkGenerateFailed:
            return {15, "Remote service error", "isp.remote-service-error"};
    }
    return {15, "Remote service error", "isp.unknown-error"};
}

std::string with_detail(std::string message, const std::string& detail) {
    if (!detail.empty()) {
        message += ": ";
        message += detail;
    }
    return message;
}

std::string iop_message(const GatewayError& error) {
    switch (error.kind) {
        case ErrorKind::kMissingParameter:
            return "The input parameter \u201c" + error.param +
                   "\u201d that is mandatory for processing this request is not supplied.";
        case ErrorKind::kInvalidAppKey:
            return "The specified App Key is invalid";
        case ErrorKind::kInvalidTimestamp:
            return with_detail(
                "The specified timestamp is invalid or outside the allowed window", error.detail
            );
        case ErrorKind::kInvalidSignature:
            return "The request signature does not conform to platform standards";
        case ErrorKind::kInvalidMethod:
            return with_detail("The specified API method is invalid", error.detail);
        case ErrorKind::kInvalidParameter:
            return with_detail(
                "The input parameter \u201c" + error.param + "\u201d is invalid", error.detail
            );
        case ErrorKind::kApiCallLimited:
            return "The request frequency of this API exceeds the limit. " +
                   ban_sentence(error.ban_seconds);
        case ErrorKind::kAppQuotaExceeded:
            return "The daily call quota of this app is used up. " +
                   ban_sentence(error.ban_seconds);
        case ErrorKind::kServiceTimeout:
            return "The request has failed due to a temporary failure of the server";
        case ErrorKind::kLinkGenerateFailed:
            return "Promotion link generation failed, please try again later";
    }
    return "Unknown error";
}

std::string top_sub_msg(const GatewayError& error) {
    switch (error.kind) {
        case ErrorKind::kMissingParameter:
            return "Missing required argument: " + error.param;
        case ErrorKind::kInvalidParameter:
            return with_detail("Invalid argument: " + error.param, error.detail);
        case ErrorKind::kApiCallLimited:
        case ErrorKind::kAppQuotaExceeded:
            return ban_sentence(error.ban_seconds);
        case ErrorKind::kServiceTimeout:
            return "The remote service timed out";
        case ErrorKind::kLinkGenerateFailed:
            return "Promotion link generation failed";
        default:
            return error.detail;
    }
}

}  // namespace

std::string response_key(std::string_view method) {
    std::string key(method);
    std::replace(key.begin(), key.end(), '.', '_');
    key += "_response";
    return key;
}

Json success_envelope(
    std::string_view method,
    Json result,
    std::string_view request_id,
    int resp_code,
    std::string_view resp_msg
) {
    Json resp_result = Json::object();
    resp_result["resp_code"] = resp_code;
    resp_result["resp_msg"] = resp_msg;
    if (!result.is_null()) {
        resp_result["result"] = std::move(result);
    }
    Json inner = Json::object();
    inner["resp_result"] = std::move(resp_result);
    inner["request_id"] = request_id;
    Json envelope = Json::object();
    envelope[response_key(method)] = std::move(inner);
    return envelope;
}

Json error_envelope(const GatewayError& error, Dialect dialect, std::string_view request_id) {
    Json body = Json::object();
    if (dialect == Dialect::kIop) {
        const IopShape shape = iop_shape(error.kind);
        body["type"] = shape.type;
        body["code"] = shape.code;
        body["msg"] = iop_message(error);
    } else {
        const TopShape shape = top_shape(error);
        body["code"] = shape.code;
        body["msg"] = shape.msg;
        if (!shape.sub_code.empty()) {
            body["sub_code"] = shape.sub_code;
        }
        if (std::string sub_msg = top_sub_msg(error); !sub_msg.empty()) {
            body["sub_msg"] = std::move(sub_msg);
        }
    }
    body["request_id"] = request_id;
    Json envelope = Json::object();
    envelope["error_response"] = std::move(body);
    return envelope;
}

std::string error_code_string(const GatewayError& error, Dialect dialect) {
    if (dialect == Dialect::kIop) {
        return std::string(iop_shape(error.kind).code);
    }
    return std::to_string(top_shape(error).code);
}

std::string ban_sentence(std::int64_t seconds) {
    return "This ban will last for " + std::to_string(seconds) + " more seconds";
}

}  // namespace scout::sim
