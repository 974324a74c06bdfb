#include <scout/http/response.hpp>
#include <scout/middleware/compression.hpp>
#include <scout/middleware/conditional.hpp>
#include <scout/middleware/gzip.hpp>
#include <scout/middleware/security_headers.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace scout::middleware {
namespace {

TEST(AcceptEncoding, HonoursTokensQValuesStarAndIdentity) {
    const auto accepts = [](std::string_view value) { return parse_accept_encoding(value); };
    EXPECT_TRUE(accepts("gzip").gzip);
    EXPECT_TRUE(accepts("br, gzip;q=0.8, deflate").gzip);
    EXPECT_TRUE(accepts("GZIP").gzip);
    EXPECT_TRUE(accepts("x-gzip").gzip);
    EXPECT_TRUE(accepts("*").gzip);
    EXPECT_TRUE(accepts("gzip; q=1.0").gzip);
    EXPECT_FALSE(accepts("").gzip);
    EXPECT_FALSE(accepts("identity").gzip);
    EXPECT_FALSE(accepts("br, deflate").gzip);
    EXPECT_FALSE(accepts("gzip;q=0").gzip);
    EXPECT_FALSE(accepts("gzip;q=0.000").gzip);
    EXPECT_FALSE(accepts("x-gzip-ish").gzip);
    EXPECT_FALSE(accepts("*, gzip;q=0").gzip);  // named coding wins over *
    EXPECT_TRUE(accepts("").identity);
    EXPECT_TRUE(accepts("gzip").identity);
    EXPECT_FALSE(accepts("identity;q=0").identity);
    EXPECT_FALSE(accepts("*;q=0").identity);
    EXPECT_FALSE(accepts("*;q=0").gzip);
    EXPECT_TRUE(accepts("*;q=0, identity").identity);
}

TEST(CompressibleType, TextJsonXmlButNotBinary) {
    EXPECT_TRUE(is_compressible_type("application/json"));
    EXPECT_TRUE(is_compressible_type("text/html; charset=utf-8"));
    EXPECT_TRUE(is_compressible_type("text/plain; version=0.0.4"));
    EXPECT_TRUE(is_compressible_type("application/problem+json"));
    EXPECT_FALSE(is_compressible_type("image/png"));
    EXPECT_FALSE(is_compressible_type("application/octet-stream"));
    EXPECT_FALSE(is_compressible_type(""));
}

TEST(EtagMatches, WeakComparisonOverAListAcrossEncodings) {
    EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("*", "\"abc\""));
    EXPECT_TRUE(etag_matches("\"abc-gz\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("\"abc\"", "\"abc-gz\""));
    EXPECT_FALSE(etag_matches("\"abd\"", "\"abc\""));
    EXPECT_FALSE(etag_matches("abc", "\"abc\""));
    EXPECT_FALSE(etag_matches("", "\"abc\""));
}

// The three response hooks as the chain runs them, over a registry and options of their own.
struct Hooks {
    config::Config config;
    monitoring::Registry metrics;
    monitoring::RequestJournal journal{std::chrono::milliseconds(1000)};
    SharedState shared;
    CompressionState& state =
        ChainContext{config, metrics, journal, shared}.shared_state<CompressionState>();

    http::Response run(
        http::Response response, std::string_view accept, std::string_view inm = {}
    ) {
        http::RequestContext ctx;
        ctx.request.method(http::Verb::get);
        if (!accept.empty()) {
            ctx.request.set("Accept-Encoding", accept);
        }
        if (!inm.empty()) {
            ctx.request.set("If-None-Match", inm);
        }
        Compression{state}(ctx, response);
        Conditional{}(ctx, response);
        SecurityHeaders{}(ctx, response);
        return response;
    }
};

http::Response json(std::size_t bytes) {
    std::string body = "[";
    while (body.size() + 9 < bytes) {
        body += "\"item\",";
    }
    body += "\"end\"]";
    return http::json_response(http::Status::ok, body);
}

std::string decoded(const http::Response& response) {
    return middleware::gzip_decompress(response.body().view(), 1U << 20U).value_or("<corrupt>");
}

TEST(Compression, GzipsAboveTheThresholdOnlyAndAlwaysVaries) {
    Hooks hooks;
    const http::Response big = json(4000);
    const http::Response zipped = hooks.run(big, "gzip");
    EXPECT_EQ(zipped["Content-Encoding"], "gzip");
    EXPECT_EQ(zipped["Vary"], "Accept-Encoding");
    EXPECT_EQ(decoded(zipped), big.body().view());
    EXPECT_LT(zipped.body().size(), big.body().size());
    const http::Response small = hooks.run(json(500), "gzip");
    EXPECT_EQ(small.count("Content-Encoding"), 0U);
    EXPECT_EQ(small["Vary"], "Accept-Encoding");
    EXPECT_EQ(hooks.run(big, "gzip;q=0, br").count("Content-Encoding"), 0U);
    EXPECT_EQ(hooks.run(big, "").count("Content-Encoding"), 0U);
    EXPECT_EQ(hooks.state.compressed.value(), 1U);
    EXPECT_EQ(hooks.state.bytes_in.value(), big.body().size());
    EXPECT_EQ(hooks.state.bytes_out.value(), zipped.body().size());
}

