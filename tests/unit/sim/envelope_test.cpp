#include "sim/envelope.hpp"

#include <gtest/gtest.h>

namespace scout::sim {
namespace {

TEST(Envelope, SuccessShape) {
    Json result = Json::object();
    result["current_record_count"] = 0;
    const Json e = success_envelope("aliexpress.affiliate.product.query", result, "21abc");
    ASSERT_TRUE(e.contains("aliexpress_affiliate_product_query_response"));
    const Json& inner = e["aliexpress_affiliate_product_query_response"];
    EXPECT_EQ(inner["request_id"], "21abc");
    EXPECT_TRUE(inner["resp_result"]["resp_code"].is_number_integer());
    EXPECT_EQ(inner["resp_result"]["resp_code"], 200);
    EXPECT_EQ(inner["resp_result"]["resp_msg"], "success");
    EXPECT_EQ(inner["resp_result"]["result"]["current_record_count"], 0);
    EXPECT_EQ(e.size(), 1U);
}

TEST(Envelope, SuccessWithoutResult) {
    const Json e =
        success_envelope("aliexpress.affiliate.link.generate", Json(), "r", 404, "System Error");
    const Json& rr = e["aliexpress_affiliate_link_generate_response"]["resp_result"];
    EXPECT_EQ(rr["resp_code"], 404);
    EXPECT_EQ(rr["resp_msg"], "System Error");
    EXPECT_FALSE(rr.contains("result"));
}

TEST(Envelope, IopErrorShape) {
    const Json e =
        error_envelope({ErrorKind::kInvalidSignature, "sign", {}, 0}, Dialect::kIop, "21x");
    const Json& body = e["error_response"];
    EXPECT_EQ(body["type"], "ISV");
    EXPECT_EQ(body["code"], "IncompleteSignature");
    EXPECT_EQ(body["msg"], "The request signature does not conform to platform standards");
    EXPECT_EQ(body["request_id"], "21x");
    EXPECT_FALSE(body.contains("sub_code"));
}

TEST(Envelope, IopMissingParameterNamesTheParameter) {
    const Json e =
        error_envelope({ErrorKind::kMissingParameter, "sign", {}, 0}, Dialect::kIop, "r");
    EXPECT_EQ(e["error_response"]["code"], "MissingParameter");
    EXPECT_NE(
        e["error_response"]["msg"].get<std::string>().find("\u201csign\u201d"), std::string::npos
    );
}

TEST(Envelope, IopRateLimitCarriesBanSentence) {
    const Json e = error_envelope({ErrorKind::kApiCallLimited, {}, {}, 3}, Dialect::kIop, "r");
    EXPECT_EQ(e["error_response"]["code"], "ApiCallLimit");
    EXPECT_NE(
        e["error_response"]["msg"].get<std::string>().find("This ban will last for 3 more seconds"),
        std::string::npos
    );
}

TEST(Envelope, IspErrorsAreTypeIsp) {
    const Json e = error_envelope({ErrorKind::kServiceTimeout, {}, {}, 0}, Dialect::kIop, "r");
    EXPECT_EQ(e["error_response"]["type"], "ISP");
    EXPECT_EQ(e["error_response"]["code"], "ServiceTimeout");
}

TEST(Envelope, TopRateLimitShape) {
    const Json e = error_envelope({ErrorKind::kApiCallLimited, {}, {}, 2}, Dialect::kTop, "r1");
    const Json& body = e["error_response"];
    EXPECT_EQ(body["code"], 7);
    EXPECT_EQ(body["msg"], "App Call Limited");
    EXPECT_EQ(body["sub_code"], "accesscontrol.limited-by-app-api-access-count");
    EXPECT_EQ(body["sub_msg"], "This ban will last for 2 more seconds");
    EXPECT_EQ(body["request_id"], "r1");
    EXPECT_FALSE(body.contains("type"));
}

TEST(Envelope, TopDailyQuotaUsesAppAccessCount) {
    const Json e =
        error_envelope({ErrorKind::kAppQuotaExceeded, {}, {}, 31062}, Dialect::kTop, "r");
    EXPECT_EQ(e["error_response"]["code"], 7);
    EXPECT_EQ(e["error_response"]["sub_code"], "accesscontrol.limited-by-app-access-count");
    EXPECT_EQ(e["error_response"]["sub_msg"], "This ban will last for 31062 more seconds");
}

TEST(Envelope, TopNumericCodes) {
    const auto code = [](ErrorKind kind, std::string param = {}) {
        return error_envelope(
                   {kind, std::move(param), {}, 0}, Dialect::kTop, "r"
        )["error_response"]["code"]
            .get<int>();
    };
    EXPECT_EQ(code(ErrorKind::kMissingParameter, "app_key"), 28);
    EXPECT_EQ(code(ErrorKind::kMissingParameter, "sign"), 24);
    EXPECT_EQ(code(ErrorKind::kMissingParameter, "method"), 21);
    EXPECT_EQ(code(ErrorKind::kMissingParameter, "timestamp"), 30);
    EXPECT_EQ(code(ErrorKind::kMissingParameter, "tracking_id"), 40);
    EXPECT_EQ(code(ErrorKind::kInvalidAppKey), 29);
    EXPECT_EQ(code(ErrorKind::kInvalidTimestamp), 31);
    EXPECT_EQ(code(ErrorKind::kInvalidSignature), 25);
    EXPECT_EQ(code(ErrorKind::kInvalidMethod), 22);
    EXPECT_EQ(code(ErrorKind::kInvalidParameter), 41);
    EXPECT_EQ(code(ErrorKind::kServiceTimeout), 15);
}

TEST(Envelope, TopIspAndParameterSubCodes) {
    const Json isp = error_envelope({ErrorKind::kServiceTimeout, {}, {}, 0}, Dialect::kTop, "r");
    EXPECT_EQ(isp["error_response"]["msg"], "Remote service error");
    EXPECT_EQ(isp["error_response"]["sub_code"], "isp.remote-service-timeout");
    const Json bad = error_envelope(
        {ErrorKind::kInvalidParameter, "page_size", "too big", 0}, Dialect::kTop, "r"
    );
    EXPECT_EQ(bad["error_response"]["sub_code"], "isv.invalid-parameter");
    EXPECT_NE(
        bad["error_response"]["sub_msg"].get<std::string>().find("page_size"), std::string::npos
    );
}

TEST(Envelope, ErrorCodeStringPerDialect) {
    const GatewayError e{ErrorKind::kInvalidAppKey, "app_key", {}, 0};
    EXPECT_EQ(error_code_string(e, Dialect::kIop), "InvalidAppKey");
    EXPECT_EQ(error_code_string(e, Dialect::kTop), "29");
}

TEST(Envelope, ResponseKey) {
    EXPECT_EQ(
        response_key("aliexpress.affiliate.link.generate"),
        "aliexpress_affiliate_link_generate_response"
    );
}

}  // namespace
}  // namespace scout::sim
