#include "sim/timestamp.hpp"

#include <charconv>

namespace scout::sim {

namespace {

std::optional<unsigned> fixed_digits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) {
        return std::nullopt;
    }
    unsigned value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    // Howard Hinnant's algorithm.
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse_timestamp_ms(std::string_view text) {
    if (!text.empty() && text.size() <= 15 &&
        text.find_first_not_of("0123456789") == std::string_view::npos) {
        std::int64_t ms = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec == std::errc() && end == text.data() + text.size()) {
            return ms;
        }
        return std::nullopt;
    }
    // yyyy-MM-dd HH:mm:ss (GMT+8) or yyyy-MM-ddTHH:mm:ssZ (UTC)
    const bool local = text.size() == 19 && text[10] == ' ';
    const bool utc = text.size() == 20 && text[10] == 'T' && text[19] == 'Z';
    if ((!local && !utc) || text[4] != '-' || text[7] != '-' || text[13] != ':' ||
        text[16] != ':') {
        return std::nullopt;
    }
    const auto year = fixed_digits(text, 0, 4);
    const auto month = fixed_digits(text, 5, 2);
    const auto day = fixed_digits(text, 8, 2);
    const auto hour = fixed_digits(text, 11, 2);
    const auto minute = fixed_digits(text, 14, 2);
    const auto second = fixed_digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || *month < 1 || *month > 12 ||
        *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    std::int64_t seconds =
        days_from_civil(*year, *month, *day) * 86400 + *hour * 3600LL + *minute * 60LL + *second;
    if (local) {
        seconds -= 8 * 3600;
    }
    return seconds * 1000;
}

}  // namespace scout::sim