TEST(Compression, UsesPrecompressedBytesAndDerivesTheEtag) {
    Hooks hooks;
    http::Response response = json(4000);
    response.body().set_precompressed_gzip(std::make_shared<const std::string>("ready"));
    response.set("ETag", "\"e1\"");
    const http::Response out = hooks.run(response, "gzip");
    EXPECT_EQ(out.body().view(), "ready");
    EXPECT_EQ(out["ETag"], "\"e1-gz\"");
    const http::Response identity = hooks.run(response, "identity");
    EXPECT_EQ(identity.body().view(), response.body().view());
    EXPECT_EQ(identity["ETag"], "\"e1\"");
}

TEST(Compression, NeverEncodesTwiceAndSkipsBinary) {
    Hooks hooks;
    http::Response encoded = json(4000);
    encoded.set("Content-Encoding", "br");
    EXPECT_EQ(hooks.run(encoded, "gzip").body().view(), encoded.body().view());
    http::Response png = json(4000);
    png.set("Content-Type", "image/png");
    EXPECT_EQ(hooks.run(png, "gzip").count("Content-Encoding"), 0U);
}

TEST(Compression, NotAcceptableWhenNeitherGzipNorIdentity) {
    Hooks hooks;
    const http::Response refused = hooks.run(json(10), "identity;q=0");
    // Identity refused, gzip not offered: 406 as a JSON error, not cacheable.
    EXPECT_EQ(refused.result(), http::Status::not_acceptable);
    EXPECT_NE(refused.body().view().find("\"not_acceptable\""), std::string_view::npos);
    EXPECT_EQ(refused["Cache-Control"], "no-store");
    EXPECT_EQ(hooks.run(json(10), "*;q=0").result(), http::Status::not_acceptable);
    // Identity refused, gzip accepted: even a small body is compressed.
    const http::Response forced = hooks.run(json(10), "gzip, identity;q=0");
    EXPECT_EQ(forced["Content-Encoding"], "gzip");
    hooks.config.compression.enabled = false;
    hooks.shared.reload(hooks.config);
    EXPECT_EQ(hooks.run(json(4000), "gzip").count("Content-Encoding"), 0U);
    EXPECT_EQ(hooks.run(json(10), "gzip, identity;q=0").result(), http::Status::not_acceptable);
}

TEST(Compression, ReloadChangesThresholdAndLevel) {
    Hooks hooks;
    hooks.config.compression.min_bytes = 8000;
    hooks.shared.reload(hooks.config);
    EXPECT_EQ(hooks.run(json(4000), "gzip").count("Content-Encoding"), 0U);
    EXPECT_EQ(hooks.run(json(9000), "gzip")["Content-Encoding"], "gzip");
}

TEST(Conditional, MatchingEtagBecomes304WithoutBody) {
    Hooks hooks;
    http::Response response = json(4000);
    response.set("ETag", "\"e1\"");
    response.set("Cache-Control", "public, max-age=60");
    const http::Response gz = hooks.run(response, "gzip", "\"e1-gz\"");
    EXPECT_EQ(gz.result(), http::Status::not_modified);
    EXPECT_TRUE(gz.body().empty());
    EXPECT_EQ(gz["ETag"], "\"e1-gz\"");
    EXPECT_EQ(gz.count("Content-Encoding"), 0U);
    EXPECT_EQ(gz["Cache-Control"], "public, max-age=60");
    EXPECT_EQ(hooks.run(response, "", "\"e1\"").result(), http::Status::not_modified);
    EXPECT_EQ(hooks.run(response, "", "\"other\"").result(), http::Status::ok);
    http::Response error = http::error_response(http::Status::not_found, "x", "y", "id");
    error.set("ETag", "\"e1\"");
    EXPECT_EQ(hooks.run(error, "", "\"e1\"").result(), http::Status::not_found);
}

TEST(SecurityHeaders, NosniffServerAndNoStoreUnlessCacheable) {
    Hooks hooks;
    const http::Response plain = hooks.run(json(10), "");
    EXPECT_EQ(plain["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(plain["Server"], "scout");
    EXPECT_EQ(plain["Cache-Control"], "no-store");
    http::Response page = json(10);
    page.set("Cache-Control", "public, max-age=60");
    EXPECT_EQ(hooks.run(page, "")["Cache-Control"], "public, max-age=60");
    http::Response error = http::error_response(http::Status::bad_gateway, "x", "y", "id");
    error.set("Cache-Control", "public, max-age=60");
    EXPECT_EQ(hooks.run(error, "")["Cache-Control"], "no-store");
}

}  // namespace
}  // namespace scout::middleware
