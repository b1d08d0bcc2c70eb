package io.harbormaster.cluster;

import static io.harbormaster.testing.EntityTestKit.assertRefused;
import static io.harbormaster.testing.EntityTestKit.success;
import static io.harbormaster.testing.Json.JSON;
import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.cluster.Cluster.ActiveCluster;
import io.harbormaster.cluster.Cluster.ClusterConfigurationChanged;
import io.harbormaster.cluster.Cluster.ClusterCreated;
import io.harbormaster.cluster.Cluster.ClusterDeleted;
import io.harbormaster.cluster.Cluster.ClusterInfo;
import io.harbormaster.cluster.Cluster.ClusterSettingsChanged;
import io.harbormaster.cluster.Cluster.ClusterSpec;
import io.harbormaster.cluster.Cluster.ClusterTagged;
import io.harbormaster.cluster.Cluster.ClusterUntagged;
import io.harbormaster.cluster.Cluster.Command;
import io.harbormaster.cluster.Cluster.Event;
import io.harbormaster.cluster.Cluster.InactiveCluster;
import io.harbormaster.cluster.Cluster.NoCluster;
import io.harbormaster.cluster.Cluster.Setting;
import io.harbormaster.cluster.Cluster.State;
import io.harbormaster.cluster.Cluster.Status;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.common.Tags;
import io.harbormaster.testing.EntityTestKit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

