#include <scout/core/ip_address.hpp>
#include <scout/middleware/client_address.hpp>

#include <gtest/gtest.h>

namespace scout::middleware {
namespace {

ip::Address addr(std::string_view text) {
    const auto parsed = ip::parse(text);
    EXPECT_TRUE(parsed) << text;
    return parsed.value_or(ip::Address{});
}

TEST(IpAddress, ParsesBothFamiliesIntoOneForm) {
    EXPECT_EQ(addr("192.0.2.1"), addr("::ffff:192.0.2.1"));
    EXPECT_NE(addr("192.0.2.1"), addr("192.0.2.2"));
    EXPECT_FALSE(ip::parse(""));
    EXPECT_FALSE(ip::parse("192.0.2"));
    EXPECT_FALSE(ip::parse("192.0.2.256"));
    EXPECT_FALSE(ip::parse("not-an-ip"));
    EXPECT_FALSE(ip::parse("2001:db8::1::2"));
    EXPECT_FALSE(ip::parse(std::string(100, '1')));
}

TEST(Cidr, MatchesIpv4Ranges) {
    const auto net = ip::parse_cidr("10.0.0.0/8");
    ASSERT_TRUE(net);
    EXPECT_TRUE(net->contains(addr("10.255.1.2")));
    EXPECT_FALSE(net->contains(addr("11.0.0.1")));
    const auto odd = ip::parse_cidr("192.168.4.0/22");  // a prefix inside a byte
    ASSERT_TRUE(odd);
    EXPECT_TRUE(odd->contains(addr("192.168.7.255")));
    EXPECT_FALSE(odd->contains(addr("192.168.8.0")));
    const auto one = ip::parse_cidr("192.0.2.7");
    ASSERT_TRUE(one);
    EXPECT_TRUE(one->contains(addr("192.0.2.7")));
    EXPECT_FALSE(one->contains(addr("192.0.2.8")));
    const auto all = ip::parse_cidr("0.0.0.0/0");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->contains(addr("203.0.113.9")));
    EXPECT_FALSE(all->contains(addr("2001:db8::1")));  // every IPv4, no IPv6
}

TEST(Cidr, MatchesIpv6Ranges) {
    const auto net = ip::parse_cidr("2001:db8::/32");
    ASSERT_TRUE(net);
    EXPECT_TRUE(net->contains(addr("2001:db8:ffff::1")));
    EXPECT_FALSE(net->contains(addr("2001:db9::1")));
    const auto loopback = ip::parse_cidr("::1");
    ASSERT_TRUE(loopback);
    EXPECT_TRUE(loopback->contains(addr("::1")));
    EXPECT_FALSE(loopback->contains(addr("::2")));
    const auto odd = ip::parse_cidr("fd00::/7");
    ASSERT_TRUE(odd);
    EXPECT_TRUE(odd->contains(addr("fc12::1")));
    EXPECT_FALSE(odd->contains(addr("fe80::1")));
}

TEST(Cidr, RejectsMalformedRanges) {
    for (const char* bad :
         {"10.0.0.0/33",
          "10.0.0.0/",
          "10.0.0.0/8x",
          "10.0.0.0/-1",
          "::/129",
          "[::1]/128",
          "",
          "/8",
          "10.0.0.0 /8"}) {
        EXPECT_FALSE(ip::parse_cidr(bad)) << bad;
    }
}

TEST(ClientAddress, ParsesPeersAndHops) {
    EXPECT_EQ(parse_peer("192.0.2.1:5555"), addr("192.0.2.1"));
    EXPECT_EQ(parse_peer("::1:5555"), addr("::1"));
    EXPECT_EQ(parse_peer("2001:db8::7:443"), addr("2001:db8::7"));
    EXPECT_EQ(parse_hop(" 192.0.2.1 "), addr("192.0.2.1"));
    EXPECT_EQ(parse_hop("192.0.2.1:8080"), addr("192.0.2.1"));
    EXPECT_EQ(parse_hop("2001:db8::1"), addr("2001:db8::1"));
    EXPECT_EQ(parse_hop("[2001:db8::1]"), addr("2001:db8::1"));
    EXPECT_EQ(parse_hop("[2001:db8::1]:8080"), addr("2001:db8::1"));
    EXPECT_FALSE(parse_hop("unknown"));
    EXPECT_FALSE(parse_hop("[2001:db8::1"));
    EXPECT_FALSE(parse_hop(""));
}

TEST(ProxyList, UntrustedPeerIsTheClientWhateverItForwards) {
    const ProxyList proxies({"10.0.0.0/8"});
    EXPECT_EQ(proxies.client(addr("203.0.113.5"), "198.51.100.1"), addr("203.0.113.5"));
    EXPECT_EQ(ProxyList{}.client(addr("10.0.0.1"), "198.51.100.1"), addr("10.0.0.1"));
}

TEST(ProxyList, TrustedPeerNamesTheRightmostUntrustedHop) {
    const ProxyList proxies({"10.0.0.0/8", "2001:db8::/32"});
    // The client wrote the first hop itself (a spoof); 198.51.100.7 reached our proxies.
    EXPECT_EQ(
        proxies.client(addr("10.0.0.1"), "1.2.3.4, 198.51.100.7, 10.1.1.1"), addr("198.51.100.7")
    );
    EXPECT_EQ(
        proxies.client(addr("2001:db8::5"), "[2001:db8::9]:80,198.51.100.8"), addr("198.51.100.8")
    );
    // Every hop trusted: the leftmost one.
    EXPECT_EQ(proxies.client(addr("10.0.0.1"), "10.9.9.9, 10.1.1.1"), addr("10.9.9.9"));
    // No header: the proxy itself.
    EXPECT_EQ(proxies.client(addr("10.0.0.1"), ""), addr("10.0.0.1"));
    // A hop that does not parse stops the walk at the last trusted hop.
    EXPECT_EQ(proxies.client(addr("10.0.0.1"), "198.51.100.7, garbage"), addr("10.0.0.1"));
    EXPECT_EQ(proxies.client(addr("10.0.0.1"), "garbage, 10.2.2.2"), addr("10.2.2.2"));
}

}  // namespace
}  // namespace scout::middleware
