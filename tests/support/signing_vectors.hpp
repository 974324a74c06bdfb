// The request parameters of the signing vectors published in docs/aliexpress-api.md §2.4,
// shared by the tests of both signature implementations (the client's signer and scout-sim's
// independent verifier) and of the requests and handlers built on them. The implementations
// stay separate; only the published data lives here once. Test support, header-only.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace scout::test::vectors {

using Params = std::map<std::string, std::string, std::less<>>;

// Secret of Examples A-C ("s3cr3t-demo") and of the cross-check and toy vectors ("helloworld").
inline constexpr std::string_view kDemoSecret = "s3cr3t-demo";
inline constexpr std::string_view kHelloWorld = "helloworld";

// Example A: IOP product search, signed with HMAC-SHA256 (no `sign` parameter).
inline Params example_a() {
    return {
        {"app_key", "12345678"},
        {"format", "json"},
        {"keywords", "usb cable"},
        {"method", "aliexpress.affiliate.product.query"},
        {"page_no", "1"},
        {"page_size", "20"},
        {"sign_method", "sha256"},
        {"simplify", "false"},
        {"target_currency", "USD"},
        {"target_language", "EN"},
        {"timestamp", "1700000000000"},
        {"tracking_id", "demo_track"},
    };
}
inline constexpr std::string_view kExampleASign =
    "D028CB47EB9DB72F3F66CA263A05E32A8F410C65CCF5843D6FD610DE00C2AD16";

// Example B: the same search through the TOP protocol; `sign_method` is "md5" or "hmac".
inline Params example_b(std::string_view sign_method) {
    return {
        {"app_key", "12345678"},
        {"format", "json"},
        {"keywords", "usb cable"},
        {"method", "aliexpress.affiliate.product.query"},
        {"page_no", "1"},
        {"page_size", "20"},
        {"sign_method", std::string(sign_method)},
        {"target_currency", "USD"},
        {"target_language", "EN"},
        {"timestamp", "2023-11-15 06:13:20"},
        {"tracking_id", "demo_track"},
        {"v", "2.0"},
    };
}

// Example C: link.generate, whose URL value is signed raw.
inline Params example_c() {
    return {
        {"app_key", "12345678"},
        {"method", "aliexpress.affiliate.link.generate"},
        {"promotion_link_type", "0"},
        {"sign_method", "sha256"},
        {"source_values", "https://www.aliexpress.com/item/1005006123456789.html"},
        {"timestamp", "1700000000000"},
        {"tracking_id", "demo_track"},
    };
}

// Third-party cross-check vectors (secret kHelloWorld).
inline Params logistics_with_access_token() {
    return {
        {"access_token", "test"},
        {"aliexpress_category_id", "200135143"},
        {"app_key", "123456"},
        {"method", "aliexpress.logistics.redefining.getonlinelogisticsinfo"},
        {"sign_method", "sha256"},
        {"timestamp", "1517820392000"},
    };
}
// Signed with the API path "/auth/token/create" in front.
inline Params token_create() {
    return {
        {"app_key", "12345678"},
        {"code", "3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26"},
        {"sign_method", "sha256"},
        {"timestamp", "1517820392000"},
    };
}
inline Params category_get() {
    return {
        {"app_key", "12345678"},
        {"method", "aliexpress.affiliate.category.get"},
        {"sign_method", "sha256"},
        {"timestamp", "1517820392000"},
    };
}

// The docs' toy example (secret kHelloWorld).
inline Params toy() {
    return {{"foo", "1"}, {"bar", "2"}, {"foo_bar", "3"}, {"foobar", "4"}};
}

}  // namespace scout::test::vectors
