package io.harbormaster.loadbalancing;

import static io.harbormaster.testing.EntityTestKit.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.loadbalancing.TargetGroup.Command;
import io.harbormaster.loadbalancing.TargetGroup.Event;
import io.harbormaster.loadbalancing.TargetGroup.Info;
import io.harbormaster.loadbalancing.TargetGroup.State;
import io.harbormaster.loadbalancing.TargetGroup.Target;
import io.harbormaster.testing.EntityTestKit;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class TargetGroupTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("TargetGroupTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final String LB_ARN =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef";
  private static final String LISTENER_ARN =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/0123456789abcdef/00000000000000aa";

  private static final String ID = "00000000000000a1";
  private String name;
  private EventSourcedBehaviorTestKit<Command, Event, State> group;

  @BeforeEach
  void newGroup() {
    name = "tg-" + NEXT.incrementAndGet();
    group =
        EntityTestKit.create(
            testKit.system(),
            TargetGroup.create(TargetGroup.entityId(ACCOUNT, name), new EventTags(4)));
  }

  private TargetGroup.Spec spec(ElbProtocol protocol) {
    return new TargetGroup.Spec(
        name, protocol, 80, TargetGroup.TargetType.IP, null, null, HealthCheck.defaults(protocol));
  }

  private Info create(ElbProtocol protocol) {
    return success(
        group.<StatusReply<Info>>runCommand(
            r ->
                new TargetGroup.Create(
                    "00000000000000a1", spec(protocol), List.of(new Tag("k", "v")), T0, r)));
  }

  private static void assertRefused(
      CommandResultWithReply<Command, Event, State, StatusReply<Info>> result,
      ElbError error,
      String message) {
    assertTrue(result.reply().isError(), () -> "expected a refusal, got " + result.reply());
    Optional<ElbRejection> rejection = ElbRejection.of(result.reply().getError());
    assertEquals(Optional.of(error), rejection.map(ElbRejection::error));
    assertEquals(message, rejection.get().getMessage());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void createFillsInElbDefaultsPerProtocol() {
    Info http = create(ElbProtocol.HTTP);
    assertEquals("300", http.attributes().get(TargetGroupAttributes.DEREGISTRATION_DELAY));
    assertEquals("round_robin", http.attributes().get(TargetGroupAttributes.ALGORITHM));
    assertEquals(
        new HealthCheck(true, ElbProtocol.HTTP, "traffic-port", "/", 30, 5, 5, 2, "200"),
        http.spec().healthCheck());
    assertEquals(List.of(new Tag("k", "v")), http.tags());
    assertEquals(
        new HealthCheck(true, ElbProtocol.TCP, "traffic-port", null, 30, 10, 5, 2, null),
        HealthCheck.defaults(ElbProtocol.UDP));
  }

  @Test
  void createAgainIsIdempotent_butOtherSettingsAreADuplicateName() {
    Info first = create(ElbProtocol.HTTP);
    assertEquals(first, create(ElbProtocol.HTTP));
    assertRefused(
        group.runCommand(
            r ->
                new TargetGroup.Create(
                    "00000000000000b2", spec(ElbProtocol.TCP), List.of(), T0, r)),
        ElbError.DUPLICATE_TARGET_GROUP_NAME,
        "A target group with the same name '" + name + "' exists, but with different settings");
  }

  @Test
  void targetsAreUnusedUntilAListenerForwards_thenInitialUntilTheDataPlaneReports() {
    create(ElbProtocol.HTTP);
    Target target = new Target("127.0.0.1", 8080, null);
    Info registered =
        success(
            group.<StatusReply<Info>>runCommand(
                r -> new TargetGroup.RegisterTargets(List.of(target), T0, r)));
    var entry = registered.targets().get("127.0.0.1:8080");
    assertEquals(TargetHealth.State.UNUSED, registered.health(entry, T0).orElseThrow().state());

    Info attached =
        success(
            group.<StatusReply<Info>>runCommand(
                r ->
                    new TargetGroup.Attach(
                        ID,
                        LISTENER_ARN,
                        LB_ARN,
                        LoadBalancerType.APPLICATION,
                        ElbProtocol.HTTP,
                        T0,
                        r)));
    assertEquals(
        new TargetHealth(TargetHealth.State.INITIAL, TargetHealth.Reason.REGISTRATION_IN_PROGRESS),
        attached.health(attached.targets().get("127.0.0.1:8080"), T0).orElseThrow());
    assertEquals(java.util.Set.of(LB_ARN), attached.loadBalancerArns());

    Info reported =
        success(
            group.<StatusReply<Info>>runCommand(
                r ->
                    new TargetGroup.ReportHealth(
                        List.of(
                            new TargetGroup.HealthReport(
                                "127.0.0.1",
                                8080,
                                TargetHealth.Observed.UNHEALTHY,
                                TargetHealth.Reason.TIMEOUT),
                            new TargetGroup.HealthReport(
                                "127.0.0.9", 8080, TargetHealth.Observed.HEALTHY, null)),
                        T0.plusSeconds(30),
                        r)));
    assertEquals(
        new TargetHealth(TargetHealth.State.UNHEALTHY, TargetHealth.Reason.TIMEOUT),
        reported.health(reported.targets().get("127.0.0.1:8080"), T0).orElseThrow());
    assertEquals(1, reported.targets().size(), "a report for an unregistered target is ignored");

    group.restart();
    Info replayed = success(group.<StatusReply<Info>>runCommand(TargetGroup.Get::new));
    assertEquals(reported, replayed);
  }

  @Test
  void deregisteredTargetsDrainForTheDelay_thenAreGone() {
    create(ElbProtocol.HTTP);
    group.<StatusReply<Info>>runCommand(
        r ->
            new TargetGroup.Attach(
                ID, LISTENER_ARN, LB_ARN, LoadBalancerType.APPLICATION, ElbProtocol.HTTP, T0, r));
    Target target = new Target("127.0.0.1", 8080, null);
    group.<StatusReply<Info>>runCommand(
        r -> new TargetGroup.RegisterTargets(List.of(target), T0, r));
    success(
        group.<StatusReply<Info>>runCommand(
            r ->
                new TargetGroup.ModifyAttributes(
                    Map.of(TargetGroupAttributes.DEREGISTRATION_DELAY, "60"), T0, r)));
    Instant leaving = T0.plusSeconds(100);
    Info draining =
        success(
            group.<StatusReply<Info>>runCommand(
                r -> new TargetGroup.DeregisterTargets(List.of(target), leaving, r)));
    var entry = draining.targets().get("127.0.0.1:8080");
    assertEquals(
        TargetHealth.State.DRAINING,
        draining.health(entry, leaving.plusSeconds(59)).orElseThrow().state());
    assertEquals(Optional.empty(), draining.health(entry, leaving.plusSeconds(60)));
    assertEquals(List.of(), draining.currentTargets(leaving.plusSeconds(60)));

    // The next registration forgets what has drained by then.
    Target other = new Target("127.0.0.2", 8080, null);
    Info later =
        success(
            group.<StatusReply<Info>>runCommand(
                r -> new TargetGroup.RegisterTargets(List.of(other), leaving.plusSeconds(61), r)));
    assertEquals(java.util.Set.of("127.0.0.2:8080"), later.targets().keySet());
  }

  @Test
  void oneLoadBalancerTypeOnly_andNoDeleteWhileInUse() {
    create(ElbProtocol.HTTP);
    assertRefused(
        group.runCommand(
            r ->
                new TargetGroup.Attach(
                    ID, LISTENER_ARN, LB_ARN, LoadBalancerType.NETWORK, ElbProtocol.TCP, T0, r)),
        ElbError.INVALID_CONFIGURATION_REQUEST,
        "The target group '"
            + name
            + "' has protocol 'HTTP', which a network load balancer cannot forward to");
    success(
        group.<StatusReply<Info>>runCommand(
            r ->
                new TargetGroup.Attach(
                    ID,
                    LISTENER_ARN,
                    LB_ARN,
                    LoadBalancerType.APPLICATION,
                    ElbProtocol.HTTP,
                    T0,
                    r)));
    assertRefused(
        group.runCommand(r -> new TargetGroup.Delete(T0, r)),
        ElbError.RESOURCE_IN_USE,
        "Target group '" + name + "' is currently in use by a listener or a rule");
    Info detached =
        success(
            group.<StatusReply<Info>>runCommand(r -> new TargetGroup.Detach(LISTENER_ARN, T0, r)));
    assertEquals(null, detached.servedType());
    success(group.<StatusReply<Info>>runCommand(r -> new TargetGroup.Delete(T0, r)));
    assertRefused(
        group.runCommand(TargetGroup.Get::new),
        ElbError.TARGET_GROUP_NOT_FOUND,
        "One or more target groups not found");
  }

  @Test
  void anArnOfAnEarlierGroupOfTheSameNameIsNotFound() {
    create(ElbProtocol.HTTP);
    assertRefused(
        group.runCommand(
            r ->
                new TargetGroup.Attach(
                    "00000000000000ff",
                    LISTENER_ARN,
                    LB_ARN,
                    LoadBalancerType.APPLICATION,
                    ElbProtocol.HTTP,
                    T0,
                    r)),
        ElbError.TARGET_GROUP_NOT_FOUND,
        "One or more target groups not found");
    assertRefused(
        group.runCommand(
            r ->
                new TargetGroup.Attach(
                    ID,
                    LISTENER_ARN,
                    LB_ARN,
                    LoadBalancerType.APPLICATION,
                    ElbProtocol.TCP,
                    T0,
                    r)),
        ElbError.INVALID_CONFIGURATION_REQUEST,
        "Listener protocol 'TCP' is not supported with a target group with the protocol 'HTTP'");
  }

  @Test
  void invalidTargetsAndAttributesAreRefused() {
    create(ElbProtocol.HTTP);
    assertRefused(
        group.runCommand(
            r -> new TargetGroup.RegisterTargets(List.of(new Target("i-0abc", 80, null)), T0, r)),
        ElbError.INVALID_TARGET,
        "The following targets are not valid IP addresses: 'i-0abc'");
    assertRefused(
        group.runCommand(
            r ->
                new TargetGroup.ModifyAttributes(
                    Map.of(TargetGroupAttributes.SLOW_START, "10"), T0, r)),
        ElbError.VALIDATION,
        "'10' is not a valid value for target group attribute 'slow_start.duration_seconds'");
    assertRefused(
        group.runCommand(
            r ->
                new TargetGroup.ModifyHealthCheck(
                    new HealthCheck.Change(null, null, null, null, 5, 5, null, null, null), T0, r)),
        ElbError.VALIDATION,
        "Health check timeout '5' must be smaller than the interval '5'");
  }
}
