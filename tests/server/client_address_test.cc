#include "server/client_address.h"

#include <gtest/gtest.h>

namespace agora::server {
namespace {

TrustedProxies Proxies(std::initializer_list<const char*> cidrs) {
  TrustedProxies proxies;
  for (const char* cidr : cidrs) {
    auto parsed = Cidr::Parse(cidr);
    EXPECT_TRUE(parsed.ok()) << cidr;
    if (parsed.ok()) proxies.push_back(*parsed);
  }
  return proxies;
}

TEST(ClientAddress, AnUntrustedPeerIsTheClientWhateverItSends) {
  TrustedProxies proxies = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("203.0.113.5", "for=198.51.100.1", "198.51.100.2", proxies),
            "203.0.113.5");
  EXPECT_EQ(ClientAddress("203.0.113.5", "", "198.51.100.2", {}), "203.0.113.5");
}

TEST(ClientAddress, BehindATrustedProxyTheForwardedForAddressIsTheClient) {
  TrustedProxies proxies = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("10.1.2.3", "", "198.51.100.7", proxies), "198.51.100.7");
}

TEST(ClientAddress, TheChainIsReadRightToLeftUpToTheFirstUntrustedHop) {
  TrustedProxies proxies = Proxies({"10.0.0.0/8", "192.168.0.0/16"});
  // The client may have put anything first; only what trusted proxies appended counts.
  EXPECT_EQ(ClientAddress("10.0.0.1", "", "1.1.1.1, 198.51.100.7, 192.168.4.4", proxies),
            "198.51.100.7");
  // Every hop trusted: the farthest one.
  EXPECT_EQ(ClientAddress("10.0.0.1", "", "192.168.1.1, 10.9.9.9", proxies), "192.168.1.1");
}

TEST(ClientAddress, ForwardedWinsOverXForwardedForAndMayCarryPortsAndIpv6) {
  TrustedProxies proxies = Proxies({"::1/128", "10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("::1", R"(for=198.51.100.9:4711;proto=https, For="[2001:db8::7]:80")",
                          "203.0.113.1", proxies),
            "2001:db8::7");
  EXPECT_EQ(ClientAddress("10.0.0.2", "for=198.51.100.9;by=10.0.0.2", "", proxies), "198.51.100.9");
}

TEST(ClientAddress, AHopThatIsNoAddressEndsWhatIsBelieved) {
  TrustedProxies proxies = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("10.0.0.1", "", "198.51.100.7, not-an-ip", proxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "for=unknown", "", proxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.1", "", std::string(100'000, 'a'), proxies), "10.0.0.1");
  // No header at all: the proxy itself.
  EXPECT_EQ(ClientAddress("10.0.0.1", "", "", proxies), "10.0.0.1");
}

TEST(ClientAddress, Ipv4MappedPeersMatchIpv4Networks) {
  TrustedProxies proxies = Proxies({"127.0.0.1/32"});
  EXPECT_EQ(ClientAddress("::ffff:127.0.0.1", "", "198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(ClientAddress("::ffff:203.0.113.5", "", "198.51.100.7", proxies), "203.0.113.5");
}

TEST(Cidr, ParsesNetworksAndRefusesAnythingElse) {
  auto net = Cidr::Parse("192.168.0.0/17");
  ASSERT_TRUE(net.ok());
  EXPECT_TRUE(net->contains("192.168.127.255"));
  EXPECT_FALSE(net->contains("192.168.128.0"));
  EXPECT_FALSE(net->contains("::1"));
  auto v6 = Cidr::Parse("2001:db8::/32");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->contains("2001:db8:ffff::1"));
  EXPECT_FALSE(v6->contains("2001:db9::1"));
  for (const char* bad :
       {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "::/129", "host.example", "10.0.0.0/8x"}) {
    EXPECT_FALSE(Cidr::Parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace agora::server
