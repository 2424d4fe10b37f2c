#include "http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace veto_server {
namespace {

sockaddr_storage address_of(const char* text) {
  sockaddr_storage address{};
  if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in&>(address).sin_addr) == 1) {
    address.ss_family = AF_INET;
  } else {
    EXPECT_EQ(inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6&>(address).sin6_addr), 1)
        << text;
    address.ss_family = AF_INET6;
  }
  return address;
}

std::string client(const char* text) {
  return connection_client(address_of(text));
}

TEST(ConnectionClient, IsTheIpv4Address) {
  EXPECT_EQ(client("192.0.2.1"), client("192.0.2.1"));
  EXPECT_NE(client("192.0.2.1"), client("192.0.2.2"));
  EXPECT_EQ(client("::ffff:192.0.2.1"), client("192.0.2.1"));  // mapped into IPv6
}

TEST(ConnectionClient, IsTheIpv6Slash64) {
  EXPECT_EQ(client("2001:db8:1:2::1"), client("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  EXPECT_NE(client("2001:db8:1:2::1"), client("2001:db8:1:3::1"));
  EXPECT_NE(client("::1"), client("0.0.0.1"));
  EXPECT_NE(client("2001:db8::"), client("32.1.13.184"));  // the same first bytes, other family
}

}  // namespace
}  // namespace veto_server
