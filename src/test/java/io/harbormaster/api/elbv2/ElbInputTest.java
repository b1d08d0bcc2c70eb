package io.harbormaster.api.elbv2;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.harbormaster.api.aws.AwsServiceException;
import io.harbormaster.loadbalancing.Routing;
import io.harbormaster.loadbalancing.Routing.Action;
import io.harbormaster.loadbalancing.Routing.ActionType;
import io.harbormaster.loadbalancing.Routing.WeightedTargetGroup;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ElbInputTest {
  private static final String BLUE =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/00000000000000a1";
  private static final String GREEN =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/00000000000000a2";

  @Test
  void forwardToOneGroupOrToWeightedGroups() {
    var actions =
        ElbInput.actions(
            json(
                "{\"DefaultActions\":[{\"Type\":\"forward\",\"ForwardConfig\":{\"TargetGroups\":["
                    + "{\"TargetGroupArn\":\""
                    + BLUE
                    + "\",\"Weight\":90},{\"TargetGroupArn\":\""
                    + GREEN
                    + "\"}]}}]}"),
            "DefaultActions");
    assertEquals(
        List.of(
            new Action(
                ActionType.FORWARD,
                1,
                List.of(new WeightedTargetGroup(BLUE, 90), new WeightedTargetGroup(GREEN, 1)),
                false,
                null)),
        actions);
    var single =
        ElbInput.actions(
            json("{\"A\":[{\"Type\":\"forward\",\"TargetGroupArn\":\"" + BLUE + "\"}]}"), "A");
    assertEquals(List.of(new WeightedTargetGroup(BLUE, 1)), single.get(0).targetGroups());
    assertEquals(java.util.Set.of(BLUE), Routing.targetGroupArns(single));
  }

  @Test
  void fixedResponseNeedsAStatusCode_andUnservedTypesAreRefused() {
    var fixed =
        ElbInput.actions(
            json(
                "{\"A\":[{\"Type\":\"fixed-response\",\"FixedResponseConfig\":{\"StatusCode\":\"503\",\"MessageBody\":\"down\"}}]}"),
            "A");
    assertEquals(new Routing.FixedResponse("503", null, "down"), fixed.get(0).fixedResponse());
    var noStatus =
        assertThrows(
            AwsServiceException.class,
            () ->
                ElbInput.actions(
                    json("{\"A\":[{\"Type\":\"fixed-response\",\"FixedResponseConfig\":{}}]}"),
                    "A"));
    assertEquals("ValidationError", noStatus.code());
    var redirect =
        assertThrows(
            AwsServiceException.class,
            () -> ElbInput.actions(json("{\"A\":[{\"Type\":\"redirect\"}]}"), "A"));
    assertEquals("ValidationError", redirect.code());
  }

  @Test
  void conditionsReadValuesFromEitherForm() {
    var conditions =
        ElbInput.conditions(
            json(
                "{\"C\":[{\"Field\":\"path-pattern\",\"Values\":[\"/a/*\"]},"
                    + "{\"Field\":\"host-header\",\"HostHeaderConfig\":{\"Values\":[\"x.localhost\"]}}]}"),
            "C");
    assertEquals(List.of("/a/*"), conditions.get(0).values());
    assertEquals(List.of("x.localhost"), conditions.get(1).values());
  }

  @Test
  void pagesByNameWithTheNextNameAsMarker() {
    var byName = new TreeMap<String, String>();
    byName.put("a", "arn-a");
    byName.put("b", "arn-b");
    byName.put("c", "arn-c");
    var first = ElbHandlers.page(byName, json("{\"PageSize\":2}"));
    assertEquals(new ElbHandlers.Page(List.of("arn-a", "arn-b"), "c"), first);
    var second = ElbHandlers.page(byName, json("{\"PageSize\":2,\"Marker\":\"c\"}"));
    assertEquals(new ElbHandlers.Page(List.of("arn-c"), null), second);
    assertEquals(
        "ValidationError",
        assertThrows(
                AwsServiceException.class,
                () -> ElbHandlers.page(byName, json("{\"PageSize\":401}")))
            .code());
  }
}
