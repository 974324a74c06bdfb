// Exact money for the search area: amounts in integer minor units, a table of known currencies
// (ISO 4217 minor digits), a tolerant price-text parser and formatting. Never uses floating
// point. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scout::search {

struct Money {
    std::int64_t cents = 0;  // minor units of `currency` (yen for JPY, cents for USD)
    std::string currency;    // upper-case ISO 4217 code

    bool operator==(const Money&) const = default;
};

// Whether `code` (already normalised, e.g. "USD") is in Scout's currency table: every
// AliExpress target currency plus the common ISO 4217 ones.
bool is_known_currency(std::string_view code) noexcept;

// Decimal digits of the minor unit: 2 for USD, 0 for JPY/KRW/VND/CLP, 3 for KWD... Follows
// ISO 4217 except IDR, which has no subunit in circulation and is shown without decimals (0).
// Unknown codes: 2.
int minor_digits(std::string_view code) noexcept;

// Whether the currency's locales write the decimal separator as a comma (EUR, BRL, RUB, TRY...).
// Used only to resolve ambiguous text such as "1.299" or "1,299". Unknown codes: false.
bool uses_decimal_comma(std::string_view code) noexcept;

// " usd " -> "USD": trims ASCII white space and upper-cases ASCII letters. Does not check the
// code against the table (see is_known_currency).
std::string normalize_currency(std::string_view text);

// Parses a price text into minor units of `currency` (a normalised code; may be empty or
// unknown, then 2 minor digits and a decimal point are assumed). Accepts:
//   "12.99", " 12.99 USD", "US $12.99", "$12.99", "R$ 446,07", "€ 12,99", "12,99",
//   "1,299.00", "1.299,00", "1 299,00", "1'299.00", "Rp 150.000" (IDR), "12.34 - 15.99" (a
//   range: the lower end), "12.3456" (rounded half-up to the currency's minor units).
// A single '.' or ',' followed by exactly three digits is ambiguous; it is a thousands
// separator when the currency has no minor unit, or when it is ',' and the currency uses a
// decimal point, or '.' and the currency uses a decimal comma; otherwise a decimal separator.
// Other separators must group digits by three (or Indian 2-2-3). Currency text may precede or
// follow the number: ISO codes, "US", "R", "Rp", "kr", "zł", "руб", and symbols ($ € £ ¥
// ₽ ₺ ₹ ₩ ₫ ₴ ...). A three-letter code other than `currency` (when given) rejects the
// text. Rejects: empty text, negatives ("-1", "US $-1"), NaN/inf/exponents, garbage, malformed
// grouping, more than 15 integer digits. Zero is accepted ("0.00" -> 0).
std::optional<std::int64_t> parse_price(std::string_view text, std::string_view currency);

// A price a client typed (request parameters): a plain decimal with '.' as the only decimal
// separator whatever the currency ("12", "12.5", "12.50"), in minor units of `currency`. No
// sign, grouping, exponent or currency text; at most 15 integer digits; decimals past the
// currency's minor digits must be zeros ("1.5" is refused in JPY, "100.00" is 100).
std::optional<std::int64_t> parse_decimal_amount(std::string_view text, std::string_view currency);

// Minor units as a plain decimal: (1299, "USD") -> "12.99", (1299, "JPY") -> "1299",
// (5, "USD") -> "0.05". Negative amounts get a leading '-'.
std::string format_amount(std::int64_t cents, std::string_view currency);

// `major` whole units in minor units of `currency`, saturating at INT64_MAX.
std::int64_t major_to_minor(std::int64_t major, std::string_view currency) noexcept;

// Parses a percentage ("95.3%", " 31 %", "7", "99,30%") into basis points (9530), rounding
// half-up past two decimals. Rejects negatives, empty text, garbage and values over 1e9 bp.
std::optional<std::int64_t> parse_percent_basis_points(std::string_view text);

}  // namespace scout::search
