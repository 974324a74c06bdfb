// Who a request comes from, for the rate limiter: the peer address, or - when the peer is a
// trusted proxy - the rightmost X-Forwarded-For hop that is not one (the hops left of it are
// whatever the client wrote, so they cannot be believed). ProxyList is immutable after
// construction; the functions are pure.
#pragma once

#include <scout/core/ip_address.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scout::middleware {

// One X-Forwarded-For hop: "192.0.2.1", "2001:db8::1", "[2001:db8::1]", "192.0.2.1:8080",
// "[2001:db8::1]:8080", with surrounding blanks.
std::optional<ip::Address> parse_hop(std::string_view text);

// The address of RequestContext::client_address ("ip:port", IPv6 unbracketed).
std::optional<ip::Address> parse_peer(std::string_view peer);

class ProxyList {
public:
    ProxyList() = default;
    // Entries that do not parse are skipped (configuration validation rejects them first).
    explicit ProxyList(const std::vector<std::string>& cidrs);

    [[nodiscard]] bool contains(const ip::Address& address) const;

    // The client behind `peer`: `peer` itself unless it is trusted; then the rightmost
    // X-Forwarded-For hop that is not trusted (`forwarded_for` is the comma-joined header),
    // the leftmost when all are, and the last trusted hop walked when one does not parse.
    [[nodiscard]] ip::Address client(const ip::Address& peer, std::string_view forwarded_for) const;

private:
    std::vector<ip::Cidr> ranges_;
};

}  // namespace scout::middleware
