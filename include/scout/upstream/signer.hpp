// Request signing for the AliExpress Open Platform (canonical string, HMAC-SHA256 / TOP MD5 /
// HMAC-MD5), the x-www-form-urlencoded body and credential trimming. Owned by the upstream
// area; pure functions, thread-safe. Protocol: docs/aliexpress-api.md §2.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace scout::upstream {

// Request parameters, name -> raw (not URL-encoded) UTF-8 value. std::map over std::string
// orders names byte-wise (char_traits<char> compares as unsigned char), which is exactly the
// gateway's canonical order: "foo_bar" < "foobar".
using Params = std::map<std::string, std::string, std::less<>>;

// The parameter that carries the signature; never part of its own computation.
inline constexpr std::string_view kSignParam = "sign";

enum class SignMethod {
    kSha256,   // IOP "sha256": HMAC-SHA256(key = secret, msg = canonical). The default.
    kMd5,      // TOP "md5": MD5(secret + canonical + secret).
    kHmacMd5,  // TOP "hmac": HMAC-MD5(key = secret, msg = canonical). Unverified on /sync.
};

// Wire value of `sign_method`: "sha256", "md5", "hmac".
std::string_view to_string(SignMethod method);

// Inverse of to_string (exact, case-sensitive). "hmac-sha256" is not accepted.
std::optional<SignMethod> parse_sign_method(std::string_view name);

// Concatenation of name+value for every parameter except `sign`, in map (byte-wise) order,
// with no separators and raw values. `api_path` (for path-style APIs such as
// "/auth/token/create") is prepended verbatim when non-empty; method-style calls
// ("aliexpress.affiliate.*") pass none.
std::string canonical_string(const Params& params, std::string_view api_path = {});

// Uppercase hex signature of `params` (excluding `sign`) with `secret`:
// 64 chars for kSha256, 32 for kMd5 / kHmacMd5.
std::string sign(
    const Params& params, std::string_view secret, SignMethod method, std::string_view api_path = {}
);

// application/x-www-form-urlencoded body (or query string) for `params`, in map order:
// name=value pairs joined by '&'. Bytes outside the RFC 3986 unreserved set
// (A-Z a-z 0-9 - . _ ~) are percent-encoded as UTF-8 bytes with uppercase hex; a space is
// always "%20" (never '+'). Includes `sign` if present.
std::string form_encode(const Params& params);

// `value` without leading/trailing whitespace (space, \t, \r, \n, \v, \f): credentials read
// from env files often carry a trailing CR/LF that the gateway reports as a bad app key.
std::string trim_credential(std::string_view value);

// Digest primitives (uppercase hex), exposed for the simulator's verifier and for tests.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
std::string hmac_md5_hex(std::string_view key, std::string_view message);
std::string md5_hex(std::string_view message);
std::string sha256_hex(std::string_view message);

}  // namespace scout::upstream
