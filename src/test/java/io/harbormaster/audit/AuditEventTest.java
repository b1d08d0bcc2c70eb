package io.harbormaster.audit;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditEventTest {

  @Test
  void readOnlyFollowsAwsActionNames() {
    for (String read :
        List.of(
            "DescribeClusters", "ListTasks", "GetLogEvents", "LookupEvents", "FilterLogEvents")) {
      assertTrue(AuditEvent.isReadOnly(read), read);
    }
    for (String write : List.of("CreateService", "RunTask", "TagResource", "DeleteCluster")) {
      assertFalse(AuditEvent.isReadOnly(write), write);
    }
    assertTrue(AuditEvent.isReadOnly("HarbormasterHistory.ListResourceEvents"));
    assertFalse(AuditEvent.isReadOnly("HarbormasterAdmin.CreateAccessKey"));
  }

  @Test
  void secretsNeverReachTheTrail_atAnyDepth() {
    var stripped =
        AuditEvent.withoutSecrets(
            json(
                "{\"accessKey\":{\"accessKeyId\":\"AKIA1\",\"secretAccessKey\":\"s3cr3t\"},"
                    + "\"list\":[{\"SecretAccessKey\":\"x\",\"keep\":1}],\"Password\":\"p\"}"));
    assertEquals(
        json("{\"accessKey\":{\"accessKeyId\":\"AKIA1\"},\"list\":[{\"keep\":1}]}"), stripped);
  }

  @Test
  void resourcesAreTheArnsAndEcsNamesACallMentions() {
    var resources =
        AuditEvent.resourcesNamed(
            json("{\"cluster\":\"web\",\"taskDefinition\":\"app:3\",\"count\":2}"),
            json(
                "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:111122223333:task/web/abc\","
                    + "\"clusterArn\":\"arn:aws:ecs:us-east-1:111122223333:cluster/web\"}]}"));
    assertEquals(
        List.of(
            new AuditEvent.Resource("AWS::ECS::Cluster", "web"),
            new AuditEvent.Resource("AWS::ECS::TaskDefinition", "app:3"),
            new AuditEvent.Resource(
                "AWS::ECS::Task", "arn:aws:ecs:us-east-1:111122223333:task/web/abc"),
            new AuditEvent.Resource(
                "AWS::ECS::Cluster", "arn:aws:ecs:us-east-1:111122223333:cluster/web")),
        resources);
    assertEquals(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        AuditEvent.typeOfArn(
            "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/0123456789abcdef"));
    assertEquals(
        "AWS::Logs::LogGroup", AuditEvent.typeOfArn("arn:aws:logs:us-east-1:1:log-group:/ecs/web"));
  }

  @Test
  void theRecordHasCloudTrailsShape() {
    AuditEvent event =
        new AuditEvent(
            "e-1",
            Instant.parse("2026-12-07T10:00:00.123Z"),
            "ecs.amazonaws.com",
            "DeleteCluster",
            "us-east-1",
            "127.0.0.1",
            "aws-cli/2.9.19",
            AuditEvent.Identity.root("111122223333", "AKIAEXAMPLE"),
            json("{\"cluster\":\"gone\"}"),
            null,
            "ClusterNotFoundException",
            "Cluster not found.",
            "req-1",
            false,
            List.of(new AuditEvent.Resource("AWS::ECS::Cluster", "gone")));
    var record = event.cloudTrailRecord();
    assertEquals("2026-12-07T10:00:00Z", record.get("eventTime").asText());
    assertEquals("arn:aws:iam::111122223333:root", record.at("/userIdentity/arn").asText());
    assertEquals("AKIAEXAMPLE", record.at("/userIdentity/accessKeyId").asText());
    assertEquals("ClusterNotFoundException", record.get("errorCode").asText());
    assertTrue(record.get("responseElements").isNull());
    assertEquals("req-1", record.get("requestID").asText());
    assertEquals("e-1", record.get("eventID").asText());
    assertEquals("AwsApiCall", record.get("eventType").asText());
    assertEquals("gone", record.at("/resources/0/ARN").asText());
  }

  @Test
  void aLookupMatchesByItsOneAttribute() {
    var stored =
        new AuditTrail.Stored(
            "e-1",
            Instant.EPOCH,
            "RunTask",
            "ecs.amazonaws.com",
            false,
            "AKIA1",
            "root",
            List.of(new AuditEvent.Resource("AWS::ECS::Cluster", "web")),
            json("{}"));
    assertTrue(AuditLookup.ALL.matches(stored));
    assertTrue(new AuditLookup(AuditLookup.Attribute.EVENT_NAME, "RunTask").matches(stored));
    assertFalse(new AuditLookup(AuditLookup.Attribute.EVENT_NAME, "StopTask").matches(stored));
    assertTrue(new AuditLookup(AuditLookup.Attribute.READ_ONLY, "false").matches(stored));
    assertTrue(new AuditLookup(AuditLookup.Attribute.RESOURCE_NAME, "web").matches(stored));
    assertTrue(
        new AuditLookup(AuditLookup.Attribute.RESOURCE_TYPE, "AWS::ECS::Cluster").matches(stored));
    assertTrue(new AuditLookup(AuditLookup.Attribute.USERNAME, "root").matches(stored));
    assertFalse(new AuditLookup(AuditLookup.Attribute.ACCESS_KEY_ID, "AKIA2").matches(stored));
  }
}
