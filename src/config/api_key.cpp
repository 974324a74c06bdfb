#include <scout/config/config.hpp>

#include "config/parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>

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

// The entry's four parts: from the object form {"id", "sha256_of_key", "rate_per_s",
// "burst"} (a list item kept as its JSON text) or the compact "id:sha256:rate:burst".
struct Parts {
    std::string id;
    std::string digest;
    std::optional<double> rate;
    std::optional<std::int64_t> burst;
};

std::optional<Parts> parts_of(std::string_view entry) {
    if (!entry.starts_with('{')) {
        Parts parts;
        std::string_view rest = entry;
        parts.id = std::string(next_part(rest));
        parts.digest = std::string(next_part(rest));
        parts.rate = detail::parse_double(next_part(rest));
        parts.burst = detail::parse_int64(rest);
        return parts;
    }
    const nlohmann::json object = nlohmann::json::parse(entry, nullptr, false);
    const auto string_at = [&](const char* name) -> const nlohmann::json* {
        const auto it = object.find(name);
        return it != object.end() && it->is_string() ? &*it : nullptr;
    };
    const auto* id = string_at("id");
    const auto* digest = string_at("sha256_of_key");
    const auto rate = object.find("rate_per_s");
    const auto burst = object.find("burst");
    if (!object.is_object() || object.size() != 4 || id == nullptr || digest == nullptr ||
        rate == object.end() || !rate->is_number() || burst == object.end() ||
        !burst->is_number_integer()) {
        return std::nullopt;
    }
    return Parts{
        id->get<std::string>(),
        digest->get<std::string>(),
        rate->get<double>(),
        burst->get<std::int64_t>()};
}

}  // namespace

std::optional<ApiKey> parse_api_key(std::string_view entry) {
    const std::optional<Parts> parts = parts_of(entry);
    if (!parts) {
        return std::nullopt;
    }
    const auto digest = parse_digest(parts->digest);
    const auto& rate = parts->rate;
    const auto& burst = parts->burst;
    if (!valid_id(parts->id) || !digest || !rate || !(*rate > 0) || *rate > 1e6 || !burst ||
        *burst < 1 || *burst > 1'000'000) {
        return std::nullopt;
    }
    ApiKey key;
    key.id = parts->id;
    key.sha256 = *digest;
    key.rate_per_s = *rate;
    key.burst = static_cast<int>(*burst);
    return key;
}

}  // namespace scout::config
