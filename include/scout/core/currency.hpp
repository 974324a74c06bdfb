// The one table of currencies Scout knows: ISO 4217 code, minor-unit digits and whether the
// usual locales write a decimal comma. Shared by config validation, the search area's money
// code and the upstream request builder, so they can never disagree. Constexpr; thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace scout::currency {

struct Info {
    std::string_view code;  // upper-case ISO 4217
    int minor_digits;       // 2 for USD, 0 for JPY, 3 for KWD
    bool decimal_comma;     // "1.299,00" rather than "1,299.00"
};

// Every AliExpress target currency plus the common ISO 4217 ones. ISO minor digits, except
// IDR: no subunit in circulation, shown without decimals (0). Sorted by code.
inline constexpr std::array<Info, 64> kTable{{
    {"AED", 2, false}, {"ARS", 2, true},  {"AUD", 2, false}, {"AZN", 2, true},  {"BDT", 2, false},
    {"BGN", 2, true},  {"BHD", 3, false}, {"BRL", 2, true},  {"BYN", 2, true},  {"CAD", 2, false},
    {"CHF", 2, false}, {"CLP", 0, true},  {"CNY", 2, false}, {"COP", 2, true},  {"CZK", 2, true},
    {"DKK", 2, true},  {"EGP", 2, false}, {"EUR", 2, true},  {"GBP", 2, false}, {"GEL", 2, true},
    {"HKD", 2, false}, {"HUF", 2, true},  {"IDR", 0, true},  {"ILS", 2, false}, {"INR", 2, false},
    {"ISK", 0, true},  {"JOD", 3, false}, {"JPY", 0, false}, {"KES", 2, false}, {"KRW", 0, false},
    {"KWD", 3, false}, {"KZT", 2, true},  {"LKR", 2, false}, {"MAD", 2, true},  {"MXN", 2, false},
    {"MYR", 2, false}, {"NGN", 2, false}, {"NOK", 2, true},  {"NZD", 2, false}, {"OMR", 3, false},
    {"PEN", 2, false}, {"PHP", 2, false}, {"PKR", 2, false}, {"PLN", 2, true},  {"QAR", 2, false},
    {"RON", 2, true},  {"RSD", 2, true},  {"RUB", 2, true},  {"SAR", 2, false}, {"SEK", 2, true},
    {"SGD", 2, false}, {"THB", 2, false}, {"TND", 3, true},  {"TRY", 2, true},  {"TWD", 2, false},
    {"UAH", 2, true},  {"UGX", 0, false}, {"USD", 2, false}, {"UYU", 2, true},  {"UZS", 2, true},
    {"VND", 0, true},  {"XAF", 0, true},  {"XOF", 0, true},  {"ZAR", 2, true},
}};

static_assert(std::is_sorted(kTable.begin(), kTable.end(), [](const Info& a, const Info& b) {
    return a.code < b.code;
}));

// The entry for an upper-case code, nullptr when the code is not in the table.
constexpr const Info* find(std::string_view code) noexcept {
    const auto* it = std::lower_bound(
        kTable.begin(),
        kTable.end(),
        code,
        [](const Info& info, std::string_view c) { return info.code < c; }
    );
    return (it != kTable.end() && it->code == code) ? it : nullptr;
}

constexpr bool is_known(std::string_view code) noexcept {
    return find(code) != nullptr;
}

// Minor-unit digits of `code`; 2 for codes the table lacks.
constexpr int minor_digits(std::string_view code) noexcept {
    const Info* info = find(code);
    return info != nullptr ? info->minor_digits : 2;
}

}  // namespace scout::currency
