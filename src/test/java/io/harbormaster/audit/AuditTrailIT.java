package io.harbormaster.audit;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.testing.AdminApi;
import io.harbormaster.testing.AwsCli;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SharedCassandra;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every call of a scripted series is in CloudTrail's {@code lookup-events} with the caller's
 * identity, writes with their response and refusals with their error, also when the node is killed
 * with SIGKILL right after its last answer; one account never sees another's.
 */
@ExtendWith(SharedCassandra.class)
class AuditTrailIT {

  @Test
  void everyAnsweredCallIsInTheTrailAfterKill9() throws Exception {
    AwsCli cli = AwsCli.v2().orElse(null);
    Assumptions.assumeTrue(cli != null, "needs the AWS CLI v2");
    ServerProcess first = ServerProcess.startFirst("audit-before");
    ServerProcess.Credentials team;
    ServerProcess.Credentials other;
    try {
      team = AdminApi.createAccount(first.endpoint(), first.credentials(), "audit-team");
      other = AdminApi.createAccount(first.endpoint(), first.credentials(), "audit-other");
      AwsCli asTeam =
          cli.endpoint(first.endpoint()).credentials(team.accessKeyId(), team.secretAccessKey());
      asTeam.run("ecs", "create-cluster", "--cluster-name", "audited").orFail();
      asTeam.run("ecs", "describe-clusters", "--clusters", "audited").orFail();
      var refused = asTeam.run("ecs", "delete-cluster", "--cluster", "no-such-cluster");
      assertFalse(refused.succeeded(), refused.toString());
      // The last call, answered; the node dies before it could do anything after the answer.
      asTeam
          .run(
              "ecs",
              "tag-resource",
              "--resource-arn",
              clusterArn(asTeam),
              "--tags",
              "key=audit,value=yes")
          .orFail();
    } finally {
      first.kill();
    }

    ServerProcess second = ServerProcess.startFirst("audit-after");
    try (second) {
      AwsCli asTeam =
          cli.endpoint(second.endpoint()).credentials(team.accessKeyId(), team.secretAccessKey());

      JsonNode created = onlyEvent(asTeam, "EventName", "CreateCluster");
      assertEquals("ecs.amazonaws.com", created.get("EventSource").asText());
      assertEquals("false", created.get("ReadOnly").asText());
      assertEquals(team.accessKeyId(), created.get("AccessKeyId").asText());
      assertEquals("root", created.get("Username").asText());
      JsonNode record = JSON.readTree(created.get("CloudTrailEvent").asText());
      assertEquals(team.accountId(), record.at("/userIdentity/accountId").asText());
      assertEquals("Root", record.at("/userIdentity/type").asText());
      assertEquals("audited", record.at("/requestParameters/clusterName").asText());
      assertEquals("audited", record.at("/responseElements/cluster/clusterName").asText());
      assertTrue(record.at("/userAgent").asText().startsWith("aws-cli/2"), record.toString());
      assertEquals("127.0.0.1", record.at("/sourceIPAddress").asText());

      // Several: the script's own and the ones this test makes to find the cluster's ARN.
      JsonNode described = lookup(asTeam, "EventName", "DescribeClusters");
      assertTrue(described.size() >= 2, described.toString());
      for (JsonNode read : described) {
        assertEquals("true", read.get("ReadOnly").asText());
        assertTrue(
            JSON.readTree(read.get("CloudTrailEvent").asText()).get("responseElements").isNull());
      }

      JsonNode refused = onlyEvent(asTeam, "EventName", "DeleteCluster");
      JsonNode refusedRecord = JSON.readTree(refused.get("CloudTrailEvent").asText());
      assertEquals("ClusterNotFoundException", refusedRecord.get("errorCode").asText());

      JsonNode tagged = onlyEvent(asTeam, "EventName", "TagResource");
      assertEquals("TagResource", tagged.get("EventName").asText());

      // By resource: the cluster's ARN names both the creation and the tagging.
      List<String> byResource = names(lookup(asTeam, "ResourceName", clusterArn(asTeam)));
      assertTrue(
          byResource.containsAll(List.of("CreateCluster", "TagResource")), byResource.toString());
      List<String> byKey = names(lookup(asTeam, "AccessKeyId", team.accessKeyId()));
      assertTrue(
          byKey.containsAll(
              List.of("CreateCluster", "DescribeClusters", "DeleteCluster", "TagResource")),
          byKey.toString());

      // Another account sees none of it.
      AwsCli asOther =
          cli.endpoint(second.endpoint()).credentials(other.accessKeyId(), other.secretAccessKey());
      assertEquals(List.of(), names(lookup(asOther, "EventName", "CreateCluster")));

      var twoAttributes =
          asTeam.run(
              "cloudtrail",
              "lookup-events",
              "--lookup-attributes",
              "AttributeKey=EventName,AttributeValue=CreateCluster",
              "AttributeKey=ReadOnly,AttributeValue=false");
      assertFalse(twoAttributes.succeeded());
      assertTrue(
          twoAttributes.stderr().contains("InvalidLookupAttributesException"),
          twoAttributes.toString());
    }
  }

  private static String clusterArn(AwsCli cli) {
    return cli.run("ecs", "describe-clusters", "--clusters", "audited")
        .orFail()
        .at("/clusters/0/clusterArn")
        .asText();
  }

  private static JsonNode lookup(AwsCli cli, String key, String value) {
    return cli.run(
            "cloudtrail",
            "lookup-events",
            "--lookup-attributes",
            "AttributeKey=" + key + ",AttributeValue=" + value)
        .orFail()
        .get("Events");
  }

  private static JsonNode onlyEvent(AwsCli cli, String key, String value) {
    JsonNode events = lookup(cli, key, value);
    assertEquals(1, events.size(), events.toString());
    return events.get(0);
  }

  private static List<String> names(JsonNode events) {
    List<String> names = new ArrayList<>();
    events.forEach(e -> names.add(e.get("EventName").asText()));
    return names;
  }
}
