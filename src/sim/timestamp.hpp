// Parsing of the `timestamp` system parameter in the forms the gateway accepts.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace scout::sim {

// Unix milliseconds from: epoch milliseconds ("1700000000000"), TOP local time
// "yyyy-MM-dd HH:mm:ss" (GMT+8), or UTC ISO "yyyy-MM-ddTHH:mm:ssZ". nullopt otherwise.
std::optional<std::int64_t> parse_timestamp_ms(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace scout::sim
