#include <scout/config/config.hpp>

#include "config/parse.hpp"

#include <algorithm>
#include <charconv>

namespace scout::config {
namespace {

bool valid_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
}

std::optional<std::array<unsigned char, 32>> parse_digest(std::string_view hex) {
    std::array<unsigned char, 32> out{};
    if (hex.size() != out.size() * 2) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        const char* pair = hex.data() + 2 * i;
        const auto [end, ec] = std::from_chars(pair, pair + 2, out[i], 16);
        if (ec != std::errc() || end != pair + 2) {
            return std::nullopt;
        }
    }
    return out;
}

// The next ':'-separated part of `rest`, consumed.
std::string_view next_part(std::string_view& rest) {
    const auto colon = rest.find(':');
    const std::string_view part = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    return part;
}

}  // namespace

std::optional<ApiKey> parse_api_key(std::string_view entry) {
    ApiKey key;
    std::string_view rest = entry;
    key.id = std::string(next_part(rest));
    const auto digest = parse_digest(next_part(rest));
    const auto rate = detail::parse_double(next_part(rest));
    const auto burst = detail::parse_int64(rest);
    if (!valid_id(key.id) || !digest || !rate || !(*rate > 0) || *rate > 1e6 || !burst ||
        *burst < 1 || *burst > 1'000'000) {
        return std::nullopt;
    }
    key.sha256 = *digest;
    key.rate_per_s = *rate;
    key.burst = static_cast<int>(*burst);
    return key;
}

}  // namespace scout::config
