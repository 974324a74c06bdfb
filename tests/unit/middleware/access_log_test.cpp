#include <scout/middleware/access_log.hpp>

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace scout::middleware {
namespace {

std::string logged(std::string_view query) {
    std::array<char, kMaxLoggedQuery> buffer{};
    return std::string(loggable_query(query, buffer));
}

TEST(AccessLogQuery, KeepsOrdinaryParametersAsTheyAre) {
    EXPECT_EQ(
        logged("q=earbuds&page_size=20&sort=price_asc"), "q=earbuds&page_size=20&sort=price_asc"
    );
    EXPECT_EQ(logged(""), "");
}

TEST(AccessLogQuery, RedactsTheValuesOfParametersThatMayCarryASecret) {
    EXPECT_EQ(
        logged("q=a&api_key=s3cr3t&access_token=t&Signature=x&password=p&q2=b"),
        "q=a&api_key=REDACTED&access_token=REDACTED&Signature=REDACTED&password=REDACTED&q2=b"
    );
    EXPECT_EQ(logged("token"), "token") << "a name without a value has nothing to hide";
}

TEST(AccessLogQuery, IsBoundedAndSaysItWasCut) {
    const std::string query = "q=" + std::string(1000, 'a');
    const std::string out = logged(query);
    EXPECT_LE(out.size(), kMaxLoggedQuery);
    EXPECT_TRUE(out.ends_with("...")) << out;
    EXPECT_TRUE(out.starts_with("q=aaaa")) << out;
}

TEST(AccessLogQuery, NeverLetsASecretThroughWhenItsValueIsCut) {
    const std::string query = std::string(240, 'a') + "&token=" + std::string(100, 's');
    const std::string out = logged(query);
    EXPECT_EQ(out.find("sss"), std::string::npos) << out;
}

TEST(AccessLogErrorCode, ReadsTheCodeOfScoutsErrorBody) {
    EXPECT_EQ(
        error_code_of(R"({"error":{"code":"rate_limited","message":"slow down","request_id":"x"}})"
        ),
        "rate_limited"
    );
    EXPECT_EQ(error_code_of(R"({"products":[]})"), "");
    EXPECT_EQ(error_code_of(R"({"error":{"code":"unterminated)"), "");
    EXPECT_EQ(error_code_of(""), "");
}

}  // namespace
}  // namespace scout::middleware
