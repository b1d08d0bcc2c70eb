package io.harbormaster.loadbalancing;

import static io.harbormaster.testing.EntityTestKit.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.common.EventTags;
import io.harbormaster.loadbalancing.LoadBalancer.Command;
import io.harbormaster.loadbalancing.LoadBalancer.Event;
import io.harbormaster.loadbalancing.LoadBalancer.Info;
import io.harbormaster.loadbalancing.LoadBalancer.Listener;
import io.harbormaster.loadbalancing.LoadBalancer.Rule;
import io.harbormaster.loadbalancing.LoadBalancer.State;
import io.harbormaster.loadbalancing.Routing.Action;
import io.harbormaster.loadbalancing.Routing.ActionType;
import io.harbormaster.loadbalancing.Routing.Condition;
import io.harbormaster.loadbalancing.Routing.ConditionField;
import io.harbormaster.loadbalancing.Routing.WeightedTargetGroup;
import io.harbormaster.testing.EntityTestKit;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
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
class LoadBalancerTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("LoadBalancerTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private static final String ID = "0123456789abcdef";
  private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final String TG =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/00000000000000a1";
  private static final Action FORWARD =
      new Action(ActionType.FORWARD, 1, List.of(new WeightedTargetGroup(TG, 1)), true, null);

  private String name;
  private EventSourcedBehaviorTestKit<Command, Event, State> balancer;

  @BeforeEach
  void newLoadBalancer() {
    name = "lb-" + NEXT.incrementAndGet();
    balancer =
        EntityTestKit.create(
            testKit.system(),
            LoadBalancer.create(LoadBalancer.entityId(ACCOUNT, name), new EventTags(4)));
  }

  private Info create(LoadBalancerType type) {
    var spec =
        new LoadBalancer.Spec(
            name, type, "internet-facing", "ipv4", List.of("subnet-1"), List.of());
    return success(
        balancer.<StatusReply<Info>>runCommand(
            r -> new LoadBalancer.Create(ID, spec, List.of(), T0, r)));
  }

  private static Listener listener(String id, int port, ElbProtocol protocol) {
    return new Listener(id, port, protocol, List.of(FORWARD), id + "d", new TreeMap<>());
  }

  private static Rule rule(String id, int priority) {
    return new Rule(
        id,
        priority,
        List.of(new Condition(ConditionField.PATH_PATTERN, List.of("/api/*"))),
        List.of(FORWARD));
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
  void createdProvisioning_thenActivatesItself() {
    Info created = create(LoadBalancerType.APPLICATION);
    assertEquals(LoadBalancer.Status.PROVISIONING, created.status());
    // The entity told itself to activate; the testkit runs that message on the next command.
    Info now = success(balancer.<StatusReply<Info>>runCommand(LoadBalancer.Get::new));
    assertEquals(LoadBalancer.Status.ACTIVE, now.status());
  }

  @Test
  void aListenerPortIsTakenOnce() {
    create(LoadBalancerType.APPLICATION);
    success(
        balancer.<StatusReply<Info>>runCommand(
            r ->
                new LoadBalancer.AddListener(
                    ID, listener("00000000000000b1", 80, ElbProtocol.HTTP), T0, r)));
    assertRefused(
        balancer.runCommand(
            r ->
                new LoadBalancer.AddListener(
                    ID, listener("00000000000000b2", 80, ElbProtocol.HTTP), T0, r)),
        ElbError.DUPLICATE_LISTENER,
        "A listener already exists on this port for this load balancer");
    assertRefused(
        balancer.runCommand(
            r ->
                new LoadBalancer.AddListener(
                    ID, listener("00000000000000b3", 81, ElbProtocol.TCP), T0, r)),
        ElbError.VALIDATION,
        "Protocol 'TCP' is not supported for application load balancers");
    assertRefused(
        balancer.runCommand(
            r ->
                new LoadBalancer.AddListener(
                    "ffffffffffffffff", listener("00000000000000b4", 82, ElbProtocol.HTTP), T0, r)),
        ElbError.LOAD_BALANCER_NOT_FOUND,
        "One or more load balancers not found");
  }

  @Test
  void rulePrioritiesAreUniquePerListener_andSurviveReplay() {
    create(LoadBalancerType.APPLICATION);
    String l = "00000000000000b1";
    success(
        balancer.<StatusReply<Info>>runCommand(
            r -> new LoadBalancer.AddListener(ID, listener(l, 80, ElbProtocol.HTTP), T0, r)));
    success(
        balancer.<StatusReply<Info>>runCommand(
            r -> new LoadBalancer.AddRule(ID, l, rule("00000000000000c1", 10), T0, r)));
    assertRefused(
        balancer.runCommand(
            r -> new LoadBalancer.AddRule(ID, l, rule("00000000000000c2", 10), T0, r)),
        ElbError.PRIORITY_IN_USE,
        "Priority '10' is currently in use");
    success(
        balancer.<StatusReply<Info>>runCommand(
            r -> new LoadBalancer.AddRule(ID, l, rule("00000000000000c2", 20), T0, r)));
    assertRefused(
        balancer.runCommand(
            r ->
                new LoadBalancer.SetRulePriorities(
                    ID, List.of(new LoadBalancer.RulePriority(l, "00000000000000c2", 10)), T0, r)),
        ElbError.PRIORITY_IN_USE,
        "One or more priorities are currently in use");
    Info swapped =
        success(
            balancer.<StatusReply<Info>>runCommand(
                r ->
                    new LoadBalancer.SetRulePriorities(
                        ID,
                        List.of(
                            new LoadBalancer.RulePriority(l, "00000000000000c1", 20),
                            new LoadBalancer.RulePriority(l, "00000000000000c2", 10)),
                        T0,
                        r)));
    assertEquals(20, swapped.listener(l).orElseThrow().rules().get("00000000000000c1").priority());
    balancer.restart();
    assertEquals(
        swapped.listeners(),
        success(balancer.<StatusReply<Info>>runCommand(LoadBalancer.Get::new)).listeners());
  }

  @Test
  void networkLoadBalancersTakeNoRulesNorFixedResponses() {
    create(LoadBalancerType.NETWORK);
    String l = "00000000000000b1";
    success(
        balancer.<StatusReply<Info>>runCommand(
            r -> new LoadBalancer.AddListener(ID, listener(l, 53, ElbProtocol.UDP), T0, r)));
    assertRefused(
        balancer.runCommand(
            r -> new LoadBalancer.AddRule(ID, l, rule("00000000000000c1", 1), T0, r)),
        ElbError.VALIDATION,
        "Rules are not supported for network load balancer listeners");
    Action fixed =
        new Action(
            ActionType.FIXED_RESPONSE,
            1,
            List.of(),
            false,
            new Routing.FixedResponse("200", null, null));
    assertRefused(
        balancer.runCommand(
            r -> new LoadBalancer.ModifyListener(ID, l, null, null, List.of(fixed), T0, r)),
        ElbError.VALIDATION,
        "Action type 'fixed-response' is not supported for network load balancers");
  }

  @Test
  void deleteAnswersWithWhatWasThere_andFreesTheName() {
    create(LoadBalancerType.APPLICATION);
    success(
        balancer.<StatusReply<Info>>runCommand(
            r ->
                new LoadBalancer.AddListener(
                    ID, listener("00000000000000b1", 80, ElbProtocol.HTTP), T0, r)));
    Info deleted =
        success(balancer.<StatusReply<Info>>runCommand(r -> new LoadBalancer.Delete(ID, T0, r)));
    assertEquals(1, deleted.listeners().size());
    assertRefused(
        balancer.runCommand(LoadBalancer.Get::new),
        ElbError.LOAD_BALANCER_NOT_FOUND,
        "One or more load balancers not found");
  }
}
