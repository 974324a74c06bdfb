#include <scout/http/response.hpp>
#include <scout/middleware/admin_auth.hpp>
#include <scout/middleware/request_id.hpp>

#include "support/run_co.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace scout::middleware {
namespace {

awaitable<http::Response> ok(http::RequestContext& ctx) {
    co_return http::json_response(http::Status::ok, R"({"secret":1})", ctx.request.version());
}

http::Pipeline pipeline_with_token(std::string_view token) {
    http::Router router;
    router.add(http::Verb::get, "/admin/x", "admin_x", ok, http::RouteOptions{.admin = true});
    router.add(http::Verb::get, "/open", "open", ok);
    http::Pipeline pipeline(std::move(router));
    pipeline.use(RequestId{});
    pipeline.use(AdminAuth(token));
    return pipeline;
}

http::Response get(
    const http::Pipeline& pipeline, std::string_view target, std::string_view auth = {}
) {
    asio::io_context io;
    http::RequestContext ctx;
    ctx.request.method(http::Verb::get);
    ctx.request.target(target);
    if (!auth.empty()) {
        ctx.request.set(boost::beast::http::field::authorization, auth);
    }
    return test::run_co(io, pipeline.handle(ctx));
}

std::string error_code(const http::Response& response) {
    return nlohmann::json::parse(response.body().view())["error"]["code"];
}

TEST(AdminAuth, ChecksTheBearerToken) {
    const AdminAuth auth("s3cret-token");
    EXPECT_EQ(auth.check("Bearer s3cret-token"), AdminCheck::kAllowed);
    EXPECT_EQ(auth.check("bearer   s3cret-token"), AdminCheck::kAllowed);
    EXPECT_EQ(auth.check("Bearer s3cret-tokem"), AdminCheck::kWrong);
    EXPECT_EQ(auth.check("Bearer s3cret-token-longer"), AdminCheck::kWrong);
    EXPECT_EQ(auth.check(""), AdminCheck::kMissing);
    EXPECT_EQ(auth.check("Basic czNjcmV0"), AdminCheck::kMissing);
    EXPECT_EQ(auth.check("Bearer "), AdminCheck::kMissing);
    EXPECT_EQ(AdminAuth("").check("Bearer x"), AdminCheck::kDisabled);
}

TEST(AdminAuth, AdminRoutesAnswer401Then403Then200) {
    const auto pipeline = pipeline_with_token("s3cret-token");
    const auto none = get(pipeline, "/admin/x");
    EXPECT_EQ(none.result(), http::Status::unauthorized);
    EXPECT_EQ(none[boost::beast::http::field::www_authenticate], R"(Bearer realm="scout-admin")");
    EXPECT_EQ(error_code(none), "unauthorized");
    const auto wrong = get(pipeline, "/admin/x", "Bearer nope");
    EXPECT_EQ(wrong.result(), http::Status::forbidden);
    EXPECT_EQ(error_code(wrong), "forbidden");
    EXPECT_EQ(wrong.body().view().find("nope"), std::string_view::npos);
    EXPECT_EQ(get(pipeline, "/admin/x", "Bearer s3cret-token").result(), http::Status::ok);
    EXPECT_EQ(get(pipeline, "/open").result(), http::Status::ok);
}

TEST(AdminAuth, WithoutATokenAdminRoutesDoNotExist) {
    const auto pipeline = pipeline_with_token("");
    const auto response = get(pipeline, "/admin/x", "Bearer anything");
    EXPECT_EQ(response.result(), http::Status::not_found);
    EXPECT_EQ(error_code(response), "not_found");
    EXPECT_EQ(get(pipeline, "/open").result(), http::Status::ok);
}

}  // namespace
}  // namespace scout::middleware
