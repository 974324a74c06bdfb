#include "app/search_handler.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace scout::app {
namespace {

TEST(UpstreamErrorResponse, MapsClassesToStatusAndRetryAfter) {
    http::RequestContext ctx;
    ctx.request_id = "rid";
    upstream::UpstreamError open;
    open.code = upstream::make_error_code(upstream::upstream_errc::kCircuitOpen);
    open.retry_after = std::chrono::milliseconds(2500);
    const http::Response unavailable = upstream_error_response(open, ctx);
    EXPECT_EQ(unavailable.result(), http::Status::service_unavailable);
    EXPECT_EQ(unavailable[boost::beast::http::field::retry_after], "3");

    upstream::UpstreamError timeout;
    timeout.code = upstream::make_error_code(upstream::upstream_errc::kTimeout);
    EXPECT_EQ(upstream_error_response(timeout, ctx).result(), http::Status::gateway_timeout);

    upstream::UpstreamError permanent;
    permanent.code = upstream::make_error_code(upstream::upstream_errc::kGatewayError);
    permanent.error_class = upstream::ErrorClass::kPermanent;
    const http::Response bad_gateway = upstream_error_response(permanent, ctx);
    EXPECT_EQ(bad_gateway.result(), http::Status::bad_gateway);
    EXPECT_EQ(nlohmann::json::parse(bad_gateway.body().view())["error"]["request_id"], "rid");
}

TEST(UpstreamErrorResponse, AQuotaRefusalIsUnavailableWithRetryAfter) {
    http::RequestContext ctx;
    ctx.request_id = "rid";
    upstream::UpstreamError refused = upstream::make_upstream_error(
        upstream::upstream_errc::kQuotaExhausted, "outbound quota: queue_full"
    );
    refused.retry_after = std::chrono::milliseconds(1);
    const http::Response response = upstream_error_response(refused, ctx);
    EXPECT_EQ(response.result(), http::Status::service_unavailable);
    EXPECT_EQ(response[boost::beast::http::field::retry_after], "1");
    const auto body = nlohmann::json::parse(response.body().view());
    EXPECT_EQ(body["error"]["code"], "upstream_unavailable");
}

TEST(HotKeys, RemembersTheKeyOfAnExactQueryString) {
    HotKeys keys(8);
    EXPECT_EQ(keys.find("q=usb"), nullptr);
    keys.remember("q=usb", "scout:v1:search:aaa");
    ASSERT_NE(keys.find("q=usb"), nullptr);
    EXPECT_EQ(*keys.find("q=usb"), "scout:v1:search:aaa");
    // Exact bytes only: another spelling is a separate entry (it may map to the same key).
    EXPECT_EQ(keys.find("q=USB"), nullptr);
    EXPECT_EQ(keys.find("q=usb&"), nullptr);
    // Looking up through a view of a longer buffer (a request target) works.
    const std::string target = "q=usb&page_size=20";
    EXPECT_NE(keys.find(std::string_view(target).substr(0, 5)), nullptr);
}

TEST(HotKeys, StartsOverWhenFullAndSkipsLongQueries) {
    HotKeys keys(3);
    keys.remember("a", "1");
    keys.remember("b", "2");
    keys.remember("c", "3");
    EXPECT_EQ(keys.size(), 3U);
    keys.remember("c", "3");  // already known: a full table is not reset for it
    EXPECT_EQ(keys.size(), 3U);
    keys.remember("d", "4");  // full: the table starts over with the new entry
    EXPECT_EQ(keys.size(), 1U);
    EXPECT_EQ(keys.find("a"), nullptr);
    ASSERT_NE(keys.find("d"), nullptr);
    EXPECT_EQ(*keys.find("d"), "4");

    const std::string long_query(HotKeys::kMaxQueryBytes + 1, 'q');
    keys.remember(long_query, "5");
    EXPECT_EQ(keys.find(long_query), nullptr);
    EXPECT_EQ(keys.size(), 1U);

    HotKeys disabled(0);
    disabled.remember("a", "1");
    EXPECT_EQ(disabled.find("a"), nullptr);
}

}  // namespace
}  // namespace scout::app
