#include "sim/verifier.hpp"

#include "support/signing_vectors.hpp"

#include <gtest/gtest.h>

namespace scout::sim {
namespace {

// Vectors from docs/aliexpress-api.md §2.4.

using scout::test::vectors::example_a;
using scout::test::vectors::toy;

// Example B as the TOP md5 request.
Params example_b() {
    return scout::test::vectors::example_b("md5");
}

TEST(Verifier, ThirdPartyVectorLogisticsMethodNoPrefix) {
    const Params params = scout::test::vectors::logistics_with_access_token();
    EXPECT_EQ(
        compute_sign(params, "helloworld", SignMethod::kSha256),
        "F7F7926B67316C9D1E8E15F7E66940ED3059B1638C497D77973F30046EFB5BBB"
    );
}

TEST(Verifier, ThirdPartyVectorPathApiWithPrefix) {
    const Params params = scout::test::vectors::token_create();
    EXPECT_EQ(
        compute_sign(params, "helloworld", SignMethod::kSha256, "/auth/token/create"),
        "35607762342831B6A417A0DED84B79C05FEFBF116969C48AD6DC00279A9F4D81"
    );
    EXPECT_NE(
        compute_sign(params, "helloworld", SignMethod::kSha256),
        "35607762342831B6A417A0DED84B79C05FEFBF116969C48AD6DC00279A9F4D81"
    );
}

TEST(Verifier, ThirdPartyVectorCategoryGet) {
    Params params = scout::test::vectors::category_get();
    EXPECT_EQ(
        compute_sign(params, "helloworld", SignMethod::kSha256),
        "F3ABBAB059750C3CD6D341A2FDA939ECB0FA892120E9196270ED67D6EC1511DD"
    );
    params["sign"] = "F3ABBAB059750C3CD6D341A2FDA939ECB0FA892120E9196270ED67D6EC1511DD";
    EXPECT_EQ(verify_signature(params, "helloworld"), SignCheck::kValid);
}

TEST(Verifier, ToyExampleCanonicalSortsByteWise) {
    EXPECT_EQ(canonical_string(toy()), "bar2foo1foo_bar3foobar4");
    EXPECT_EQ(canonical_string(toy(), "/test/api"), "/test/apibar2foo1foo_bar3foobar4");
}

TEST(Verifier, ToyExampleAllAlgorithms) {
    EXPECT_EQ(
        compute_sign(toy(), "helloworld", SignMethod::kSha256),
        "339676BF36C50A8BD3D8F6B4A81B2F9AA614B05BFCFEBEFC169CB830D6B77D3B"
    );
    EXPECT_EQ(
        compute_sign(toy(), "helloworld", SignMethod::kSha256, "/test/api"),
        "BD011266EC150C787B2201495AA2D6F326BB6910DE77E84EA28F5215DCD7FA5E"
    );
    EXPECT_EQ(
        compute_sign(toy(), "helloworld", SignMethod::kMd5), "5AAF1C690262A24768F5478B084C2C8A"
    );
}

TEST(Verifier, ExampleAProductSearchSha256) {
    Params params = example_a();
    EXPECT_EQ(
        canonical_string(params),
        "app_key12345678formatjsonkeywordsusb cablemethodaliexpress.affiliate.product.query"
        "page_no1page_size20sign_methodsha256simplifyfalsetarget_currencyUSDtarget_languageEN"
        "timestamp1700000000000tracking_iddemo_track"
    );
    EXPECT_EQ(
        compute_sign(params, "s3cr3t-demo", SignMethod::kSha256),
        "D028CB47EB9DB72F3F66CA263A05E32A8F410C65CCF5843D6FD610DE00C2AD16"
    );
    params["sign"] = "D028CB47EB9DB72F3F66CA263A05E32A8F410C65CCF5843D6FD610DE00C2AD16";
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kValid);
    EXPECT_EQ(verify_signature(params, "wrong-secret"), SignCheck::kMismatch);
}

TEST(Verifier, ComparisonIsCaseInsensitive) {
    Params params = example_a();
    params["sign"] = "d028cb47eb9db72f3f66ca263a05e32a8f410c65ccf5843d6fd610de00c2ad16";
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kValid);
}

