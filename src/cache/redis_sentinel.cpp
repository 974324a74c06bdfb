#include <scout/cache/redis_sentinel.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <utility>

namespace scout::cache {

using boost::system::error_code;
using boost::system::result;

std::string RedisAddress::display() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<RedisAddress> parse_redis_address(std::string_view text) {
    // The URL parser knows hosts and ports; a bare address has no userinfo, no db and a port.
    const auto colon = text.rfind(':');
    const auto bracket = text.rfind(']');
    const bool has_port =
        colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
    if (!has_port || text.find_first_of("@/") != std::string_view::npos) {
        return std::nullopt;
    }
    auto url = parse_redis_url("redis://" + std::string(text));
    if (!url) {
        return std::nullopt;
    }
    return RedisAddress{std::move(url->host), url->port};
}

result<RedisAddress> map_master_addr_reply(const RedisReply& reply) {
    if (reply.type == RedisReply::Type::kNil || reply.type == RedisReply::Type::kError) {
        return error_code(cache_errc::kStoreError);
    }
    const bool pair = reply.type == RedisReply::Type::kArray && reply.elements.size() == 2 &&
                      reply.elements[0].type == RedisReply::Type::kString &&
                      reply.elements[1].type == RedisReply::Type::kString;
    if (!pair) {
        return error_code(cache_errc::kProtocol);
    }
    const std::string& host = reply.elements[0].str;
    const std::string& port_text = reply.elements[1].str;
    int port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (host.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
        port < 1 || port > 65535) {
        return error_code(cache_errc::kProtocol);
    }
    return RedisAddress{host, port};
}

result<bool> map_role_is_master(const RedisReply& reply) {
    if (reply.type == RedisReply::Type::kError) {
        return {boost::system::in_place_error, cache_errc::kStoreError};
    }
    if (reply.type != RedisReply::Type::kArray || reply.elements.empty() ||
        reply.elements[0].type != RedisReply::Type::kString) {
        return {boost::system::in_place_error, cache_errc::kProtocol};
    }
    return reply.elements[0].str == "master";
}

bool is_readonly_reply(const RedisReply& reply) {
    return reply.type == RedisReply::Type::kError && reply.str.starts_with("READONLY");
}

SentinelList::SentinelList(const std::vector<std::string>& sentinels) {
    for (const auto& text : sentinels) {
        auto address = parse_redis_address(text);
        if (!address) {
            throw std::invalid_argument("redis: invalid sentinel address (expected host:port)");
        }
        sentinels_.push_back(std::move(*address));
    }
}

awaitable<result<RedisAddress>> SentinelList::find_master(Ask ask, std::string* last_error) {
    for (std::size_t i = 0; i < sentinels_.size(); ++i) {
        const RedisAddress sentinel = sentinels_[i];
        result<RedisAddress> master = co_await ask(sentinel);
        if (master) {
            // The one that answered is asked first next time; the others keep their order.
            std::rotate(
                sentinels_.begin(),
                sentinels_.begin() + static_cast<std::ptrdiff_t>(i),
                sentinels_.begin() + static_cast<std::ptrdiff_t>(i) + 1
            );
            co_return master;
        }
        if (last_error != nullptr) {
            *last_error = sentinel.display() + ": " + master.error().message();
        }
    }
    co_return error_code(cache_errc::kUnavailable);
}

}  // namespace scout::cache
