// Helpers shared by scout-sim's unit tests: a shared default catalogue, signing and
// request builders. Test-only.
#pragma once

#include "sim/catalogue.hpp"
#include "sim/handler.hpp"
#include "sim/params.hpp"
#include "sim/verifier.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace scout::sim::test {

// The default catalogue (seed 42, 20000 products, default quirks), built once per process.
inline std::shared_ptr<const Catalogue> default_catalogue() {
    static const auto catalogue = std::make_shared<const Catalogue>(CatalogueOptions{});
    return catalogue;
}

// A default-quirk catalogue of 5000 products, built once per process: enough for paging,
// sorting and rendering tests, four times cheaper than the default one.
inline std::shared_ptr<const Catalogue> medium_catalogue() {
    static const auto catalogue = [] {
        CatalogueOptions options;
        options.size = 5000;
        return std::make_shared<const Catalogue>(options);
    }();
    return catalogue;
}

// A small catalogue for tests that do not need volume.
inline std::shared_ptr<const Catalogue> small_catalogue(std::size_t size = 3000) {
    CatalogueOptions options;
    options.size = size;
    return std::make_shared<const Catalogue>(options);
}

// Percent-encoding of everything but unreserved characters (space as %20).
inline std::string percent_encode(std::string_view text) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[u >> 4U]);
            out.push_back(kHex[u & 0xFU]);
        }
    }
    return out;
}

// x-www-form-urlencoded body or query string of `params`.
inline std::string form_encode(const Params& params) {
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) {
            out.push_back('&');
        }
        out += percent_encode(name);
        out.push_back('=');
        out += percent_encode(value);
    }
    return out;
}

inline HttpRequest form_post(const Params& params, std::string target = "/sync") {
    HttpRequest request{boost::beast::http::verb::post, target, 11};
    request.set(
        boost::beast::http::field::content_type, "application/x-www-form-urlencoded;charset=UTF-8"
    );
    request.body() = form_encode(params);
    request.prepare_payload();
    return request;
}

inline HttpRequest get_request(const Params& params) {
    return HttpRequest{boost::beast::http::verb::get, "/sync?" + form_encode(params), 11};
}

inline HttpRequest control_request(
    boost::beast::http::verb verb, std::string target, std::string body = {}
) {
    HttpRequest request{verb, target, 11};
    request.set(boost::beast::http::field::content_type, "application/json");
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

inline constexpr std::string_view kAppKey = "12345678";
inline constexpr std::string_view kSecret = "s3cr3t-demo";
inline constexpr std::int64_t kNowMs = 1700000000000;

// System params for `method` at kNowMs, signed with sha256 after adding `extra`.
inline Params signed_call(std::string_view method, const Params& extra = {}) {
    Params params{
        {"app_key", std::string(kAppKey)},
        {"method", std::string(method)},
        {"timestamp", std::to_string(kNowMs)},
        {"sign_method", "sha256"},
        {"format", "json"},
    };
    for (const auto& [k, v] : extra) {
        params[k] = v;
    }
    params["sign"] = compute_sign(params, kSecret, SignMethod::kSha256);
    return params;
}

}  // namespace scout::sim::test
