// Redis Sentinel discovery for the Redis client: which address is the master now. The reply
// mapping is pure; SentinelList asks its sentinels in turn through a caller-given function (the
// client's connection in production, an in-memory fake in tests). One per client; not
// thread-safe.
#pragma once

#include <scout/cache/redis_client.hpp>
#include <scout/core/asio.hpp>

#include <boost/system/result.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scout::cache {

// A host and port: a sentinel, or the master one names.
struct RedisAddress {
    std::string host;
    int port = 0;

    // "host:port" ("[v6]:port" for an IPv6 address).
    [[nodiscard]] std::string display() const;
    bool operator==(const RedisAddress&) const = default;
};

// "host:port" or "[v6]:port", the port required (1-65535); nullopt otherwise.
std::optional<RedisAddress> parse_redis_address(std::string_view text);

// SENTINEL get-master-addr-by-name: [ip, port] -> the address; nil (the sentinel monitors no
// master of that name) -> kStoreError; an error reply -> kStoreError; another shape -> kProtocol.
boost::system::result<RedisAddress> map_master_addr_reply(const RedisReply& reply);

// ROLE: true for a master, false for a replica or a sentinel; an error reply -> kStoreError;
// another shape -> kProtocol.
boost::system::result<bool> map_role_is_master(const RedisReply& reply);

// A write refused because the server is a replica now (a failover demoted it).
bool is_readonly_reply(const RedisReply& reply);

// The sentinels of one master, in the order they are asked. The first to answer moves to the
// front, so a dead sentinel costs one timeout per outage, not one per discovery (Sentinel
// client guidelines).
class SentinelList {
public:
    // Asks one sentinel for the master's address within its own deadline. Must not be a
    // capturing coroutine lambda (GCC 12): return a named coroutine's awaitable.
    using Ask = std::function<awaitable<boost::system::result<RedisAddress>>(RedisAddress)>;

    // Entries that do not parse as parse_redis_address throw std::invalid_argument.
    explicit SentinelList(const std::vector<std::string>& sentinels);

    // The first answer of the sentinels asked in turn; kUnavailable when none answered.
    // `last_error` (if not null) receives what the last one that failed said, for logs.
    awaitable<boost::system::result<RedisAddress>> find_master(
        Ask ask, std::string* last_error = nullptr
    );

    [[nodiscard]] const std::vector<RedisAddress>& order() const { return sentinels_; }

private:
    std::vector<RedisAddress> sentinels_;
};

}  // namespace scout::cache
