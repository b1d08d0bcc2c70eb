package io.harbormaster.capacity;

import static io.harbormaster.testing.EntityTestKit.assertRefused;
import static io.harbormaster.testing.EntityTestKit.success;
import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.capacity.CapacityProviders.Command;
import io.harbormaster.capacity.CapacityProviders.Event;
import io.harbormaster.capacity.CapacityProviders.Provider;
import io.harbormaster.capacity.CapacityProviders.Providers;
import io.harbormaster.capacity.CapacityProviders.State;
import io.harbormaster.common.EventTags;
import io.harbormaster.testing.EntityTestKit;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class CapacityProvidersTest {
  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("CapacityProvidersTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final AtomicLong NEXT_ACCOUNT = new AtomicLong(300_000_000_000L);
  private EventSourcedBehaviorTestKit<Command, Event, State> providers;

  @BeforeEach
  void newAccount() {
    providers =
        EntityTestKit.create(
            testKit.system(),
            CapacityProviders.create(
                Long.toString(NEXT_ACCOUNT.incrementAndGet()), new EventTags(4)));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, State, StatusReply<Provider>>
      create(String name) {
    return providers.runCommand(
        r ->
            new CapacityProviders.Create(
                name, json("{\"autoScalingGroupArn\":\"arn\"}"), List.of(), T0, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, Event, State, StatusReply<Done>>
      associate(String cluster, String... names) {
    return providers.runCommand(
        r -> new CapacityProviders.Associate(cluster, List.of(names), T0, r));
  }

  @Test
  void createdOnce_namesAwsEcsFargateAreReserved() {
    Provider blue = success(create("blue"));
    assertEquals(CapacityProviders.Status.ACTIVE, blue.status());
    assertRefused(
        create("blue"),
        "ClientException",
        "The specified capacity provider already exists. To change the configuration of an"
            + " existing capacity provider, update the capacity provider.");
    assertRefused(
        create("fargate-x"),
        "InvalidParameterException",
        "The capacity provider name can't be prefixed with \"aws\", \"ecs\", or \"fargate\".");
  }

  @Test
  void aClusterUsesOnlyExistingProviders_andADeleteWaitsUntilNoClusterUsesIt() {
    create("blue");
    assertTrue(associate("c1", "blue", "FARGATE").reply().isSuccess());
    assertTrue(associate("c2", "green").reply().isError());

    var inUse =
        providers.<StatusReply<Provider>>runCommand(
            r -> new CapacityProviders.Delete("blue", T0, r));
    assertTrue(inUse.reply().isError());
    assertTrue(inUse.hasNoEvents());

    associate("c1");
    Provider deleted =
        success(
            providers.<StatusReply<Provider>>runCommand(
                r -> new CapacityProviders.Delete("blue", T0, r)));
    assertEquals(CapacityProviders.Status.INACTIVE, deleted.status());
    assertEquals(CapacityProviders.UpdateStatus.DELETE_COMPLETE, deleted.updateStatus());

    providers.restart();
    Providers back =
        success(providers.<StatusReply<Providers>>runCommand(CapacityProviders.Get::new));
    assertFalse(back.isActive("blue"));
    assertTrue(back.isActive("FARGATE_SPOT"));
    assertEquals(List.of(), back.clustersUsing("blue"));
  }

  @Test
  void anUpdateMergesTheGivenMembers() {
    create("blue");
    Provider updated =
        success(
            providers.<StatusReply<Provider>>runCommand(
                r ->
                    new CapacityProviders.Update(
                        "blue", json("{\"managedScaling\":{\"status\":\"ENABLED\"}}"), T0, r)));
    assertEquals("arn", updated.autoScalingGroupProvider().path("autoScalingGroupArn").asText());
    assertEquals(
        "ENABLED",
        updated.autoScalingGroupProvider().path("managedScaling").path("status").asText());
    assertEquals(CapacityProviders.UpdateStatus.UPDATE_COMPLETE, updated.updateStatus());
  }
}
