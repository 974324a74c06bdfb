// scout-sim's own implementation of the gateway request signature (HMAC-SHA256, TOP MD5
// wrap, TOP HMAC-MD5) and its verification. Deliberately independent of the service's
// upstream signer. Pure functions over OpenSSL libcrypto; thread-safe.
#pragma once

#include "sim/params.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace scout::sim {

enum class SignMethod {
    kSha256,   // "sha256": HMAC-SHA256(key = secret, msg = canonical)
    kMd5,      // "md5": MD5(secret + canonical + secret)
    kHmacMd5,  // "hmac": HMAC-MD5(key = secret, msg = canonical)
};

// Exact, case-sensitive names as sent in `sign_method`.
std::optional<SignMethod> parse_sign_method(std::string_view name);

// name1value1name2value2... over every param except `sign`, sorted by name (byte order),
// raw (decoded) values, preceded by `api_path` when non-empty.
std::string canonical_string(const Params& params, std::string_view api_path = {});

// Uppercase hex digest of the canonical string under `method`.
std::string compute_sign(
    const Params& params, std::string_view secret, SignMethod method, std::string_view api_path = {}
);

// Path prefix rule of the IOP SDK: the API name is prepended only when it contains '/'
// (path-style system APIs); method-style names such as aliexpress.affiliate.* get none.
std::string_view api_path_for(std::string_view method_name);

enum class SignCheck {
    kValid,
    kUnsupportedMethod,  // sign_method missing or not one of sha256 / md5 / hmac
    kMismatch,
};

// Verifies params["sign"] against the signature computed with `secret` and
// params["sign_method"]. Hex comparison is case-insensitive and does not stop early.
SignCheck verify_signature(const Params& params, std::string_view secret);

// Lower-level digests, exposed for tests: uppercase hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
std::string hmac_md5_hex(std::string_view key, std::string_view message);
std::string md5_hex(std::string_view message);
std::string sha256_hex(std::string_view message);

}  // namespace scout::sim
