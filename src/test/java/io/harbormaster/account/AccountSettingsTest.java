package io.harbormaster.account;

import static io.harbormaster.testing.EntityTestKit.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.account.AccountSettings.AccountSettingDeleted;
import io.harbormaster.account.AccountSettings.AccountSettingPut;
import io.harbormaster.account.AccountSettings.Command;
import io.harbormaster.account.AccountSettings.Event;
import io.harbormaster.account.AccountSettings.SettingName;
import io.harbormaster.account.AccountSettings.Settings;
import io.harbormaster.common.EventTags;
import io.harbormaster.testing.EntityTestKit;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
class AccountSettingsTest {
  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("AccountSettingsTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final AtomicLong NEXT_ACCOUNT = new AtomicLong(200_000_000_000L);

  private String root;
  private String role;
  private EventSourcedBehaviorTestKit<Command, Event, Settings> settings;

  @BeforeEach
  void newAccount() {
    String accountId = Long.toString(NEXT_ACCOUNT.incrementAndGet());
    root = "arn:aws:iam::" + accountId + ":root";
    role = "arn:aws:iam::" + accountId + ":role/deployer";
    settings =
        EntityTestKit.create(testKit.system(), AccountSettings.create(accountId, new EventTags(4)));
  }

  private Settings put(String principal, SettingName name, String value) {
    return success(
        settings.<StatusReply<Settings>>runCommand(
            r -> new AccountSettings.Put(principal, name, value, T0, r)));
  }

  @Test
  void nothingSet_effectiveIsEcsDefault() {
    Settings none = success(settings.<StatusReply<Settings>>runCommand(AccountSettings.Get::new));
    assertEquals(
        "disabled", AccountSettings.effective(none, root, role, SettingName.CONTAINER_INSIGHTS));
    assertEquals(
        "7",
        AccountSettings.effective(
            none, root, root, SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD));
    assertEquals(
        "on", AccountSettings.effective(none, root, root, SettingName.TAG_RESOURCE_AUTHORIZATION));
  }

  @Test
  void rootsValueIsTheDefault_aPrincipalsOwnValueWins_andSurvivesRestart() {
    var result =
        settings.<StatusReply<Settings>>runCommand(
            r -> new AccountSettings.Put(root, SettingName.CONTAINER_INSIGHTS, "enhanced", T0, r));
    assertEquals(
        List.of(new AccountSettingPut(root, "containerInsights", "enhanced", T0)), result.events());
    assertEquals(
        "enhanced",
        AccountSettings.effective(success(result), root, role, SettingName.CONTAINER_INSIGHTS));

    Settings own = put(role, SettingName.CONTAINER_INSIGHTS, "disabled");
    assertEquals(
        "disabled", AccountSettings.effective(own, root, role, SettingName.CONTAINER_INSIGHTS));

    settings.restart();
    Settings back = success(settings.<StatusReply<Settings>>runCommand(AccountSettings.Get::new));
    assertEquals(own, back);
  }

  @Test
  void putOfTheSameValue_persistsNothing_deleteRemovesOnlyThatPrincipals() {
    put(root, SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD, "14");
    var again =
        settings.<StatusReply<Settings>>runCommand(
            r ->
                new AccountSettings.Put(
                    root, SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD, "14", T0, r));
    assertTrue(again.hasNoEvents());

    put(role, SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD, "0");
    var deleted =
        settings.<StatusReply<Settings>>runCommand(
            r ->
                new AccountSettings.Delete(
                    role, SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD, T0, r));
    assertEquals(
        List.of(new AccountSettingDeleted(role, "fargateTaskRetirementWaitPeriod", T0)),
        deleted.events());
    Settings after = success(deleted);
    assertFalse(after.explicit(role, SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD).isPresent());
    assertEquals(
        "14",
        AccountSettings.effective(
            after, root, role, SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD));
  }

  @Test
  void valuesAreCheckedAsEcsChecksThem() {
    assertTrue(SettingName.CONTAINER_INSIGHTS.accepts("enhanced"));
    assertFalse(SettingName.CONTAINER_INSIGHTS.accepts("on"));
    assertTrue(SettingName.TAG_RESOURCE_AUTHORIZATION.accepts("off"));
    assertFalse(SettingName.FARGATE_TASK_RETIREMENT_WAIT_PERIOD.accepts("3"));
    assertFalse(SettingName.GUARD_DUTY_ACTIVATE.accepts("on"), "read-only");
    assertEquals("aws_managed", SettingName.GUARD_DUTY_ACTIVATE.type());
  }
}
