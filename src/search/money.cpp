#include <scout/core/currency.hpp>
#include <scout/search/money.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>

namespace scout::search {
namespace {

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_ascii_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr char to_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

constexpr std::int64_t pow10(int digits) {
    std::int64_t value = 1;
    for (int i = 0; i < digits; ++i) {
        value *= 10;
    }
    return value;
}

// Byte length of a white-space character at text[pos] (ASCII blank, NBSP, thin space, narrow
// NBSP), 0 if none.
std::size_t space_length(std::string_view text, std::size_t pos) {
    const std::string_view rest = text.substr(pos);
    if (rest.empty()) {
        return 0;
    }
    if (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r') {
        return 1;
    }
    if (rest.starts_with("\u00A0")) {
        return 2;
    }
    if (rest.starts_with("\u2009") || rest.starts_with("\u202F")) {
        return 3;
    }
    return 0;
}

// Words that decorate prices besides ISO codes ("US $", "R$", "Rp", "kr", "Rs", "RM", "TL"...),
// compared upper-case.
constexpr std::array<std::string_view, 20> kCurrencyWords{
    "US", "R",  "RP", "KR", "RS", "RM", "TL", "C",  "A",  "AU",
    "CA", "NZ", "HK", "S",  "SG", "MX", "CN", "NT", "FT", "LEI",
};

// Currency symbols, matched byte for byte.
constexpr std::array<std::string_view, 18> kCurrencySymbols{
    "$",
    "\u20AC",
    "\u00A3",
    "\u00A5",
    "\uFFE5",
    "\u20BD",
    "\u20BA",
    "\u20B9",
    "\u20A9",
    "\u20AB",
    "\u20B4",
    "\u20B1",
    "\u0E3F",
    "\u20AA",
    "\u20B8",
    "\u20A6",
    "\u20BC",
    "\u20BE",
};

// Non-ASCII currency words (may be followed by an abbreviation dot), matched byte for byte.
constexpr std::array<std::string_view, 6> kCurrencyScriptWords{
    "z\u0142",             // zł
    "K\u010D",             // Kč
    "\u0440\u0443\u0431",  // руб
    "\u0433\u0440\u043D",  // грн
    "\u0440",              // р
    "\u0420",              // Р
};

bool starts_with_any(std::string_view text, std::size_t& pos, auto const& candidates) {
    for (const std::string_view candidate : candidates) {
        if (text.substr(pos).starts_with(candidate)) {
            pos += candidate.size();
            return true;
        }
    }
    return false;
}

// Consumes white space and currency decoration at text[pos...]. Stops (returning true) at the
// first thing that is neither; returns false when a three-letter currency code names a
// currency other than `currency`. A word ("Rp", "kr", "руб") may carry a trailing dot; a
// symbol may not (so "$.99" is rejected rather than read as 99).
bool skip_decoration(std::string_view text, std::size_t& pos, std::string_view currency) {
    while (pos < text.size()) {
        if (const std::size_t n = space_length(text, pos); n > 0) {
            pos += n;
            continue;
        }
        if (starts_with_any(text, pos, kCurrencySymbols)) {
            continue;
        }
        bool word = starts_with_any(text, pos, kCurrencyScriptWords);
        if (!word && is_ascii_letter(text[pos])) {
            std::size_t end = pos;
            std::string upper;
            while (end < text.size() && is_ascii_letter(text[end]) && upper.size() <= 3) {
                upper.push_back(to_upper(text[end]));
                ++end;
            }
            if (end < text.size() && is_ascii_letter(text[end])) {
                return true;  // a longer word: not decoration
            }
            if (upper.size() == 3 && currency::find(upper) != nullptr) {
                if (!currency.empty() && upper != currency) {
                    return false;
                }
                word = true;
            } else {
                word = std::find(kCurrencyWords.begin(), kCurrencyWords.end(), upper) !=
                       kCurrencyWords.end();
            }
            if (word) {
                pos = end;
            }
        }
        if (!word) {
            return true;
        }
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
        }
    }
    return true;
}

// Byte length of a range separator at text[pos] ('-', '~', en dash, em dash), 0 if none.
std::size_t range_separator_length(std::string_view text, std::size_t pos) {
    const std::string_view rest = text.substr(pos);
    if (rest.starts_with("-") || rest.starts_with("~")) {
        return 1;
    }
    if (rest.starts_with("\u2013") || rest.starts_with("\u2014")) {
        return 3;
    }
    return 0;
}

constexpr std::size_t kMaxGroups = 8;
constexpr std::size_t kMaxIntegerDigits = 15;

// Parses one number starting at a digit at text[pos]; see parse_price for the grammar.
std::optional<std::int64_t> parse_number(
    std::string_view text, std::size_t& pos, std::string_view currency
) {
    std::array<std::string_view, kMaxGroups> groups{};
    std::array<char, kMaxGroups> separators{};  // separators[k] sits between groups k and k+1
    std::size_t count = 0;
    std::size_t i = pos;
    while (true) {
        const std::size_t start = i;
        while (i < text.size() && is_digit(text[i])) {
            ++i;
        }
        if (i == start || count == kMaxGroups) {
            return std::nullopt;
        }
        groups[count++] = text.substr(start, i - start);
        if (i + 1 < text.size() && (text[i] == '.' || text[i] == ',' || text[i] == '\'') &&
            is_digit(text[i + 1])) {
            separators[count - 1] = text[i];
            ++i;
            continue;
        }
        if (const std::size_t n = space_length(text, i); n > 0) {
            std::size_t end = i + n;
            while (end < text.size() && is_digit(text[end])) {
                ++end;
            }
            if (end - (i + n) == 3) {
                separators[count - 1] = ' ';
                i += n;
                continue;
            }
        }
        break;
    }
    pos = i;

    const std::size_t separator_count = count - 1;
    std::size_t dots = 0;
    std::size_t commas = 0;
    std::size_t last_point = kMaxGroups;  // index of the last '.' or ','
    for (std::size_t k = 0; k < separator_count; ++k) {
        if (separators[k] == '.' || separators[k] == ',') {
            (separators[k] == '.' ? dots : commas) += 1;
            last_point = k;
        }
    }
    const currency::Info* info = currency::find(currency);
    const int digits = info != nullptr ? info->minor_digits : 2;
    const bool decimal_comma = info != nullptr && info->decimal_comma;

    std::size_t decimal_at = kMaxGroups;  // index of the decimal separator, if any
    if (dots > 0 && commas > 0) {
        if (last_point != separator_count - 1 ||
            (separators[last_point] == '.' ? dots : commas) != 1) {
            return std::nullopt;
        }
        decimal_at = last_point;
    } else if (dots + commas == 1 && last_point == separator_count - 1) {
        const char point = separators[last_point];
        const bool other_grouping = separator_count > 1;  // spaces or apostrophes before it
        const bool zero_integer =
            count == 2 && groups[0].find_first_not_of('0') == std::string_view::npos;
        bool is_decimal = true;
        if (groups[count - 1].size() == 3 && !other_grouping && !zero_integer) {
            if (digits == 0 || (point == ',' && !decimal_comma) ||
                (point == '.' && decimal_comma)) {
                is_decimal = false;
            }
        }
        if (is_decimal) {
            decimal_at = last_point;
        }
    }

    // Thousands grouping: every separator except the decimal one, all alike.
    const std::size_t integer_groups = decimal_at == kMaxGroups ? count : decimal_at + 1;
    if (integer_groups > 1) {
        const char grouping = separators[0];
        for (std::size_t k = 0; k + 1 < integer_groups; ++k) {
            if (separators[k] != grouping) {
                return std::nullopt;
            }
        }
        if (groups[0].size() > 3 || groups[0][0] == '0' || groups[integer_groups - 1].size() != 3) {
            return std::nullopt;
        }
        const std::size_t middle = integer_groups > 2 ? groups[1].size() : 3;
        if (middle != 2 && middle != 3) {
            return std::nullopt;
        }
        for (std::size_t k = 1; k + 1 < integer_groups; ++k) {
            if (groups[k].size() != middle) {
                return std::nullopt;
            }
        }
    }

    std::int64_t whole = 0;
    std::size_t significant = 0;
    for (std::size_t k = 0; k < integer_groups; ++k) {
        for (const char c : groups[k]) {
            if (significant > 0 || c != '0') {
                ++significant;
            }
            if (significant > kMaxIntegerDigits) {
                return std::nullopt;
            }
            whole = whole * 10 + (c - '0');
        }
    }
    const std::string_view fraction =
        decimal_at == kMaxGroups ? std::string_view{} : groups[count - 1];
    std::int64_t minor = 0;
    for (int d = 0; d < digits; ++d) {
        const auto index = static_cast<std::size_t>(d);
        minor = minor * 10 + (index < fraction.size() ? fraction[index] - '0' : 0);
    }
    const auto cut = static_cast<std::size_t>(digits);
    if (fraction.size() > cut && fraction[cut] >= '5') {
        minor += 1;  // half-up; the carry flows into the whole part naturally
    }
    return whole * pow10(digits) + minor;
}

}  // namespace

