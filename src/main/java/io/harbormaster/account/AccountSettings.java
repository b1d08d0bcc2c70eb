package io.harbormaster.account;

import io.harbormaster.common.CborSerializable;
import io.harbormaster.common.EventTags;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * An account's ECS account settings (PutAccountSetting, PutAccountSettingDefault, ...): the values
 * set per principal; the root user's are the account's defaults, and ECS's own defaults stand for
 * what nobody set ({@link #effective}). Entity id: the account id.
 */
public final class AccountSettings
    extends EventSourcedBehaviorWithEnforcedReplies<
        AccountSettings.Command, AccountSettings.Event, AccountSettings.Settings> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "AccountSettings");

  /** The settings ECS defines, with the values each takes and ECS's default. */
  public enum SettingName {
    SERVICE_LONG_ARN_FORMAT("serviceLongArnFormat", "enabled", "enabled", "disabled"),
    TASK_LONG_ARN_FORMAT("taskLongArnFormat", "enabled", "enabled", "disabled"),
    CONTAINER_INSTANCE_LONG_ARN_FORMAT(
        "containerInstanceLongArnFormat", "enabled", "enabled", "disabled"),
    AWSVPC_TRUNKING("awsvpcTrunking", "disabled", "enabled", "disabled"),
    CONTAINER_INSIGHTS("containerInsights", "disabled", "enabled", "disabled", "enhanced"),
    FARGATE_FIPS_MODE("fargateFIPSMode", "disabled", "enabled", "disabled"),
    TAG_RESOURCE_AUTHORIZATION("tagResourceAuthorization", "on", "on", "off"),
    FARGATE_TASK_RETIREMENT_WAIT_PERIOD("fargateTaskRetirementWaitPeriod", "7", "0", "7", "14"),
    /** Read-only: GuardDuty sets it in AWS; nothing does here. */
    GUARD_DUTY_ACTIVATE("guardDutyActivate", "off"),
    DEFAULT_LOG_DRIVER_MODE("defaultLogDriverMode", "non-blocking", "blocking", "non-blocking"),
    FARGATE_EVENT_WINDOWS("fargateEventWindows", "disabled", "enabled", "disabled");

    private final String wireName;
    private final String defaultValue;
    private final List<String> values;

    SettingName(String wireName, String defaultValue, String... values) {
      this.wireName = wireName;
      this.defaultValue = defaultValue;
      this.values = List.of(values);
    }

    public String wireName() {
      return wireName;
    }

    public String defaultValue() {
      return defaultValue;
    }

    /** Whether a user may set it to {@code value} (never, for a read-only setting). */
    public boolean accepts(String value) {
      return values.contains(value);
    }

    /** ECS's SettingType: {@code aws_managed} for what AWS sets, {@code user} for the rest. */
    public String type() {
      return this == GUARD_DUTY_ACTIVATE ? "aws_managed" : "user";
    }

    public static Optional<SettingName> of(String wireName) {
      for (SettingName n : values()) if (n.wireName.equals(wireName)) return Optional.of(n);
      return Optional.empty();
    }
  }

  // ---- protocol ----
  public sealed interface Command extends CborSerializable {}

  /** The caller checked name and value. */
  public record Put(
      String principalArn,
      SettingName name,
      String value,
      Instant at,
      ActorRef<StatusReply<Settings>> replyTo)
      implements Command {}

  public record Delete(
      String principalArn, SettingName name, Instant at, ActorRef<StatusReply<Settings>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<Settings>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  /** Names are kept as ECS spells them, so a setting ECS adds later does not change old events. */
  public record AccountSettingPut(String principalArn, String name, String value, Instant at)
      implements Event {}

  public record AccountSettingDeleted(String principalArn, String name, Instant at)
      implements Event {}

  // ---- state ----
  /** The values set, by principal ARN and then setting name. */
  public record Settings(SortedMap<String, SortedMap<String, String>> byPrincipal)
      implements CborSerializable {
    static final Settings NONE = new Settings(new TreeMap<>());

    public Optional<String> explicit(String principalArn, SettingName name) {
      return Optional.ofNullable(
          byPrincipal
              .getOrDefault(principalArn, Collections.emptySortedMap())
              .get(name.wireName()));
    }

    Settings with(String principalArn, String name, String value) {
      SortedMap<String, SortedMap<String, String>> next = new TreeMap<>(byPrincipal);
      SortedMap<String, String> own =
          new TreeMap<>(next.getOrDefault(principalArn, Collections.emptySortedMap()));
      if (value == null) own.remove(name);
      else own.put(name, value);
      if (own.isEmpty()) next.remove(principalArn);
      else next.put(principalArn, Collections.unmodifiableSortedMap(own));
      return new Settings(Collections.unmodifiableSortedMap(next));
    }
  }

  /**
   * The value that applies to {@code principalArn}: its own, else the root user's (the account's
   * default), else ECS's default.
   */
  public static String effective(
      Settings settings, String rootArn, String principalArn, SettingName name) {
    return settings
        .explicit(principalArn, name)
        .or(() -> settings.explicit(rootArn, name))
        .orElse(name.defaultValue());
  }

  // ---- behaviour ----
  public static void init(ActorSystem<?> system, EventTags tags) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), tags)));
  }

  public static Behavior<Command> create(String accountId, EventTags tags) {
    return new AccountSettings(accountId, tags);
  }

  private final String accountId;
  private final EventTags tags;

  private AccountSettings(String accountId, EventTags tags) {
    super(PersistenceId.of(ENTITY_KEY.name(), accountId));
    this.accountId = accountId;
    this.tags = tags;
  }

  @Override
  public Settings emptyState() {
    return Settings.NONE;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, Settings> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Put.class,
            (s, c) ->
                s.explicit(c.principalArn(), c.name()).filter(c.value()::equals).isPresent()
                    ? Effect().reply(c.replyTo(), StatusReply.success(s))
                    : Effect()
                        .persist(
                            new AccountSettingPut(
                                c.principalArn(), c.name().wireName(), c.value(), c.at()))
                        .thenReply(c.replyTo(), StatusReply::success))
        .onCommand(
            Delete.class,
            (s, c) ->
                s.explicit(c.principalArn(), c.name()).isEmpty()
                    ? Effect().reply(c.replyTo(), StatusReply.success(s))
                    : Effect()
                        .persist(
                            new AccountSettingDeleted(
                                c.principalArn(), c.name().wireName(), c.at()))
                        .thenReply(c.replyTo(), StatusReply::success))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .build();
  }

  @Override
  public EventHandler<Settings, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(AccountSettingPut.class, (s, e) -> s.with(e.principalArn(), e.name(), e.value()))
        .onEvent(AccountSettingDeleted.class, (s, e) -> s.with(e.principalArn(), e.name(), null))
        .build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.forEntity(ENTITY_KEY.name(), accountId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
