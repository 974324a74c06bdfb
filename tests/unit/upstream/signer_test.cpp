#include <scout/upstream/signer.hpp>

#include "support/signing_vectors.hpp"

#include <gtest/gtest.h>

#include <string>

namespace scout::upstream {
namespace {

// ---- aliexpress-api.md §2.4: cross-check vectors ------------------------------------------

TEST(Signer, CrossCheckVectorWithAccessToken) {
    const Params params = test::vectors::logistics_with_access_token();
    EXPECT_EQ(
        sign(params, "helloworld", SignMethod::kSha256),
        "F7F7926B67316C9D1E8E15F7E66940ED3059B1638C497D77973F30046EFB5BBB"
    );
}

TEST(Signer, CrossCheckVectorWithApiPathPrefix) {
    const Params params = test::vectors::token_create();
    EXPECT_EQ(
        sign(params, "helloworld", SignMethod::kSha256, "/auth/token/create"),
        "35607762342831B6A417A0DED84B79C05FEFBF116969C48AD6DC00279A9F4D81"
    );
}

TEST(Signer, CrossCheckVectorCategoryGet) {
    const Params params = test::vectors::category_get();
    EXPECT_EQ(
        sign(params, "helloworld", SignMethod::kSha256),
        "F3ABBAB059750C3CD6D341A2FDA939ECB0FA892120E9196270ED67D6EC1511DD"
    );
}

// ---- §2.4: the docs' toy example ------------------------------------------------------------

const Params kToy = test::vectors::toy();

TEST(Signer, ToyCanonicalStringSortsByteWise) {
    // '_' (0x5F) sorts before lowercase letters, so foo_bar precedes foobar.
    EXPECT_EQ(canonical_string(kToy), "bar2foo1foo_bar3foobar4");
    EXPECT_EQ(canonical_string(kToy, "/test/api"), "/test/apibar2foo1foo_bar3foobar4");
}

TEST(Signer, ToyHmacSha256) {
    EXPECT_EQ(
        sign(kToy, "helloworld", SignMethod::kSha256),
        "339676BF36C50A8BD3D8F6B4A81B2F9AA614B05BFCFEBEFC169CB830D6B77D3B"
    );
}

TEST(Signer, ToyHmacSha256WithPathPrefix) {
    EXPECT_EQ(
        sign(kToy, "helloworld", SignMethod::kSha256, "/test/api"),
        "BD011266EC150C787B2201495AA2D6F326BB6910DE77E84EA28F5215DCD7FA5E"
    );
}

TEST(Signer, ToyTopMd5) {
    EXPECT_EQ(sign(kToy, "helloworld", SignMethod::kMd5), "5AAF1C690262A24768F5478B084C2C8A");
}

// ---- §2.4 Example A: IOP product search -----------------------------------------------------

const Params kExampleA = test::vectors::example_a();

TEST(Signer, ExampleACanonicalString) {
    EXPECT_EQ(
        canonical_string(kExampleA),
        "app_key12345678formatjsonkeywordsusb cablemethodaliexpress.affiliate.product.query"
        "page_no1page_size20sign_methodsha256simplifyfalsetarget_currencyUSDtarget_languageEN"
        "timestamp1700000000000tracking_iddemo_track"
    );
}

TEST(Signer, ExampleAHmacSha256) {
    EXPECT_EQ(
        sign(kExampleA, "s3cr3t-demo", SignMethod::kSha256),
        "D028CB47EB9DB72F3F66CA263A05E32A8F410C65CCF5843D6FD610DE00C2AD16"
    );
}

TEST(Signer, ExampleAWrongPlainSha256VariantDiffers) {
    const std::string secret = "s3cr3t-demo";
    const std::string wrong = sha256_hex(secret + canonical_string(kExampleA) + secret);
    EXPECT_EQ(wrong, "EB8EFF0AF8F3262ED0FD75AF2CE00AF59AFD621AAB3C515923DA2D7B76F8B043");
    EXPECT_NE(sign(kExampleA, secret, SignMethod::kSha256), wrong);
}

// ---- §2.4 Example B: TOP md5 / hmac ---------------------------------------------------------

using test::vectors::example_b;

TEST(Signer, ExampleBCanonicalString) {
    EXPECT_EQ(
        canonical_string(example_b("md5")),
        "app_key12345678formatjsonkeywordsusb cablemethodaliexpress.affiliate.product.query"
        "page_no1page_size20sign_methodmd5target_currencyUSDtarget_languageEN"
        "timestamp2023-11-15 06:13:20tracking_iddemo_trackv2.0"
    );
}

TEST(Signer, ExampleBTopMd5) {
    EXPECT_EQ(
        sign(example_b("md5"), "s3cr3t-demo", SignMethod::kMd5), "89A77CA553330FA0BCABD3F3B47F04C8"
    );
}

TEST(Signer, ExampleBTopHmacMd5) {
    EXPECT_EQ(
        sign(example_b("hmac"), "s3cr3t-demo", SignMethod::kHmacMd5),
        "7B6229ACC0D45C57E92610876614E5F7"
    );
}

// ---- §2.4 Example C: a URL value is signed raw ----------------------------------------------

TEST(Signer, ExampleCLinkGenerateSignsRawUrl) {
    const Params params = test::vectors::example_c();
    EXPECT_EQ(
        canonical_string(params),
        "app_key12345678methodaliexpress.affiliate.link.generatepromotion_link_type0"
        "sign_methodsha256source_valueshttps://www.aliexpress.com/item/1005006123456789.html"
        "timestamp1700000000000tracking_iddemo_track"
    );
    EXPECT_EQ(
        sign(params, "s3cr3t-demo", SignMethod::kSha256),
        "1BC9A81AB2E844D0E8A0AF31911147D1B619C1DF732468FDD9BBFD0E937B7482"
    );
}

// ---- Properties -------------------------------------------------------------------------------

TEST(Signer, SignParameterIsExcludedFromItsOwnComputation) {
    Params with_sign = kExampleA;
    with_sign.emplace("sign", "WHATEVER");
    EXPECT_EQ(canonical_string(with_sign), canonical_string(kExampleA));
    EXPECT_EQ(
        sign(with_sign, "s3cr3t-demo", SignMethod::kSha256),
        sign(kExampleA, "s3cr3t-demo", SignMethod::kSha256)
    );
}

TEST(Signer, UppercaseNamesSortBeforeLowercase) {
    const Params params = {{"b", "2"}, {"Z", "1"}, {"a", "3"}};
    EXPECT_EQ(canonical_string(params), "Z1a3b2");
}

TEST(Signer, SignatureLengthsAndCase) {
    const std::string sha = sign(kToy, "k", SignMethod::kSha256);
    const std::string md5 = sign(kToy, "k", SignMethod::kMd5);
    const std::string hmac = sign(kToy, "k", SignMethod::kHmacMd5);
    EXPECT_EQ(sha.size(), 64U);
    EXPECT_EQ(md5.size(), 32U);
    EXPECT_EQ(hmac.size(), 32U);
    for (const std::string* s : {&sha, &md5, &hmac}) {
        EXPECT_EQ(s->find_first_not_of("0123456789ABCDEF"), std::string::npos) << *s;
    }
}

TEST(Signer, DifferentSecretGivesDifferentSignature) {
    EXPECT_NE(
        sign(kToy, "helloworld", SignMethod::kSha256), sign(kToy, "hellow0rld", SignMethod::kSha256)
    );
}

TEST(Signer, DigestPrimitivesMatchKnownVectors) {
    // RFC 4231 style edge: empty key and message.
    EXPECT_EQ(
        hmac_sha256_hex("", ""), "B613679A0814D9EC772F95D778C35FC5FF1697C493715653C6C712144292C5AD"
    );
    EXPECT_EQ(md5_hex(""), "D41D8CD98F00B204E9800998ECF8427E");
    EXPECT_EQ(md5_hex("abc"), "900150983CD24FB0D6963F7D28E17F72");
    EXPECT_EQ(
        sha256_hex("abc"), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
    );
    // RFC 2104 test case 2.
    EXPECT_EQ(
        hmac_md5_hex("Jefe", "what do ya want for nothing?"), "750C783E6AB0B503EAA86E310A5DB738"
    );
}

TEST(Signer, SignMethodNamesRoundTrip) {
    for (const SignMethod m : {SignMethod::kSha256, SignMethod::kMd5, SignMethod::kHmacMd5}) {
        EXPECT_EQ(parse_sign_method(to_string(m)), m);
    }
    EXPECT_EQ(to_string(SignMethod::kSha256), "sha256");
    EXPECT_EQ(to_string(SignMethod::kMd5), "md5");
    EXPECT_EQ(to_string(SignMethod::kHmacMd5), "hmac");
    EXPECT_EQ(parse_sign_method("SHA256"), std::nullopt);
    EXPECT_EQ(parse_sign_method("hmac-sha256"), std::nullopt);
}

// ---- form_encode ------------------------------------------------------------------------------

TEST(FormEncode, EncodesReservedBytesAndSpaceAsPercent20) {
    const Params params = {
        {"keywords", "usb cable"},
        {"source_values", "https://a.com/x?y=1&z=2"},
        {"t", "a-b.c_d~e"},
    };
    EXPECT_EQ(
        form_encode(params),
        "keywords=usb%20cable&source_values=https%3A%2F%2Fa.com%2Fx%3Fy%3D1%26z%3D2&t=a-b.c_d~e"
    );
}

TEST(FormEncode, EncodesUtf8BytesAndPlusSign) {
    const Params params = {{"q", "caf\xC3\xA9 +1"}};
    EXPECT_EQ(form_encode(params), "q=caf%C3%A9%20%2B1");
}

TEST(FormEncode, EmptyParamsGiveEmptyBody) {
    EXPECT_EQ(form_encode({}), "");
}

TEST(FormEncode, EncodesNamesToo) {
    const Params params = {{"a b", "1"}, {"sign", "ABC"}};
    EXPECT_EQ(form_encode(params), "a%20b=1&sign=ABC");
}

// ---- trim_credential --------------------------------------------------------------------------

TEST(TrimCredential, StripsSurroundingWhitespaceAndLineEndings) {
    EXPECT_EQ(trim_credential("520934\r\n"), "520934");
    EXPECT_EQ(trim_credential("  \tsecret value \r\n\v\f"), "secret value");
    EXPECT_EQ(trim_credential("\r\n"), "");
    EXPECT_EQ(trim_credential(""), "");
    EXPECT_EQ(trim_credential("abc"), "abc");
}

}  // namespace
}  // namespace scout::upstream
