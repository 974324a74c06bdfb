#include "sim/handler.hpp"

#include "sim_test_util.hpp"
#include "support/manual_clock.hpp"
#include "support/signing_vectors.hpp"

#include <gtest/gtest.h>

namespace scout::sim {
namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;
using test::control_request;
using test::form_post;
using test::get_request;
using test::kAppKey;
using test::kNowMs;
using test::kSecret;
using test::signed_call;

constexpr std::string_view kQuery = "aliexpress.affiliate.product.query";
constexpr std::string_view kLink = "aliexpress.affiliate.link.generate";
constexpr std::string_view kCategories = "aliexpress.affiliate.category.get";

class HandlerTest : public ::testing::Test {
protected:
    explicit HandlerTest(SimSettings settings = defaults()) { make(std::move(settings)); }

    static SimSettings defaults() {
        SimSettings s;
        s.app_key = std::string(kAppKey);
        s.app_secret = std::string(kSecret);
        return s;
    }

    void make(SimSettings settings) {
        handler_ = std::make_unique<Handler>(
            std::move(settings), test::small_catalogue(), clock_, [] { return kNowMs; }
        );
    }

    Outcome call(const HttpRequest& request, bool loopback_peer = true) {
        return handler_->handle(request, loopback_peer);
    }

    Json json(const Outcome& outcome) {
        EXPECT_EQ(outcome.action, Outcome::Action::kRespond);
        return Json::parse(outcome.response.body());
    }

    // The `error_response` object, or null when the response is a success.
    Json error_of(const HttpRequest& request) {
        const Outcome outcome = call(request);
        EXPECT_EQ(outcome.response.result_int(), 200U);
        const Json body = json(outcome);
        return body.contains("error_response") ? body["error_response"] : Json();
    }

    void add_fault(std::string_view body) {
        const Outcome outcome =
            call(control_request(http::verb::post, "/__sim/faults", std::string(body)));
        ASSERT_EQ(outcome.response.result_int(), 200U) << outcome.response.body();
    }

    nlohmann::json stats() {
        return nlohmann::json::parse(
            call(control_request(http::verb::get, "/__sim/stats")).response.body()
        );
    }

