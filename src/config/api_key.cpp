#include <scout/config/config.hpp>

#include "config/parse.hpp"

#include <algorithm>

namespace scout::config {
namespace {

bool valid_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool parse_digest(std::string_view hex, std::array<unsigned char, 32>& out) {
    if (hex.size() != out.size() * 2) {
        return false;
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int high = hex_digit(hex[2 * i]);
        const int low = hex_digit(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            return false;
        }
        out[i] = static_cast<unsigned char>(high * 16 + low);
    }
    return true;
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
    const std::string_view digest = next_part(rest);
    const auto rate = detail::parse_double(next_part(rest));
    const auto burst = detail::parse_int64(rest);
    if (!valid_id(key.id) || !parse_digest(digest, key.sha256) || !rate || !(*rate > 0) ||
        *rate > 1e6 || !burst || *burst < 1 || *burst > 1'000'000) {
        return std::nullopt;
    }
    key.rate_per_s = *rate;
    key.burst = static_cast<int>(*burst);
    return key;
}

}  // namespace scout::config
