// Fixed exchange rates for the target_currency values listed in the api doc, and the
// decimal-string formatting of prices. Pure functions over constant tables; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace scout::sim {

struct Currency {
    std::string_view code;  // ISO 4217, upper case
    double per_usd;         // units of this currency per 1 USD
};

std::span<const Currency> currencies();

// Case-insensitive lookup; nullptr when the code is not supported.
const Currency* find_currency(std::string_view code);

// Converts an amount in USD cents to hundredths of `currency`, rounding half away from zero.
std::int64_t convert_cents(std::int64_t usd_cents, const Currency& currency);

// 1234 -> "12.34", -350 -> "-3.50"; with `thousands`, 129900 -> "1,299.00".
std::string format_cents(std::int64_t cents, bool thousands = false);

}  // namespace scout::sim
