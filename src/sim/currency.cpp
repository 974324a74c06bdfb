#include "sim/currency.hpp"

#include <array>
#include <cmath>
#include <cstdlib>

namespace scout::sim {

namespace {

constexpr std::array<Currency, 19> kCurrencies{{
    {"USD", 1.0},  {"GBP", 0.79},  {"CAD", 1.36},    {"EUR", 0.92},    {"UAH", 41.2},
    {"MXN", 17.1}, {"TRY", 32.5},  {"RUB", 92.0},    {"BRL", 5.05},    {"AUD", 1.52},
    {"INR", 83.3}, {"JPY", 151.0}, {"IDR", 15750.0}, {"SEK", 10.6},    {"KRW", 1335.0},
    {"ILS", 3.7},  {"THB", 36.2},  {"CLP", 940.0},   {"VND", 24600.0},
}};

char upper_ascii(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

std::span<const Currency> currencies() {
    return kCurrencies;
}

const Currency* find_currency(std::string_view code) {
    for (const auto& currency : kCurrencies) {
        if (currency.code.size() != code.size()) {
            continue;
        }
        bool same = true;
        for (std::size_t i = 0; i < code.size(); ++i) {
            if (upper_ascii(code[i]) != currency.code[i]) {
                same = false;
                break;
            }
        }
        if (same) {
            return &currency;
        }
    }
    return nullptr;
}

std::int64_t convert_cents(std::int64_t usd_cents, const Currency& currency) {
    return std::llround(static_cast<double>(usd_cents) * currency.per_usd);
}

std::string format_cents(std::int64_t cents, bool thousands) {
    const bool negative = cents < 0;
    const std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
    const std::string whole = std::to_string(magnitude / 100);
    std::string out;
    if (negative) {
        out.push_back('-');
    }
    if (thousands) {
        for (std::size_t i = 0; i < whole.size(); ++i) {
            if (i > 0 && (whole.size() - i) % 3 == 0) {
                out.push_back(',');
            }
            out.push_back(whole[i]);
        }
    } else {
        out += whole;
    }
    const auto fraction = static_cast<unsigned>(magnitude % 100);
    out.push_back('.');
    out.push_back(static_cast<char>('0' + fraction / 10));
    out.push_back(static_cast<char>('0' + fraction % 10));
    return out;
}

}  // namespace scout::sim
