// Process-level tests of the response middlewares every route passes through: gzip
// (threshold, q-values, 406), conditional requests (304) and the security headers.
#include <scout/middleware/gzip.hpp>

#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace scout::test {
namespace {

constexpr const char* kToken = "compression-test-token";
constexpr const char* kSearch = "/search?q=usb+cable&page_size=30";

ScoutProcess::Options with_sim(const SimProcess& sim) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings({
        {"search.cursor_secret", "test-cursor-secret"},
        {"admin.token", kToken},
    });
    return options;
}

HttpResponse get(const ScoutProcess& scout, const std::string& target, Headers headers = {}) {
    if (target.starts_with("/api/")) {
        headers.emplace_back("Authorization", std::string("Bearer ") + kToken);
    }
    auto response = http_get(scout.port(), target, headers);
    EXPECT_TRUE(response) << target;
    return response.value_or(HttpResponse{});
}

std::string gunzip(const std::string& body) {
    return middleware::gzip_decompress(body, 16U << 20U).value_or("<not gzip>");
}

void expect_security_headers(const HttpResponse& response, const std::string& cache_control) {
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(response.header("server"), "scout");
    EXPECT_EQ(response.header("cache-control"), cache_control);
    EXPECT_EQ(response.header("vary"), "Accept-Encoding");
}

// Above the threshold on /search (pre-compressed bytes from L1) and on a JSON admin route
// (compressed on the fly): gzip, the same bytes once decoded, and a Content-Length that is
// the encoded size; below it (/health) the body goes as it is.
TEST(Compression, GzipAboveTheThresholdOnEveryRouteAndNotBelow) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    for (const std::string target : {kSearch, "/api/monitoring/metrics"}) {
        const HttpResponse plain = get(scout, target);
        ASSERT_EQ(plain.status, 200) << target;
        ASSERT_GE(plain.body.size(), 1024U) << target;
        EXPECT_EQ(plain.header("content-encoding"), "") << target;
        const HttpResponse zipped = get(scout, target, {{"Accept-Encoding", "gzip"}});
        EXPECT_EQ(zipped.header("content-encoding"), "gzip") << target;
        EXPECT_EQ(zipped.header("content-length"), std::to_string(zipped.body.size()));
        EXPECT_LT(zipped.body.size(), plain.body.size()) << target;
        const std::string decoded = gunzip(zipped.body);
        if (target == kSearch) {
            EXPECT_EQ(decoded, plain.body);  // a cache hit: the same page
            expect_security_headers(zipped, zipped.header("cache-control"));
            EXPECT_TRUE(zipped.header("cache-control").starts_with("public, max-age="));
        } else {
            EXPECT_TRUE(nlohmann::json::accept(decoded)) << decoded.substr(0, 200);
            expect_security_headers(zipped, "no-store");
        }
    }
    const HttpResponse health = get(scout, "/health", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(health.status, 200);
    EXPECT_LT(health.body.size(), 1024U);
    EXPECT_EQ(health.header("content-encoding"), "");
    EXPECT_TRUE(nlohmann::json::accept(health.body));
    expect_security_headers(health, "no-store");
    const auto metrics = get(scout, "/api/monitoring/metrics").body;
    EXPECT_NE(metrics.find("scout_http_responses_compressed_total"), std::string::npos);
}

TEST(Compression, HonoursQValuesAndAnswers406WhenNothingIsAcceptable) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    ASSERT_EQ(get(scout, kSearch).status, 200);
    EXPECT_EQ(
        get(scout, kSearch, {{"Accept-Encoding", "gzip;q=0, identity"}}).header("content-encoding"),
        ""
    );
    EXPECT_EQ(
        get(scout, kSearch, {{"Accept-Encoding", "br;q=1, *;q=0.1"}}).header("content-encoding"),
        "gzip"
    );
    EXPECT_EQ(
        get(scout, kSearch, {{"Accept-Encoding", "*, gzip;q=0"}}).header("content-encoding"), ""
    );
    for (const char* refusal : {"identity;q=0", "*;q=0", "br, identity;q=0"}) {
        const HttpResponse refused = get(scout, kSearch, {{"Accept-Encoding", refusal}});
        EXPECT_EQ(refused.status, 406) << refusal;
        const auto body = nlohmann::json::parse(refused.body, nullptr, false);
        EXPECT_EQ(body["error"]["code"], "not_acceptable") << refused.body;
        EXPECT_EQ(body["error"]["request_id"], refused.header("x-request-id"));
        expect_security_headers(refused, "no-store");
    }
    // Identity refused but gzip accepted: even a small body comes gzip-encoded.
    const HttpResponse forced = get(scout, "/health", {{"Accept-Encoding", "gzip, identity;q=0"}});
    EXPECT_EQ(forced.status, 200);
    EXPECT_EQ(forced.header("content-encoding"), "gzip");
    EXPECT_TRUE(nlohmann::json::accept(gunzip(forced.body)));
}

TEST(Compression, IfNoneMatchGives304ForEitherRepresentationAndErrorsAreNotCached) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const HttpResponse plain = get(scout, kSearch);
    const HttpResponse zipped = get(scout, kSearch, {{"Accept-Encoding", "gzip"}});
    ASSERT_FALSE(plain.header("etag").empty());
    EXPECT_NE(zipped.header("etag"), plain.header("etag"));
    for (const std::string& etag : {plain.header("etag"), zipped.header("etag")}) {
        const HttpResponse not_modified =
            get(scout, kSearch, {{"If-None-Match", etag}, {"Accept-Encoding", "gzip"}});
        EXPECT_EQ(not_modified.status, 304) << etag;
        EXPECT_TRUE(not_modified.body.empty());
        EXPECT_EQ(not_modified.header("etag"), zipped.header("etag"));
        EXPECT_EQ(not_modified.header("content-encoding"), "");
        expect_security_headers(not_modified, not_modified.header("cache-control"));
    }
    const HttpResponse changed = get(scout, kSearch, {{"If-None-Match", "\"other\""}});
    EXPECT_EQ(changed.status, 200);
    const HttpResponse missing = get(scout, "/no-such-route");
    EXPECT_EQ(missing.status, 404);
    expect_security_headers(missing, "no-store");
    const HttpResponse bad = get(scout, "/search?page_size=abc&q=x");
    EXPECT_EQ(bad.status, 400);
    expect_security_headers(bad, "no-store");
}

}  // namespace
}  // namespace scout::test
