#include "endpoints/registry/endpoint_target.h"

#include <gtest/gtest.h>

namespace routesim::endpoints {
namespace {

using routing::EndpointKind;

routing::EndpointConfig config(EndpointKind kind, std::string name) {
  routing::EndpointConfig c;
  c.kind = kind;
  c.name = std::move(name);
  return c;
}

EndpointTarget resolved(const routing::EndpointConfig& c) {
  Result<EndpointTarget> t = resolveTarget(c);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message());
  return t.ok() ? t.value() : EndpointTarget{};
}

TEST(ConnectionStringTest, KeysIgnoreCaseAndValuesKeepEqualsSigns) {
  std::string cs =
      "Endpoint=sb://x.servicebus.windows.net/; sharedaccesskeyname=send;"
      "SharedAccessKey=abc==;EntityPath=q1";
  EXPECT_EQ(connectionStringValue(cs, "endpoint"), "sb://x.servicebus.windows.net/");
  EXPECT_EQ(connectionStringValue(cs, "SharedAccessKeyName"), "send");
  EXPECT_EQ(connectionStringValue(cs, "SharedAccessKey"), "abc==");
  EXPECT_EQ(connectionStringValue(cs, "EntityPath"), "q1");
  EXPECT_EQ(connectionStringValue(cs, "Missing"), "");
  EXPECT_EQ(connectionStringValue("", "Endpoint"), "");
}

TEST(ResolveTargetTest, ServiceBusAndEventHubsFromConnectionStrings) {
  auto c = config(EndpointKind::kServiceBusQueue, "alerts");
  c.connection_string =
      "Endpoint=sb://Contoso-SB.servicebus.windows.net/;SharedAccessKeyName=send;"
      "SharedAccessKey=k;EntityPath=alerts-q";
  EndpointTarget t = resolved(c);
  EXPECT_EQ(t.resource, "Contoso-SB");
  EXPECT_EQ(t.host, "Contoso-SB.servicebus.windows.net");
  EXPECT_EQ(t.entity, "alerts-q");
  EXPECT_TRUE(t.has_key);

  auto eh = config(EndpointKind::kEventHubs, "hot");
  eh.endpoint_uri = "sb://contoso-eh.servicebus.windows.net";
  eh.entity_path = "telemetry";
  t = resolved(eh);
  EXPECT_EQ(t.resource, "contoso-eh");
  EXPECT_EQ(t.entity, "telemetry");
  EXPECT_FALSE(t.has_key);
}

TEST(ResolveTargetTest, StorageFromConnectionStringOrUri) {
  auto c = config(EndpointKind::kStorage, "cold");
  c.container_name = "archive";
  c.connection_string =
      "DefaultEndpointsProtocol=https;AccountName=contosocold;AccountKey=a==;"
      "EndpointSuffix=core.windows.net";
  EndpointTarget t = resolved(c);
  EXPECT_EQ(t.resource, "contosocold");
  EXPECT_EQ(t.host, "contosocold.blob.core.windows.net");
  EXPECT_EQ(t.entity, "archive");
  EXPECT_TRUE(t.has_key);

  auto u = config(EndpointKind::kStorage, "cold");
  u.container_name = "archive";
  u.endpoint_uri = "https://contosocold.blob.core.windows.net/";
  t = resolved(u);
  EXPECT_EQ(t.resource, "contosocold");
  EXPECT_EQ(t.entity, "archive");
}

TEST(ResolveTargetTest, NamesOnlyFallBackToTheEndpointName) {
  auto c = config(EndpointKind::kEventHubs, "hot");
  EndpointTarget t = resolved(c);
  EXPECT_EQ(t.resource, "hot");
  EXPECT_EQ(t.entity, "hot");
  auto s = config(EndpointKind::kStorage, "cold");
  s.container_name = "c1";
  t = resolved(s);
  EXPECT_EQ(t.resource, "cold");
  EXPECT_EQ(t.entity, "c1");
}

TEST(ResolveTargetTest, MalformedStringsSayWhatIsExpected) {
  struct Case {
    EndpointKind kind;
    std::string connection_string;
    std::string endpoint_uri;
    std::string says;
  };
  for (const Case& c : {
           Case{EndpointKind::kServiceBusQueue, "SharedAccessKey=k", "", "no Endpoint=sb://"},
           Case{EndpointKind::kEventHubs, "Endpoint=https://x.servicebus.windows.net/;EntityPath=e",
                "", "must start with sb://"},
           Case{EndpointKind::kEventHubs, "Endpoint=sb://;EntityPath=e", "", "no host name"},
           Case{EndpointKind::kServiceBusTopic, "Endpoint=sb://x.servicebus.windows.net/", "",
                "no entity"},
           Case{EndpointKind::kStorage, "DefaultEndpointsProtocol=https;AccountKey=k", "",
                "no AccountName"},
           Case{EndpointKind::kStorage, "", "http://x.blob.core.windows.net", "https://"},
       }) {
    auto cfg = config(c.kind, "e");
    cfg.connection_string = c.connection_string;
    cfg.endpoint_uri = c.endpoint_uri;
    Result<EndpointTarget> t = resolveTarget(cfg);
    ASSERT_FALSE(t.ok()) << c.connection_string << c.endpoint_uri;
    EXPECT_NE(t.error().message().find(c.says), std::string::npos) << t.error().message();
  }
}

}  // namespace
}  // namespace routesim::endpoints
