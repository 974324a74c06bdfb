// The one way to build cache keys (L1 and L2 share them), and the value normalisers the search
// layer applies first, so one logical request maps to one key whatever its parameter order,
// spacing or letter case. Cache area; pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scout::cache {

// Bump when the meaning of a key changes (new parameter, other normalisation): old entries
// then simply stop being found and expire.
inline constexpr int kKeySchemaVersion = 1;

using KeyParams = std::vector<std::pair<std::string, std::string>>;

// Human-readable, unambiguous form of a request: "v1:search:keywords=red%20shoes&page=2".
// Parameters are sorted by name (stable: repeated names keep the caller's order, so sort
// multi-values first if their order does not matter); names and values are percent-encoded
// except for A-Z a-z 0-9 - . _ ~. Values must already be normalised by the caller.
// `kind` ("search", "affiliate_link", "product", ...) must match [a-z0-9_]+ (otherwise
// std::invalid_argument: kinds are constants in the code).
[[nodiscard]] std::string canonical_params(std::string_view kind, KeyParams params);

// The cache key: "v1:" + kind + ":" + 32 hex digits (128 bits of SHA-256 of
// canonical_params). Fixed length per kind, printable, safe as a Redis key.
[[nodiscard]] std::string make_key(std::string_view kind, KeyParams params);

// Search keywords: ASCII whitespace (space, \t \n \v \f \r) trimmed and runs collapsed to one
// space; other ASCII control characters (0x00-0x1F, 0x7F) removed; ASCII letters lower-cased.
// Bytes >= 0x80 (UTF-8 sequences) are kept as they are.
[[nodiscard]] std::string normalize_keywords(std::string_view text);

// Plain decimal numbers in one spelling: optional sign, digits, optional fraction
// ("10.50" -> "10.5", "010" -> "10", "+.5" -> "0.5", "-0.0" -> "0", "7." -> "7"); surrounding
// ASCII whitespace ignored. nullopt for anything else (exponents, hex, "", ".", "1,5", "inf").
[[nodiscard]] std::optional<std::string> canonical_decimal(std::string_view text);

}  // namespace scout::cache