    scout::test::ManualClock clock_;
    std::unique_ptr<Handler> handler_;
};

TEST_F(HandlerTest, PublishedExampleASignatureIsAccepted) {
    // Example A of the api doc, sent as-is with its published sign.
    Params params = scout::test::vectors::example_a();
    params["sign"] = scout::test::vectors::kExampleASign;
    const Json body = json(call(form_post(params)));
    ASSERT_TRUE(body.contains("aliexpress_affiliate_product_query_response")) << body.dump();
    const Json& inner = body["aliexpress_affiliate_product_query_response"];
    EXPECT_EQ(inner["resp_result"]["resp_code"], 200);
    EXPECT_TRUE(inner["request_id"].is_string());
    EXPECT_GT(inner["resp_result"]["result"]["total_record_count"].get<int>(), 0);
}

TEST_F(HandlerTest, PublishedExampleBTopMd5IsAccepted) {
    Params params = scout::test::vectors::example_b("md5");
    params["sign"] = "89A77CA553330FA0BCABD3F3B47F04C8";
    EXPECT_TRUE(error_of(get_request(params)).is_null());
}

TEST_F(HandlerTest, WrongVariantOfExampleAIsRejected) {
    Params params = signed_call(kQuery, {{"keywords", "usb cable"}});
    params["sign"] =
        sha256_hex(std::string(kSecret) + canonical_string(params) + std::string(kSecret));
    const Json error = error_of(form_post(params));
    EXPECT_EQ(error["code"], "IncompleteSignature");
    EXPECT_EQ(stats()["signature_failures"], 1);
}

TEST_F(HandlerTest, GetPostAndSplitQueryBodyAllWork) {
    const Params params = signed_call(kCategories);
    EXPECT_TRUE(error_of(get_request(params)).is_null()) << error_of(get_request(params)).dump();
    EXPECT_TRUE(error_of(form_post(params)).is_null());
    // TOP SDK style: system params in the query string, the rest in the body.
    Params system;
    Params business;
    for (const auto& [k, v] :
         signed_call(kQuery, {{"keywords", "phone case"}, {"page_size", "3"}})) {
        (k == "keywords" || k == "page_size" ? business : system)[k] = v;
    }
    const HttpRequest split = form_post(business, "/sync?" + test::form_encode(system));
    const Outcome outcome = call(split);
    const Json body = json(outcome);
    ASSERT_FALSE(body.contains("error_response")) << body.dump();
    EXPECT_EQ(
        body["aliexpress_affiliate_product_query_response"]["resp_result"]["result"]
            ["current_record_count"],
        3
    );
}

TEST_F(HandlerTest, CheckOrderMissingBeforeKeyBeforeTimestampBeforeSignature) {
    Params params = signed_call(kQuery, {{"page_size", "999"}});
    params["method"] = "no.such.method";  // invalid method (and now a stale signature)
    params["timestamp"] = "1";            // outside the window
    params["app_key"] = "999";            // unknown key
    params.erase("sign");                 // missing
    EXPECT_EQ(error_of(form_post(params))["code"], "MissingParameter");
    params["sign"] = "00";
    EXPECT_EQ(error_of(form_post(params))["code"], "InvalidAppKey");
    params["app_key"] = std::string(kAppKey);
    EXPECT_EQ(error_of(form_post(params))["code"], "InvalidTimestamp");
    params["timestamp"] = std::to_string(kNowMs - 7000 * 1000);  // inside the window
    EXPECT_EQ(error_of(form_post(params))["code"], "IncompleteSignature");
    params["sign"] = compute_sign(params, kSecret, SignMethod::kSha256);
    EXPECT_EQ(error_of(form_post(params))["code"], "InvalidMethod");
    params["method"] = std::string(kQuery);
    params["sign"] = compute_sign(params, kSecret, SignMethod::kSha256);
    EXPECT_EQ(error_of(form_post(params))["code"], "InvalidParameter");
    params["page_size"] = "10";
    params["sign"] = compute_sign(params, kSecret, SignMethod::kSha256);
    EXPECT_TRUE(error_of(form_post(params)).is_null());
}

TEST_F(HandlerTest, EachRequiredParameterIsReported) {
    for (const char* name : {"app_key", "method", "timestamp", "sign_method", "sign"}) {
        Params params = signed_call(kCategories);
        params.erase(name);
        const Json error = error_of(form_post(params));
        EXPECT_EQ(error["code"], "MissingParameter") << name;
        EXPECT_NE(error["msg"].get<std::string>().find(name), std::string::npos);
    }
}

TEST_F(HandlerTest, TimestampWindowAndFormats) {
    Params params = signed_call(kCategories);
    params["timestamp"] = std::to_string(kNowMs + 7201 * 1000);
    params["sign"] = compute_sign(params, kSecret, SignMethod::kSha256);
    EXPECT_EQ(error_of(form_post(params))["code"], "InvalidTimestamp");
    params["timestamp"] = "1700000000";  // seconds, not milliseconds
    params["sign"] = compute_sign(params, kSecret, SignMethod::kSha256);
    EXPECT_EQ(error_of(form_post(params))["code"], "InvalidTimestamp");
    params["timestamp"] = "2023-11-14T22:13:20Z";
    params["sign"] = compute_sign(params, kSecret, SignMethod::kSha256);
    EXPECT_TRUE(error_of(form_post(params)).is_null());
}

TEST_F(HandlerTest, RequestIdsAreFreshHex) {
    const Json a = json(call(form_post(signed_call(kCategories))));
    const Json b = json(call(form_post(signed_call(kCategories))));
    const std::string ra = a["aliexpress_affiliate_category_get_response"]["request_id"];
    const std::string rb = b["aliexpress_affiliate_category_get_response"]["request_id"];
    EXPECT_NE(ra, rb);
    EXPECT_EQ(ra.find_first_not_of("0123456789abcdef"), std::string::npos);
    const Json e1 = error_of(form_post({{"app_key", "x"}}));
    const Json e2 = error_of(form_post({{"app_key", "x"}}));
    EXPECT_NE(e1["request_id"], e2["request_id"]);
}

TEST_F(HandlerTest, StatsCountCallsOnlyAfterAuthentication) {
    Params bad_key = signed_call(kQuery);
    bad_key["app_key"] = "1";
    call(form_post(bad_key));
    Params bad_sign = signed_call(kQuery);
    bad_sign["sign"] = "00";
    call(form_post(bad_sign));
    call(form_post(signed_call(kQuery, {{"page_size", "0"}})));  // reached the method
    call(form_post(signed_call(kQuery)));
    call(form_post(signed_call(kLink, {{"source_values", "x"}, {"tracking_id", "t"}})));
    const auto s = stats();
    EXPECT_EQ(s["requests_total"], 5);
    EXPECT_EQ(s["calls"][std::string(kQuery)], 2);
    EXPECT_EQ(s["calls"][std::string(kLink)], 1);
    EXPECT_EQ(s["signature_failures"], 1);
    EXPECT_EQ(s["errors"]["InvalidAppKey"], 1);
    EXPECT_EQ(s["errors"]["IncompleteSignature"], 1);
    EXPECT_EQ(s["errors"]["InvalidParameter"], 1);

    EXPECT_EQ(call(control_request(http::verb::post, "/__sim/reset")).response.result_int(), 200U);
    const auto cleared = stats();
    EXPECT_EQ(cleared["requests_total"], 0);
    EXPECT_TRUE(cleared["calls"].empty());
}

TEST_F(HandlerTest, ControlApiFaultLifecycle) {
    const Outcome added =
        call(control_request(http::verb::post, "/__sim/faults", R"({"kind":"http_503"})"));
    EXPECT_EQ(added.response.result_int(), 200U);
    const auto body = nlohmann::json::parse(added.response.body());
    EXPECT_EQ(body["ok"], true);
    EXPECT_TRUE(body["id"].is_number_integer());

    const Outcome failed = call(form_post(signed_call(kCategories)));
    EXPECT_EQ(failed.response.result_int(), 503U);
    EXPECT_EQ(stats()["faults_injected"]["http_503"], 1);

    const Outcome listed = call(control_request(http::verb::get, "/__sim/faults"));
    EXPECT_EQ(nlohmann::json::parse(listed.response.body())["faults"].size(), 1U);

    const Outcome cleared = call(control_request(http::verb::delete_, "/__sim/faults"));
    EXPECT_EQ(nlohmann::json::parse(cleared.response.body())["cleared"], 1);
    EXPECT_EQ(call(form_post(signed_call(kCategories))).response.result_int(), 200U);
}

TEST_F(HandlerTest, ControlApiAnswersLoopbackPeersOnlyWithoutAToken) {
    const HttpRequest fault =
        control_request(http::verb::post, "/__sim/faults", R"({"kind":"timeout"})");
    const Outcome remote = call(fault, false);
    EXPECT_EQ(remote.response.result_int(), 403U);
    EXPECT_EQ(nlohmann::json::parse(remote.response.body())["ok"], false);
    for (const auto verb : {http::verb::get, http::verb::delete_}) {
        EXPECT_EQ(call(control_request(verb, "/__sim/faults"), false).response.result_int(), 403U);
    }
    EXPECT_EQ(
        call(control_request(http::verb::post, "/__sim/reset"), false).response.result_int(), 403U
    );
    EXPECT_EQ(
        call(control_request(http::verb::get, "/__sim/stats"), false).response.result_int(), 403U
    );
    EXPECT_EQ(
        call(control_request(http::verb::get, "/__sim/health"), false).response.result_int(), 200U
    );
    // The refused fault was not added: a gateway call still succeeds.
    EXPECT_EQ(call(form_post(signed_call(kCategories)), false).response.result_int(), 200U);
    EXPECT_EQ(call(fault).response.result_int(), 200U);
}

class TokenHandlerTest : public HandlerTest {
protected:
    TokenHandlerTest() : HandlerTest(with_token()) {}

