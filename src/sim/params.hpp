// Request parameters of a /sync call: parsing of the query string and the
// x-www-form-urlencoded body, merged into one sorted map. Pure functions; thread-safe.
#pragma once

#include "sim/failure.hpp"

#include <map>
#include <string>
#include <string_view>

namespace scout::sim {

// Sorted by name, byte-wise (std::string compares as unsigned char), which is exactly the
// order the canonical signing string needs.
using Params = std::map<std::string, std::string, std::less<>>;

// Decodes one x-www-form-urlencoded string ("a=1&b=x+y%21"): percent escapes are decoded,
// '+' is a space, a name without '=' gets an empty value, empty segments are skipped.
// Within one string a repeated name keeps its last value. Fails on malformed escapes or
// characters that may not appear unescaped.
Result<Params> parse_form(std::string_view encoded);

// Merges the request target's query string with a form body. Body values override query
// values of the same name (the TOP SDK put system params in the query, business params in
// the body; the two sets never overlap in practice).
Result<Params> collect_params(std::string_view target, std::string_view form_body);

// Returns the value of `name`, or nullptr when absent.
const std::string* find_param(const Params& params, std::string_view name);

}  // namespace scout::sim