bool is_known_currency(std::string_view code) noexcept {
    return currency::is_known(code);
}

int minor_digits(std::string_view code) noexcept {
    return currency::minor_digits(code);
}

bool uses_decimal_comma(std::string_view code) noexcept {
    const currency::Info* info = currency::find(code);
    return info != nullptr && info->decimal_comma;
}

std::string normalize_currency(std::string_view text) {
    const auto is_blank = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!text.empty() && is_blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_blank(text.back())) {
        text.remove_suffix(1);
    }
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), to_upper);
    return out;
}

std::optional<std::int64_t> parse_price(std::string_view text, std::string_view currency) {
    constexpr std::size_t kMaxPriceText = 256;
    if (text.empty() || text.size() > kMaxPriceText) {
        return std::nullopt;
    }
    std::size_t pos = 0;
    if (!skip_decoration(text, pos, currency) || pos >= text.size() || !is_digit(text[pos])) {
        return std::nullopt;
    }
    auto low = parse_number(text, pos, currency);
    if (!low || !skip_decoration(text, pos, currency)) {
        return std::nullopt;
    }
    if (pos < text.size()) {
        const std::size_t n = range_separator_length(text, pos);
        if (n == 0) {
            return std::nullopt;
        }
        pos += n;
        if (!skip_decoration(text, pos, currency) || pos >= text.size() || !is_digit(text[pos])) {
            return std::nullopt;
        }
        const auto high = parse_number(text, pos, currency);
        if (!high || !skip_decoration(text, pos, currency) || pos != text.size()) {
            return std::nullopt;
        }
        low = std::min(*low, *high);
    }
    return low;
}

