// IP addresses and CIDR ranges as 16 bytes, IPv4 held v4-mapped (::ffff:a.b.c.d) so that one
// prefix test serves both families. Shared by configuration validation (rate_limit.trusted_
// proxies) and the rate limiter, so they cannot disagree on what a range is. Pure; thread-safe.
#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace scout::ip {

using Address = std::array<std::uint8_t, 16>;

// A bare address: "192.0.2.1" or "2001:db8::1" (no brackets, no port).
inline std::optional<Address> parse(std::string_view text) {
    std::array<char, 46> copy{};  // inet_pton wants a terminated string: no allocation
    if (text.empty() || text.size() >= copy.size()) {
        return std::nullopt;
    }
    std::copy(text.begin(), text.end(), copy.begin());
    Address out{};
    if (text.find(':') != std::string_view::npos) {
        return inet_pton(AF_INET6, copy.data(), out.data()) == 1 ? std::optional(out)
                                                                 : std::nullopt;
    }
    out[10] = out[11] = 0xFF;
    return inet_pton(AF_INET, copy.data(), out.data() + 12) == 1 ? std::optional(out)
                                                                 : std::nullopt;
}

struct Cidr {
    Address network{};
    int prefix = 128;  // bits, over the 16-byte (v4-mapped) form

    [[nodiscard]] bool contains(const Address& address) const {
        const auto whole = static_cast<std::size_t>(prefix / 8);
        if (!std::equal(network.begin(), network.begin() + whole, address.begin())) {
            return false;
        }
        const int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        const auto mask = static_cast<std::uint8_t>(0xFFU << static_cast<unsigned>(8 - rest));
        return (network[whole] & mask) == (address[whole] & mask);
    }
};

// "10.0.0.0/8", "2001:db8::/32", or one address ("192.0.2.7" = /32, "::1" = /128).
inline std::optional<Cidr> parse_cidr(std::string_view text) {
    const auto slash = text.find('/');
    const std::string_view host = text.substr(0, slash);
    const auto network = parse(host);
    if (!network) {
        return std::nullopt;
    }
    const bool v4 = host.find(':') == std::string_view::npos;
    const int max_bits = v4 ? 32 : 128;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const char* end = digits.data() + digits.size();
        const auto [stop, ec] = std::from_chars(digits.data(), end, bits);
        if (digits.empty() || ec != std::errc() || stop != end || bits < 0 || bits > max_bits) {
            return std::nullopt;
        }
    }
    return Cidr{*network, v4 ? bits + 96 : bits};
}

}  // namespace scout::ip