    static SimSettings with_token() {
        SimSettings s = defaults();
        s.control_token = "let-me-in";
        return s;
    }

    static HttpRequest stats_request(std::string_view token) {
        HttpRequest request = control_request(http::verb::get, "/__sim/stats");
        if (!token.empty()) {
            request.set("X-Sim-Control-Token", token);
        }
        return request;
    }
};

TEST_F(TokenHandlerTest, ControlApiNeedsTheTokenFromEveryAddress) {
    EXPECT_EQ(call(stats_request(""), true).response.result_int(), 403U);
    EXPECT_EQ(call(stats_request("let-me-i"), true).response.result_int(), 403U);
    EXPECT_EQ(call(stats_request("let-me-in!"), true).response.result_int(), 403U);
    EXPECT_EQ(call(stats_request("let-me-in"), true).response.result_int(), 200U);
    EXPECT_EQ(call(stats_request("let-me-in"), false).response.result_int(), 200U);
}

TEST_F(HandlerTest, ControlApiRejectsBadBodies) {
    for (const char* bad :
         {"not json", R"({"kind":"meteor"})", R"({"kind":"http_503","rate":7})"}) {
        const Outcome outcome = call(control_request(http::verb::post, "/__sim/faults", bad));
        EXPECT_EQ(outcome.response.result_int(), 400U) << bad;
        const auto body = nlohmann::json::parse(outcome.response.body());
        EXPECT_EQ(body["ok"], false);
        EXPECT_TRUE(body["error"].is_string());
    }
    EXPECT_EQ(call(control_request(http::verb::put, "/__sim/faults")).response.result_int(), 405U);
    EXPECT_EQ(call(control_request(http::verb::get, "/__sim/nothing")).response.result_int(), 404U);
    EXPECT_EQ(call(control_request(http::verb::get, "/elsewhere")).response.result_int(), 404U);
}

TEST_F(HandlerTest, TransportFaults) {
    add_fault(R"({"kind":"http_502_html","count":1})");
    const Outcome html = call(form_post(signed_call(kCategories)));
    EXPECT_EQ(html.response.result_int(), 502U);
    EXPECT_NE(html.response.body().find("<html>"), std::string::npos);

    add_fault(R"({"kind":"reset","count":1})");
    EXPECT_EQ(call(form_post(signed_call(kCategories))).action, Outcome::Action::kReset);

    add_fault(R"({"kind":"timeout","count":1})");
    EXPECT_EQ(call(form_post(signed_call(kCategories))).action, Outcome::Action::kHang);

    add_fault(R"({"kind":"delay","delay_ms":250,"count":1})");
    const Outcome slow = call(form_post(signed_call(kCategories)));
    EXPECT_EQ(slow.delay, 250ms);
    EXPECT_EQ(slow.response.result_int(), 200U);

    // Transport faults may fire before authentication.
    add_fault(R"({"kind":"http_503","count":1})");
    EXPECT_EQ(call(form_post({{"app_key", "bogus"}})).response.result_int(), 503U);
}

TEST_F(HandlerTest, ApplicationFaultsNeverMaskAuthErrors) {
    add_fault(R"({"kind":"invalid_signature"})");
    Params bad_key = signed_call(kCategories);
    bad_key["app_key"] = "1";
    EXPECT_EQ(error_of(form_post(bad_key))["code"], "InvalidAppKey");
    EXPECT_EQ(stats()["faults_injected"].size(), 0U);
    EXPECT_EQ(error_of(form_post(signed_call(kCategories)))["code"], "IncompleteSignature");
    EXPECT_EQ(stats()["signature_failures"], 0);  // injected, not a real failure
}

TEST_F(HandlerTest, ApplicationFaultEnvelopes) {
    add_fault(R"({"kind":"rate_limit","ban_seconds":4,"count":1})");
    const Json ban = error_of(form_post(signed_call(kCategories)));
    EXPECT_EQ(ban["code"], "ApiCallLimit");
    EXPECT_NE(
        ban["msg"].get<std::string>().find("This ban will last for 4 more seconds"),
        std::string::npos
    );

    add_fault(R"({"kind":"isp_error","count":1})");
    const Json isp = error_of(form_post(signed_call(kCategories)));
    EXPECT_EQ(isp["type"], "ISP");
    EXPECT_EQ(isp["code"], "ServiceTimeout");

    add_fault(R"({"kind":"resp_code_404","count":1})");
    const Json body = json(call(form_post(signed_call(kCategories))));
    EXPECT_EQ(body["aliexpress_affiliate_category_get_response"]["resp_result"]["resp_code"], 404);

    add_fault(R"({"kind":"truncated_json","count":1})");
    const Outcome cut = call(form_post(signed_call(kCategories)));
    const Outcome whole = call(form_post(signed_call(kCategories)));
    EXPECT_EQ(cut.response.result_int(), 200U);
    EXPECT_FALSE(nlohmann::json::accept(cut.response.body()));
    EXPECT_NEAR(
        static_cast<double>(cut.response.body().size()),
        static_cast<double>(whole.response.body().size()) / 2.0,
        64.0
    );
    EXPECT_EQ(
        cut.response[http::field::content_length], std::to_string(cut.response.body().size())
    );
}

TEST_F(HandlerTest, LinkGenerateFailOnlyHitsLinkGenerate) {
    add_fault(R"({"kind":"link_generate_fail"})");
    EXPECT_TRUE(error_of(form_post(signed_call(kCategories))).is_null());
    const Json error =
        error_of(form_post(signed_call(kLink, {{"source_values", "x"}, {"tracking_id", "t"}})));
    EXPECT_EQ(error["type"], "ISP");
    EXPECT_EQ(stats()["faults_injected"]["link_generate_fail"], 1);
}

TEST_F(HandlerTest, MethodFilteredFaults) {
    add_fault(R"({"kind":"http_503","method":"aliexpress.affiliate.product.query"})");
    EXPECT_EQ(call(form_post(signed_call(kCategories))).response.result_int(), 200U);
    EXPECT_EQ(call(form_post(signed_call(kQuery))).response.result_int(), 503U);
}

TEST_F(HandlerTest, MalformedFormIsHttp400) {
    HttpRequest request = form_post({});
    request.body() = "app_key=%ZZ";
    request.prepare_payload();
    EXPECT_EQ(call(request).response.result_int(), 400U);
}

TEST_F(HandlerTest, BatchLimitThroughTheGateway) {
    std::string values;
    for (int i = 0; i < 51; ++i) {
        values += (i ? "," : "") + std::to_string(1005006000000000LL + i);
    }
    const Json error =
        error_of(form_post(signed_call(kLink, {{"source_values", values}, {"tracking_id", "t"}})));
    EXPECT_EQ(error["code"], "InvalidParameter");
}

class TopDialectTest : public HandlerTest {
protected:
    TopDialectTest() : HandlerTest(top()) {}
    static SimSettings top() {
        SimSettings s = defaults();
        s.dialect = Dialect::kTop;
        return s;
    }
};

TEST_F(TopDialectTest, NumericCodes) {
    Params params = signed_call(kCategories);
    params["app_key"] = "1";
    EXPECT_EQ(error_of(form_post(params))["code"], 29);
    params = signed_call(kCategories);
    params["sign"] = "00";
    EXPECT_EQ(error_of(form_post(params))["code"], 25);
    params = signed_call("aliexpress.nothing");
    EXPECT_EQ(error_of(form_post(params))["code"], 22);
    params = signed_call(kQuery, {{"page_size", "51"}});
    const Json bad = error_of(form_post(params));
    EXPECT_EQ(bad["code"], 41);
    EXPECT_EQ(bad["sub_code"], "isv.invalid-parameter");
    EXPECT_EQ(stats()["errors"]["29"], 1);
}

class RateLimitedTest : public HandlerTest {
protected:
    RateLimitedTest() : HandlerTest(limited()) {}
    static SimSettings limited() {
        SimSettings s = defaults();
        s.dialect = Dialect::kTop;
        s.limits.rate_per_s = 1.0;
        return s;
    }
};

TEST_F(RateLimitedTest, BanEnvelopeAndRecovery) {
    EXPECT_TRUE(error_of(form_post(signed_call(kCategories))).is_null());
    const Json ban = error_of(form_post(signed_call(kCategories)));
    EXPECT_EQ(ban["code"], 7);
    EXPECT_EQ(ban["msg"], "App Call Limited");
    EXPECT_EQ(ban["sub_code"], "accesscontrol.limited-by-app-api-access-count");
    EXPECT_EQ(ban["sub_msg"], "This ban will last for 1 more seconds");
    EXPECT_EQ(stats()["rate_limited"], 1);
    clock_.advance(1s);
    EXPECT_TRUE(error_of(form_post(signed_call(kCategories))).is_null());
}

class LatencyTest : public HandlerTest {
protected:
    LatencyTest() : HandlerTest(slow()) {}
    static SimSettings slow() {
        SimSettings s = defaults();
        s.latency = 100ms;
        return s;
    }
};

TEST_F(LatencyTest, JitterWithinQuarter) {
    bool varied = false;
    std::chrono::milliseconds first{};
    for (int i = 0; i < 50; ++i) {
        const Outcome outcome = call(form_post(signed_call(kCategories)));
        EXPECT_GE(outcome.delay, 75ms);
        EXPECT_LE(outcome.delay, 125ms);
        if (i == 0) {
            first = outcome.delay;
        }
        varied = varied || outcome.delay != first;
    }
    EXPECT_TRUE(varied);
    // Control endpoints answer at once.
    EXPECT_EQ(call(control_request(http::verb::get, "/__sim/stats")).delay, 0ms);
}

}  // namespace
}  // namespace scout::sim