std::optional<std::int64_t> parse_decimal_amount(std::string_view text, std::string_view currency) {
    constexpr std::size_t kMaxIntegerDigits = 15;  // with 3 minor digits, far from INT64_MAX
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    const auto digits_only = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), is_digit);
    };
    if (whole.empty() || whole.size() > kMaxIntegerDigits || !digits_only(whole) ||
        (dot != std::string_view::npos && fraction.empty()) || !digits_only(fraction)) {
        return std::nullopt;
    }
    const auto minor = static_cast<std::size_t>(minor_digits(currency));
    // Digits past the currency's minor unit may only be zeros ("100.00" JPY is 100).
    if (fraction.size() > minor &&
        fraction.find_first_not_of('0', minor) != std::string_view::npos) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (const char c : whole) {
        value = value * 10 + (c - '0');
    }
    for (std::size_t i = 0; i < minor; ++i) {
        value = value * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
    return value;
}

std::string format_amount(std::int64_t cents, std::string_view currency) {
    const int digits = minor_digits(currency);
    const bool negative = cents < 0;
    const std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
    const auto scale = static_cast<std::uint64_t>(pow10(digits));
    std::string out = negative ? "-" : "";
    out += std::to_string(magnitude / scale);
    if (digits > 0) {
        std::string fraction = std::to_string(magnitude % scale);
        out.push_back('.');
        out.append(static_cast<std::size_t>(digits) - fraction.size(), '0');
        out += fraction;
    }
    return out;
}

std::int64_t major_to_minor(std::int64_t major, std::string_view currency) noexcept {
    std::int64_t out = 0;
    if (__builtin_mul_overflow(major, pow10(minor_digits(currency)), &out)) {
        return major < 0 ? std::numeric_limits<std::int64_t>::min()
                         : std::numeric_limits<std::int64_t>::max();
    }
    return out;
}

std::optional<std::int64_t> parse_percent_basis_points(std::string_view text) {
    constexpr std::size_t kMaxWholeDigits = 7;  // 9,999,999 % = 999,999,900 bp < 1e9
    std::size_t pos = 0;
    const auto skip_blanks = [&] {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) {
            ++pos;
        }
    };
    skip_blanks();
    std::int64_t whole = 0;
    std::size_t whole_digits = 0;
    while (pos < text.size() && is_digit(text[pos])) {
        whole = whole * 10 + (text[pos] - '0');
        if (++whole_digits > kMaxWholeDigits) {
            return std::nullopt;
        }
        ++pos;
    }
    if (whole_digits == 0) {
        return std::nullopt;
    }
    std::int64_t fraction = 0;
    if (pos + 1 < text.size() && (text[pos] == '.' || text[pos] == ',') &&
        is_digit(text[pos + 1])) {
        ++pos;
        std::size_t fraction_digits = 0;
        bool round_up = false;
        while (pos < text.size() && is_digit(text[pos])) {
            if (fraction_digits < 2) {
                fraction = fraction * 10 + (text[pos] - '0');
            } else if (fraction_digits == 2) {
                round_up = text[pos] >= '5';
            }
            ++fraction_digits;
            ++pos;
        }
        if (fraction_digits == 1) {
            fraction *= 10;
        }
        fraction += round_up ? 1 : 0;
    }
    skip_blanks();
    if (pos < text.size() && text[pos] == '%') {
        ++pos;
    }
    skip_blanks();
    if (pos != text.size()) {
        return std::nullopt;
    }
    return whole * 100 + fraction;
}

}  // namespace scout::search
