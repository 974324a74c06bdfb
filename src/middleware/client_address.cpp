#include <scout/middleware/client_address.hpp>

#include <algorithm>

namespace scout::middleware {
namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::optional<ip::Address> parse_hop(std::string_view text) {
    text = trim(text);
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        return close == std::string_view::npos ? std::nullopt
                                               : ip::parse(text.substr(1, close - 1));
    }
    const auto colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
        return ip::parse(text.substr(0, colon));  // IPv4 with a port
    }
    return ip::parse(text);
}

std::optional<ip::Address> parse_peer(std::string_view peer) {
    return ip::parse(peer.substr(0, peer.rfind(':')));
}

ProxyList::ProxyList(const std::vector<std::string>& cidrs) {
    for (const auto& text : cidrs) {
        if (auto cidr = ip::parse_cidr(text)) {
            ranges_.push_back(*cidr);
        }
    }
}

bool ProxyList::contains(const ip::Address& address) const {
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const ip::Cidr& c) {
        return c.contains(address);
    });
}

ip::Address ProxyList::client(const ip::Address& peer, std::string_view forwarded_for) const {
    ip::Address client = peer;
    while (contains(client) && !forwarded_for.empty()) {
        const auto comma = forwarded_for.rfind(',');
        const auto hop = parse_hop(
            comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1)
        );
        forwarded_for = forwarded_for.substr(0, comma == std::string_view::npos ? 0 : comma);
        if (!hop) {
            break;
        }
        client = *hop;
    }
    return client;
}

}  // namespace scout::middleware