// One instance, so one actor system: TestKitJUnit5Extension shuts down only the test kit of the
// last instance.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class ClusterTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("ClusterTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private static final Instant CREATED = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant UPDATED = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant DELETED = Instant.parse("2026-11-02T11:00:00Z");
  private static final Instant RECREATED = Instant.parse("2026-11-02T12:00:00Z");
  private static final AtomicInteger NEXT_CLUSTER = new AtomicInteger();

  private String name;
  private EventSourcedBehaviorTestKit<Command, Event, State> cluster;

  /** What the account's directory was told, in order ("ACTIVE", "INACTIVE"). */
  private final List<Status> told = new CopyOnWriteArrayList<>();

  /** The directory's answers, one per telling; when they run out it acknowledges. */
  private final Queue<Supplier<CompletionStage<Done>>> answers = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void newCluster() {
    name = "cluster-" + NEXT_CLUSTER.incrementAndGet();
    told.clear();
    answers.clear();
    Cluster.Directory directory =
        (account, clusterName, status) -> {
          assertEquals(ACCOUNT + "/" + name, account + "/" + clusterName);
          told.add(status);
          Supplier<CompletionStage<Done>> answer = answers.poll();
          return answer != null ? answer.get() : CompletableFuture.completedFuture(Done.done());
        };
    cluster =
        EntityTestKit.create(
            testKit.system(),
            Cluster.create(Cluster.entityId(ACCOUNT, name), new EventTags(4), directory));
  }

  // ---- create and get ----

  @Test
  void createPersistsTheSpecAndRepliesWithAnActiveCluster() {
    ClusterSpec spec = spec();

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Create(spec, CREATED, r));

    ClusterInfo info =
        new ClusterInfo(
            ACCOUNT, spec, Status.ACTIVE, CREATED, java.util.Collections.emptySortedSet());
    assertEquals(info, success(result));
    assertEquals(name, info.name());
    assertEquals(List.of(new ClusterCreated(spec, CREATED)), result.events());
    assertEquals(new ActiveCluster(info), result.state());
  }

  @Test
  void createWithEveryOptionalMemberAbsentKeepsThemAbsent() {
    ClusterSpec bare = new ClusterSpec(name, List.of(), null, null, List.of(), null, List.of());

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Create(bare, CREATED, r));

    assertEquals(
        new ClusterInfo(
            ACCOUNT, bare, Status.ACTIVE, CREATED, java.util.Collections.emptySortedSet()),
        success(result));
    assertEquals(List.of(new ClusterCreated(bare, CREATED)), result.events());
  }

  @Test
  void createOfAnActiveClusterRepliesWithItUnchangedAndPersistsNothing() {
    ClusterInfo original = create(spec());
    ClusterSpec different =
        new ClusterSpec(
            name,
            List.of(new Setting("containerInsights", "enabled")),
            null,
            null,
            List.of("FARGATE"),
            null,
            List.of(new Tag("team", "b")));

    var again =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.Create(different, UPDATED, r));

    assertEquals(original, success(again));
    assertTrue(again.hasNoEvents());
    assertEquals(new ActiveCluster(original), again.state());
  }

  // ---- the account's directory ----

  @Test
  void createIsAnsweredOnceTheAccountsDirectoryListsTheCluster() {
    create(spec());

    assertEquals(List.of(Status.ACTIVE), told);
  }

  @Test
  void aDirectoryThatDoesNotAnswerIsToldAgainUntilItDoes() {
    answers.add(() -> CompletableFuture.failedFuture(new TimeoutException("no answer")));

    ClusterInfo info = create(spec());

    assertEquals(Status.ACTIVE, info.status());
    assertEquals(List.of(Status.ACTIVE, Status.ACTIVE), told);
  }

  @Test
  void aDirectoryThatRefusesFailsTheCreateWithItsRefusal() {
    answers.add(
        () ->
            CompletableFuture.failedFuture(
                new StatusReply.ErrorMessage(
                    "UnrecognizedClientException: The security token included in the request is"
                        + " invalid.")));

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Create(spec(), CREATED, r));

    // The cluster exists; the caller sees the directory's refusal, as before the cluster told it.
    assertTrue(result.reply().isError(), () -> "expected a refusal, got " + result.reply());
    assertEquals(
        "UnrecognizedClientException: The security token included in the request is invalid.",
        result.reply().getError().getMessage());
    assertEquals(Status.ACTIVE, ((ActiveCluster) result.state()).info().status());
    assertEquals(List.of(Status.ACTIVE), told);
  }

  @Test
  void createOfAListedActiveClusterDoesNotTellTheDirectoryAgain() {
    create(spec());

    create(spec());

    assertEquals(List.of(Status.ACTIVE), told);
  }

  @Test
  void deleteIsAnsweredOnceTheDirectoryNoLongerListsTheCluster() {
    create(spec());

    var result = cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Delete(DELETED, r));

    assertEquals(Status.INACTIVE, success(result).status());
    assertEquals(List.of(Status.ACTIVE, Status.INACTIVE), told);
  }

  @Test
  void aRecoveredClusterTellsTheDirectoryAgain() {
    create(spec());

    cluster.restart();

    assertEquals(List.of(Status.ACTIVE, Status.ACTIVE), told);
  }

  @Test
  void getRepliesWithTheClusterAndPersistsNothing() {
    ClusterInfo info = create(spec());

    var result = cluster.<StatusReply<ClusterInfo>>runCommand(Cluster.Get::new);

    assertEquals(info, success(result));
    assertTrue(result.hasNoEvents());
  }

  @Test
  void everyCommandOnAMissingClusterIsRefusedAsClusterNotFound() {
    List<Function<ActorRef<StatusReply<ClusterInfo>>, Command>> commands =
        new ArrayList<>(changes());
    commands.add(Cluster.Get::new);

    for (var command : commands) {
      var result = cluster.runCommand(command);
      assertRefused(result, "ClusterNotFoundException", "Cluster not found.");
      assertEquals(new NoCluster(ACCOUNT), result.state());
    }
  }

  // ---- update ----

  @Test
  void updatedSettingsReplaceSettingsOfTheSameNameAndKeepTheOthers() {
    ClusterSpec spec =
        new ClusterSpec(
            name,
            List.of(new Setting("containerInsights", "disabled"), new Setting("other", "kept")),
            configuration("KMS"),
            null,
            List.of(),
            null,
            List.of());
    create(spec);
    List<Setting> changed =
        List.of(new Setting("containerInsights", "enhanced"), new Setting("added", "new"));

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.Update(changed, null, null, UPDATED, r));

    ClusterSpec expected =
        new ClusterSpec(
            name,
            List.of(
                new Setting("containerInsights", "enhanced"),
                new Setting("other", "kept"),
                new Setting("added", "new")),
            configuration("KMS"),
            null,
            List.of(),
            null,
            List.of());
    ClusterInfo info =
        new ClusterInfo(
            ACCOUNT, expected, Status.ACTIVE, CREATED, java.util.Collections.emptySortedSet());
    assertEquals(info, success(result));
    assertEquals(List.<Event>of(new ClusterSettingsChanged(changed, UPDATED)), result.events());
    assertEquals(new ActiveCluster(info), result.state());
  }

  @Test
  void updatedConfigurationReplacesOnlyTheMembersGiven() {
    JsonNode serviceConnect =
        json("{\"namespace\":\"arn:aws:servicediscovery:us-east-1:123456789012:namespace/x\"}");
    create(
        new ClusterSpec(
            name,
            List.of(new Setting("containerInsights", "enabled")),
            configuration("KMS"),
            serviceConnect,
            List.of(),
            null,
            List.of()));

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.Update(null, configuration("NONE"), null, UPDATED, r));

    ClusterSpec expected =
        new ClusterSpec(
            name,
            List.of(new Setting("containerInsights", "enabled")),
            configuration("NONE"),
            serviceConnect,
            List.of(),
            null,
            List.of());
    assertEquals(
        new ClusterInfo(
            ACCOUNT, expected, Status.ACTIVE, CREATED, java.util.Collections.emptySortedSet()),
        success(result));
    assertEquals(
        List.<Event>of(new ClusterConfigurationChanged(configuration("NONE"), null, UPDATED)),
        result.events());
  }

  @Test
  void updatedServiceConnectDefaultsKeepTheConfiguration() {
    create(
        new ClusterSpec(name, List.of(), configuration("KMS"), null, List.of(), null, List.of()));
    JsonNode serviceConnect = json("{\"namespace\":\"web\"}");

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.Update(null, null, serviceConnect, UPDATED, r));

    ClusterSpec expected =
        new ClusterSpec(
            name, List.of(), configuration("KMS"), serviceConnect, List.of(), null, List.of());
    assertEquals(expected, success(result).spec());
    assertEquals(
        List.<Event>of(new ClusterConfigurationChanged(null, serviceConnect, UPDATED)),
        result.events());
    assertEquals(expected, result.stateOfType(ActiveCluster.class).info().spec());
  }

  @Test
  void updateOfSettingsAndConfigurationPersistsBothChanges() {
    create(spec());
    List<Setting> settings = List.of(new Setting("containerInsights", "enabled"));

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.Update(settings, configuration("NONE"), null, UPDATED, r));

    assertEquals(
        List.of(
            new ClusterSettingsChanged(settings, UPDATED),
            new ClusterConfigurationChanged(configuration("NONE"), null, UPDATED)),
        result.events());
    ClusterSpec spec = success(result).spec();
    assertEquals(settings, spec.settings());
    assertEquals(configuration("NONE"), spec.configuration());
  }

  @Test
  void updateThatChangesNothingPersistsNothing() {
    ClusterInfo info = create(spec());

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.Update(null, null, null, UPDATED, r));

    assertEquals(info, success(result));
    assertTrue(result.hasNoEvents());
  }

  // ---- tags ----

  @Test
  void taggingOverwritesTagsByKeyAndAddsNewOnes() {
    create(spec()); // team=a
    List<Tag> tags = List.of(new Tag("team", "b"), new Tag("env", "prod"));

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.TagResource(tags, r));

    assertEquals(
        List.of(new Tag("team", "b"), new Tag("env", "prod")), success(result).spec().tags());
    assertEquals(List.<Event>of(new ClusterTagged(tags)), result.events());
    assertEquals(success(result), result.stateOfType(ActiveCluster.class).info());
  }

  @Test
  void untaggingRemovesTheGivenKeys() {
    create(spec());
    tag(List.of(new Tag("env", "prod"), new Tag("cost", "42")));

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.UntagResource(List.of("team", "cost", "absent"), r));

    assertEquals(List.of(new Tag("env", "prod")), success(result).spec().tags());
    assertEquals(
        List.<Event>of(new ClusterUntagged(List.of("team", "cost", "absent"))), result.events());
    assertEquals(success(result), result.stateOfType(ActiveCluster.class).info());
  }

  @Test
  void taggingBeyondFiftyTagsIsRefused() {
    create(
        new ClusterSpec(
            name, List.of(), null, null, List.of(), null, tags("k", Tags.MAX_PER_RESOURCE)));
    State before = cluster.getState();

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.TagResource(List.of(new Tag("one-more", "x")), r));

    assertRefused(result, "InvalidParameterException", "A resource can have at most 50 tags.");
    assertEquals(before, result.state());
  }

  @Test
  void overwritingTagsOfAClusterWithFiftyTagsIsAllowed() {
    create(
        new ClusterSpec(
            name, List.of(), null, null, List.of(), null, tags("k", Tags.MAX_PER_RESOURCE)));

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.TagResource(List.of(new Tag("k1", "changed")), r));

    List<Tag> tags = success(result).spec().tags();
    assertEquals(Tags.MAX_PER_RESOURCE, tags.size());
    assertEquals(new Tag("k1", "changed"), tags.get(0));
  }

  @Test
  void tagsAddedInOneRequestCountTowardsTheLimit() {
    create(spec()); // one tag

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r -> new Cluster.TagResource(tags("new", Tags.MAX_PER_RESOURCE), r));

    assertRefused(result, "InvalidParameterException", "A resource can have at most 50 tags.");
  }

  // ---- delete and recreate ----

  @Test
  void deletedClusterIsDescribedAsInactive() {
    ClusterInfo active = create(spec());

    var deleted = cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Delete(DELETED, r));

    ClusterInfo inactive =
        new ClusterInfo(
            ACCOUNT,
            active.spec(),
            Status.INACTIVE,
            CREATED,
            java.util.Collections.emptySortedSet());
    assertEquals(inactive, success(deleted));
    assertEquals(List.<Event>of(new ClusterDeleted(DELETED)), deleted.events());
    assertEquals(new InactiveCluster(inactive), deleted.state());

    var described = cluster.<StatusReply<ClusterInfo>>runCommand(Cluster.Get::new);
    assertEquals(inactive, success(described));
    assertTrue(described.hasNoEvents());
  }

  @Test
  void deletedClusterRefusesEveryChangeAsClusterNotFound() {
    create(spec());
    cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Delete(DELETED, r));
    State inactive = cluster.getState();

    for (var command : changes()) {
      var result = cluster.runCommand(command);
      assertRefused(result, "ClusterNotFoundException", "Cluster not found.");
      assertEquals(inactive, result.state());
    }
  }

  @Test
  void createAfterDeleteBringsBackAFreshActiveCluster() {
    create(spec());
    tag(List.of(new Tag("env", "prod")));
    cluster.<StatusReply<ClusterInfo>>runCommand(
        r ->
            new Cluster.Update(
                List.of(new Setting("containerInsights", "enabled")), null, null, UPDATED, r));
    cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Delete(DELETED, r));
    ClusterSpec fresh =
        new ClusterSpec(name, List.of(), null, null, List.of(), null, List.of(new Tag("new", "1")));

    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Create(fresh, RECREATED, r));

    ClusterInfo info =
        new ClusterInfo(
            ACCOUNT, fresh, Status.ACTIVE, RECREATED, java.util.Collections.emptySortedSet());
    assertEquals(info, success(result));
    assertEquals(List.<Event>of(new ClusterCreated(fresh, RECREATED)), result.events());
    assertEquals(new ActiveCluster(info), result.state());
  }

  // ---- replay ----

  @Test
  void stateSurvivesARestart() {
    create(spec());
    tag(List.of(new Tag("env", "prod")));
    cluster.<StatusReply<ClusterInfo>>runCommand(
        r ->
            new Cluster.Update(
                List.of(new Setting("containerInsights", "enhanced")), null, null, UPDATED, r));
    cluster.<StatusReply<ClusterInfo>>runCommand(
        r ->
            new Cluster.Update(
                null, configuration("KMS"), json("{\"namespace\":\"web\"}"), UPDATED, r));
    cluster.<StatusReply<ClusterInfo>>runCommand(
        r -> new Cluster.UntagResource(List.of("team"), r));
    State before = cluster.getState();

    State after = cluster.restart().state();

    assertEquals(before, after);
    assertEquals(
        ((ActiveCluster) before).info(),
        success(cluster.<StatusReply<ClusterInfo>>runCommand(Cluster.Get::new)));
  }

  @Test
  void deletedAndRecreatedClusterSurvivesARestart() {
    create(spec());
    cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Delete(DELETED, r));
    assertEquals(cluster.getState(), cluster.restart().state());

    cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Create(spec(), RECREATED, r));
    State recreated = cluster.getState();

    assertEquals(recreated, cluster.restart().state());
    assertEquals(RECREATED, ((ActiveCluster) recreated).info().createdAt());
  }

  @Test
  void absentJsonMembersStayAbsentWhenReplayed() {
    ClusterSpec bare = new ClusterSpec(name, List.of(), null, null, List.of(), null, List.of());

    ClusterCreated replayed =
        testKit
            .serializationTestKit()
            .verifySerialization(new ClusterCreated(bare, CREATED), false);

    assertEquals(bare, replayed.spec());
    assertNull(replayed.spec().configuration());
    assertNull(replayed.spec().defaultCapacityProviderStrategy());
  }

  @Test
  void serviceConnectDefaultsChangeKeepsTheConfigurationWhenReplayed() {
    create(spec());
    cluster.<StatusReply<ClusterInfo>>runCommand(
        r -> new Cluster.Update(null, null, json("{\"namespace\":\"web\"}"), UPDATED, r));
    State before = cluster.getState();

    // Recover from the events as a real journal hands them back: through jackson-cbor.
    Object[] replayed =
        cluster
            .persistenceTestKit()
            .persistedInStorage("Cluster|" + Cluster.entityId(ACCOUNT, name))
            .stream()
            .map(event -> testKit.serializationTestKit().verifySerialization(event, false))
            .toArray();
    cluster.initialize(replayed);

    assertEquals(before, cluster.getState());
    assertEquals(
        configuration("KMS"), ((ActiveCluster) cluster.getState()).info().spec().configuration());
  }

  @Test
  void settingsUpdateSentFromAnotherNodeChangesOnlyTheSettings() {
    create(spec());
    List<Setting> settings = List.of(new Setting("containerInsights", "enabled"));

    // Sharding serializes a command for an entity on another node.
    var result =
        cluster.<StatusReply<ClusterInfo>>runCommand(
            r ->
                testKit
                    .serializationTestKit()
                    .verifySerialization(
                        new Cluster.Update(settings, null, null, UPDATED, r), false));

    assertEquals(List.<Event>of(new ClusterSettingsChanged(settings, UPDATED)), result.events());
    assertEquals(configuration("KMS"), success(result).spec().configuration());
  }

  @Test
  void foldingThePersistedEventsWithoutAnEntityGivesTheEntitysState() {
    create(spec());
    tag(List.of(new Tag("env", "prod")));
    cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.JoinInstance("i-1", UPDATED, r));
    cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.LeaveInstance("i-1", UPDATED, r));
    cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Delete(DELETED, r));
    cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Create(spec(), RECREATED, r));

    String entityId = Cluster.entityId(ACCOUNT, name);
    State folded = Cluster.empty(entityId);
    for (Object event : cluster.persistenceTestKit().persistedInStorage("Cluster|" + entityId)) {
      folded = Cluster.applied(folded, (Event) event);
    }

    assertEquals(cluster.getState(), folded);
  }

  @Test
  void settingsMergeByNameAsAPureFunction() {
    ClusterSpec spec =
        new ClusterSpec(
            name,
            List.of(new Setting("a", "1"), new Setting("b", "2")),
            null,
            null,
            List.of(),
            null,
            List.of());

    ClusterSpec merged =
        Cluster.withSettings(spec, List.of(new Setting("b", "3"), new Setting("c", "4")));

    assertEquals(
        List.of(new Setting("a", "1"), new Setting("b", "3"), new Setting("c", "4")),
        merged.settings());
  }

  // ---- helpers ----

  private ClusterSpec spec() {
    return new ClusterSpec(
        name,
        List.of(new Setting("containerInsights", "disabled")),
        configuration("KMS"),
        null,
        List.of(),
        json("[{\"capacityProvider\":\"FARGATE\",\"weight\":1,\"base\":0}]"),
        List.of(new Tag("team", "a")));
  }

  private static JsonNode configuration(String logging) {
    ObjectNode configuration = JSON.createObjectNode();
    ObjectNode execute = configuration.putObject("executeCommandConfiguration");
    execute.put("logging", logging);
    execute.put("kmsKeyId", "alias/ecs");
    return configuration;
  }

  private static List<Tag> tags(String prefix, int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> new Tag(prefix + i, "v" + i)).toList();
  }

  private ClusterInfo create(ClusterSpec spec) {
    return success(
        cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.Create(spec, CREATED, r)));
  }

  private void tag(List<Tag> tags) {
    success(cluster.<StatusReply<ClusterInfo>>runCommand(r -> new Cluster.TagResource(tags, r)));
  }

  /** Every command that changes a cluster other than Create. */
  private static List<Function<ActorRef<StatusReply<ClusterInfo>>, Command>> changes() {
    return List.of(
        r ->
            new Cluster.Update(
                List.of(new Setting("containerInsights", "enabled")), null, null, UPDATED, r),
        r -> new Cluster.Update(null, configuration("NONE"), null, UPDATED, r),
        r -> new Cluster.Delete(DELETED, r),
        r -> new Cluster.TagResource(List.of(new Tag("env", "prod")), r),
        r -> new Cluster.UntagResource(List.of("team"), r));
  }
}