TEST(Verifier, RejectsPlainSha256SecretWrapVariant) {
    Params params = example_a();
    const std::string wrong = sha256_hex("s3cr3t-demo" + canonical_string(params) + "s3cr3t-demo");
    EXPECT_EQ(wrong, "EB8EFF0AF8F3262ED0FD75AF2CE00AF59AFD621AAB3C515923DA2D7B76F8B043");
    params["sign"] = wrong;
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kMismatch);
}

TEST(Verifier, RejectsHmacOverSecretWrappedMessage) {
    Params params = example_a();
    params["sign"] =
        hmac_sha256_hex("s3cr3t-demo", "s3cr3t-demo" + canonical_string(params) + "s3cr3t-demo");
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kMismatch);
}

TEST(Verifier, RejectsKeyValueAmpersandForm) {
    Params params = example_a();
    std::string joined;
    for (const auto& [k, v] : params) {
        joined += (joined.empty() ? "" : "&") + k + "=" + v;
    }
    params["sign"] = hmac_sha256_hex("s3cr3t-demo", joined);
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kMismatch);
}

TEST(Verifier, RejectsUrlEncodedValues) {
    Params encoded = example_a();
    encoded["keywords"] = "usb%20cable";
    Params params = example_a();
    params["sign"] = compute_sign(encoded, "s3cr3t-demo", SignMethod::kSha256);
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kMismatch);
}

TEST(Verifier, ExampleBTopMd5AndHmacMd5) {
    Params params = example_b();
    EXPECT_EQ(
        compute_sign(params, "s3cr3t-demo", SignMethod::kMd5), "89A77CA553330FA0BCABD3F3B47F04C8"
    );
    params["sign"] = "89A77CA553330FA0BCABD3F3B47F04C8";
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kValid);

    Params hmac = example_b();
    hmac["sign_method"] = "hmac";
    EXPECT_EQ(
        compute_sign(hmac, "s3cr3t-demo", SignMethod::kHmacMd5), "7B6229ACC0D45C57E92610876614E5F7"
    );
    hmac["sign"] = "7B6229ACC0D45C57E92610876614E5F7";
    EXPECT_EQ(verify_signature(hmac, "s3cr3t-demo"), SignCheck::kValid);
}

TEST(Verifier, Md5SignDoesNotPassAsSha256) {
    Params params = example_b();
    params["sign_method"] = "sha256";
    params["sign"] = "89A77CA553330FA0BCABD3F3B47F04C8";
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kMismatch);
}

TEST(Verifier, ExampleCLinkGenerateSignsRawUrl) {
    Params params = scout::test::vectors::example_c();
    EXPECT_EQ(
        canonical_string(params),
        "app_key12345678methodaliexpress.affiliate.link.generatepromotion_link_type0"
        "sign_methodsha256source_valueshttps://www.aliexpress.com/item/1005006123456789.html"
        "timestamp1700000000000tracking_iddemo_track"
    );
    params["sign"] = "1BC9A81AB2E844D0E8A0AF31911147D1B619C1DF732468FDD9BBFD0E937B7482";
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kValid);
}

TEST(Verifier, SignParamIsExcludedAndEmptyParamsAreSigned) {
    Params params = toy();
    const std::string before = canonical_string(params);
    params["sign"] = "ABC";
    EXPECT_EQ(canonical_string(params), before);
    params["empty"] = "";
    EXPECT_EQ(
        canonical_string(params),
        "bar2empty"
        "foo1foo_bar3foobar4"
    );
}

TEST(Verifier, UnsupportedSignMethodIsReported) {
    Params params = example_a();
    params["sign_method"] = "hmac-sha1";
    params["sign"] = "00";
    EXPECT_EQ(verify_signature(params, "s3cr3t-demo"), SignCheck::kUnsupportedMethod);
    EXPECT_FALSE(parse_sign_method("SHA256"));
}

TEST(Verifier, PathStyleMethodGetsPrefix) {
    EXPECT_EQ(api_path_for("/auth/token/create"), "/auth/token/create");
    EXPECT_EQ(api_path_for("aliexpress.affiliate.product.query"), "");
    Params params{{"app_key", "1"}, {"method", "/auth/token/create"}, {"sign_method", "sha256"}};
    params["sign"] = compute_sign(params, "k", SignMethod::kSha256, "/auth/token/create");
    EXPECT_EQ(verify_signature(params, "k"), SignCheck::kValid);
}

}  // namespace
}  // namespace scout::sim
