package io.harbormaster.taskdefinition;

import static io.harbormaster.testing.EntityTestKit.assertRefused;
import static io.harbormaster.testing.EntityTestKit.success;
import static io.harbormaster.testing.Json.JSON;
import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.EventTags;
import io.harbormaster.common.Tag;
import io.harbormaster.common.Tags;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.Command;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.Event;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.Revision;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.RevisionDeletionRequested;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.RevisionDeregistered;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.RevisionRegistered;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.RevisionTagged;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.RevisionUntagged;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.State;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.Status;
import io.harbormaster.testing.EntityTestKit;
import java.time.Instant;
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
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
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
class TaskDefinitionFamilyTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("TaskDefinitionFamilyTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final String ACCOUNT = "123456789012";
  private static final String CALLER = "arn:aws:iam::123456789012:root";
  private static final Instant REGISTERED = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant DEREGISTERED = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant DELETED = Instant.parse("2026-11-02T11:00:00Z");
  private static final String UNABLE_TO_DESCRIBE = "Unable to describe task definition.";
  private static final AtomicInteger NEXT_FAMILY = new AtomicInteger();

  private String family;
  private EventSourcedBehaviorTestKit<Command, Event, State> families;

  /** What the account's directory was told, in order ("1 ACTIVE", "1 INACTIVE"). */
  private final List<String> told = new CopyOnWriteArrayList<>();

  /** The directory's answers, one per telling; when they run out it acknowledges. */
  private final Queue<Supplier<CompletionStage<Done>>> answers = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void newFamily() {
    family = "web-" + NEXT_FAMILY.incrementAndGet();
    told.clear();
    answers.clear();
    TaskDefinitionFamily.Directory directory =
        (account, familyName, revision, status) -> {
          assertEquals(ACCOUNT + "/" + family, account + "/" + familyName);
          told.add(revision + " " + status);
          Supplier<CompletionStage<Done>> answer = answers.poll();
          return answer != null ? answer.get() : CompletableFuture.completedFuture(Done.done());
        };
    families =
        EntityTestKit.create(
            testKit.system(),
            TaskDefinitionFamily.create(
                TaskDefinitionFamily.entityId(ACCOUNT, family), new EventTags(4), directory));
  }

  // ---- the account's directory ----

  @Test
  void registerIsAnsweredOnceTheDirectoryListsTheRevision() {
    CompletableFuture<Done> directoryAnswer = new CompletableFuture<>();
    answers.add(() -> directoryAnswer);
    TestProbe<StatusReply<Revision>> caller = testKit.createTestProbe();

    families.runCommand(
        new TaskDefinitionFamily.Register(
            definition("nginx:1.1"), List.of(), CALLER, REGISTERED, caller.ref()));

    assertEquals(List.of("1 ACTIVE"), told);
    caller.expectNoMessage(java.time.Duration.ofMillis(200));
    directoryAnswer.complete(Done.done());
    assertEquals(Status.ACTIVE, caller.receiveMessage().getValue().status());
  }

  @Test
  void aDirectoryThatDoesNotAnswerIsToldAgainUntilItDoes() {
    answers.add(() -> CompletableFuture.failedFuture(new TimeoutException("no answer")));

    Revision registered = register(definition("nginx:1.1"));

    assertEquals(Status.ACTIVE, registered.status());
    assertEquals(List.of("1 ACTIVE", "1 ACTIVE"), told);
  }

  @Test
  void aDirectoryThatRefusesFailsTheRegistrationWithItsRefusal() {
    answers.add(
        () ->
            CompletableFuture.failedFuture(
                new StatusReply.ErrorMessage(
                    "UnrecognizedClientException: The security token included in the request is"
                        + " invalid.")));

    var result =
        families.<StatusReply<Revision>>runCommand(
            r ->
                new TaskDefinitionFamily.Register(
                    definition("nginx:1.1"), List.of(), CALLER, REGISTERED, r));

    assertTrue(result.reply().isError(), () -> "expected a refusal, got " + result.reply());
    assertEquals(
        "UnrecognizedClientException: The security token included in the request is invalid.",
        result.reply().getError().getMessage());
    assertEquals(List.of("1 ACTIVE"), told);
  }

  @Test
  void deregisterIsAnsweredOnceTheDirectoryListsTheRevisionInactive() {
    register(definition("nginx:1.1"));

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Deregister(1, DEREGISTERED, r));

    assertEquals(Status.INACTIVE, success(result).status());
    assertEquals(List.of("1 ACTIVE", "1 INACTIVE"), told);
  }

  @Test
  void aRecoveredFamilyTellsTheDirectoryItsLatestRevisionAgain() {
    register(definition("nginx:1.1"));
    register(definition("nginx:1.2"));

    families.restart();

    assertEquals(List.of("1 ACTIVE", "2 ACTIVE", "2 ACTIVE"), told);
  }

  // ---- register and get ----

  @Test
  void registerNumbersRevisionsFromOne() {
    for (int n = 1; n <= 3; n++) {
      JsonNode definition = definition("nginx:1." + n);
      List<Tag> tags = List.of(new Tag("build", Integer.toString(n)));
      Instant at = REGISTERED.plusSeconds(n);

      var result =
          families.<StatusReply<Revision>>runCommand(
              r -> new TaskDefinitionFamily.Register(definition, tags, CALLER, at, r));

      Revision revision =
          new Revision(family, n, definition, Status.ACTIVE, tags, CALLER, at, null, null);
      assertEquals(revision, success(result));
      assertEquals(
          List.<Event>of(new RevisionRegistered(n, definition, tags, CALLER, at)), result.events());
      assertEquals(n, result.state().revisions().size());
      assertEquals(revision, result.state().revisions().get(n - 1));
    }
  }

  @Test
  void definitionComesBackExactlyAsRegistered() {
    JsonNode definition =
        json(
            """
        {"family":"web","cpu":"0.25 vCPU","memory":"512","networkMode":"awsvpc",
         "containerDefinitions":[{"name":"app","image":"nginx:1.27","cpu":0,"essential":true,
           "environment":[{"name":"RATIO","value":"0.5"}],"portMappings":[{"containerPort":80,"protocol":"tcp"}],
           "healthCheck":{"command":["CMD-SHELL","curl -f http://localhost/ || exit 1"],"interval":30},
           "dockerLabels":{"team":"web","empty":""},"ulimits":[{"name":"nofile","softLimit":1024,"hardLimit":65536}],
           "stopTimeout":120,"entryPoint":null}],
         "volumes":[],"placementConstraints":[],"requiresCompatibilities":["EC2"],"ephemeralStorage":{"sizeInGiB":21},
         "runtimePlatform":{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"},"weight":1.75,
         "big":12345678901234}
        """);
    var registered =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Register(definition, List.of(), CALLER, REGISTERED, r));

    // What the journal gives back on replay, and what a reply carries to another node.
    Event replayed = testKit.serializationTestKit().verifySerialization(registered.event(), false);
    Revision described =
        testKit.serializationTestKit().verifySerialization(success(registered), false);

    assertEquals(definition, ((RevisionRegistered) replayed).definition());
    assertEquals(definition.toString(), ((RevisionRegistered) replayed).definition().toString());
    assertEquals(definition.toString(), described.definition().toString());
  }

  @Test
  void getReturnsTheRequestedRevisionAndPersistsNothing() {
    register(definition("nginx:1.1"));
    Revision second = register(definition("nginx:1.2"));
    register(definition("nginx:1.3"));

    var result =
        families.<StatusReply<Revision>>runCommand(r -> new TaskDefinitionFamily.Get(2, r));

    assertEquals(second, success(result));
    assertTrue(result.hasNoEvents());
  }

  @Test
  void getOfTheLatestActiveRevisionSkipsInactiveOnes() {
    register(definition("nginx:1.1"));
    Revision second = register(definition("nginx:1.2"));
    register(definition("nginx:1.3"));
    assertEquals(3, get(TaskDefinitionFamily.LATEST_ACTIVE).revision());

    deregister(3);
    assertEquals(second, get(TaskDefinitionFamily.LATEST_ACTIVE));

    deregister(2);
    delete(2);
    assertEquals(1, get(TaskDefinitionFamily.LATEST_ACTIVE).revision());
  }

  @Test
  void familyWithNoActiveRevisionHasNoLatestActive() {
    register(definition("nginx:1.1"));
    register(definition("nginx:1.2"));
    deregister(1);
    deregister(2);

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Get(TaskDefinitionFamily.LATEST_ACTIVE, r));

    assertRefused(result, "ClientException", UNABLE_TO_DESCRIBE);
    // An inactive revision is still describable by number.
    assertEquals(Status.INACTIVE, get(2).status());
  }

  @Test
  void emptyFamilyHasNoLatestActive() {
    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Get(TaskDefinitionFamily.LATEST_ACTIVE, r));

    assertRefused(result, "ClientException", UNABLE_TO_DESCRIBE);
    assertEquals(new State(family, List.of()), result.state());
  }

  @Test
  void everyCommandOnAnUnknownRevisionIsRefused() {
    register(definition("nginx:1.1"));
    register(definition("nginx:1.2"));
    State before = families.getState();

    for (int unknown : new int[] {3, 99, -1}) {
      List<Function<ActorRef<StatusReply<Revision>>, Command>> commands =
          List.of(
              r -> new TaskDefinitionFamily.Get(unknown, r),
              r -> new TaskDefinitionFamily.Deregister(unknown, DEREGISTERED, r),
              r -> new TaskDefinitionFamily.Delete(unknown, DELETED, r),
              r ->
                  new TaskDefinitionFamily.TagRevision(unknown, List.of(new Tag("env", "prod")), r),
              r -> new TaskDefinitionFamily.UntagRevision(unknown, List.of("env"), r));
      for (var command : commands) {
        var result = families.runCommand(command);
        assertRefused(result, "ClientException", UNABLE_TO_DESCRIBE);
        assertEquals(before, result.state());
      }
    }
  }

  // ---- deregister and delete ----

  @Test
  void deregisterMarksTheRevisionInactive() {
    Revision registered = register(definition("nginx:1.1"));

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Deregister(1, DEREGISTERED, r));

    Revision inactive =
        new Revision(
            family,
            1,
            registered.definition(),
            Status.INACTIVE,
            registered.tags(),
            CALLER,
            REGISTERED,
            DEREGISTERED,
            null);
    assertEquals(inactive, success(result));
    assertEquals(List.<Event>of(new RevisionDeregistered(1, DEREGISTERED)), result.events());
    assertEquals(List.of(inactive), result.state().revisions());
  }

  @Test
  void deregisteringTwiceIsHarmless() {
    register(definition("nginx:1.1"));
    Revision inactive = deregister(1);

    var again =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Deregister(1, DELETED, r));

    assertEquals(inactive, success(again));
    assertEquals(DEREGISTERED, success(again).deregisteredAt());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void deleteOfAnActiveRevisionIsRefused() {
    register(definition("nginx:1.1"));
    State before = families.getState();

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Delete(1, DELETED, r));

    assertRefused(
        result,
        "ClientException",
        "The specified task definition is still in ACTIVE status. Please deregister the target and try again.");
    assertEquals(before, result.state());
  }

  @Test
  void deleteOfAnInactiveRevisionMarksItDeleteInProgress() {
    register(definition("nginx:1.1"));
    Revision inactive = deregister(1);

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Delete(1, DELETED, r));

    Revision deleting =
        new Revision(
            family,
            1,
            inactive.definition(),
            Status.DELETE_IN_PROGRESS,
            inactive.tags(),
            CALLER,
            REGISTERED,
            DEREGISTERED,
            DELETED);
    assertEquals(deleting, success(result));
    assertEquals(List.<Event>of(new RevisionDeletionRequested(1, DELETED)), result.events());
    assertEquals(List.of(deleting), result.state().revisions());
  }

  @Test
  void deletingOrDeregisteringARevisionBeingDeletedChangesNothing() {
    register(definition("nginx:1.1"));
    deregister(1);
    Revision deleting = delete(1);

    var deleteAgain =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Delete(1, DELETED.plusSeconds(60), r));
    assertEquals(deleting, success(deleteAgain));
    assertTrue(deleteAgain.hasNoEvents());

    var deregisterAgain =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Deregister(1, DELETED.plusSeconds(60), r));
    assertEquals(deleting, success(deregisterAgain));
    assertTrue(deregisterAgain.hasNoEvents());
  }

  @Test
  void deregisteringOneRevisionLeavesTheOthersActive() {
    register(definition("nginx:1.1"));
    register(definition("nginx:1.2"));
    register(definition("nginx:1.3"));

    deregister(2);

    assertEquals(
        List.of(Status.ACTIVE, Status.INACTIVE, Status.ACTIVE),
        families.getState().revisions().stream().map(Revision::status).toList());
  }

  @Test
  void registeringAfterDeregisteringContinuesTheNumbering() {
    register(definition("nginx:1.1"));
    register(definition("nginx:1.2"));
    deregister(1);
    deregister(2);
    delete(2);

    Revision third = register(definition("nginx:1.3"));

    assertEquals(3, third.revision());
    assertEquals(third, get(TaskDefinitionFamily.LATEST_ACTIVE));
  }

  // ---- tags ----

  @Test
  void tagsBelongToOneRevision() {
    register(definition("nginx:1.1"));
    Revision second = register(definition("nginx:1.2"));
    List<Tag> added = List.of(new Tag("team", "b"), new Tag("env", "prod"));

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.TagRevision(1, added, r));

    assertEquals(List.of(new Tag("team", "b"), new Tag("env", "prod")), success(result).tags());
    assertEquals(List.<Event>of(new RevisionTagged(1, added)), result.events());
    assertEquals(success(result), result.state().revisions().get(0));
    assertEquals(second, result.state().revisions().get(1));
  }

  @Test
  void untaggingRemovesTheGivenKeysFromOneRevision() {
    register(definition("nginx:1.1"));
    Revision second = register(definition("nginx:1.2"));
    families.<StatusReply<Revision>>runCommand(
        r -> new TaskDefinitionFamily.TagRevision(1, List.of(new Tag("env", "prod")), r));

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.UntagRevision(1, List.of("team", "absent"), r));

    assertEquals(List.of(new Tag("env", "prod")), success(result).tags());
    assertEquals(
        List.<Event>of(new RevisionUntagged(1, List.of("team", "absent"))), result.events());
    assertEquals(success(result), result.state().revisions().get(0));
    assertEquals(second, result.state().revisions().get(1));
  }

  @Test
  void inactiveRevisionCanStillBeTagged() {
    register(definition("nginx:1.1"));
    deregister(1);

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.TagRevision(1, List.of(new Tag("env", "old")), r));

    assertEquals(Status.INACTIVE, success(result).status());
    assertEquals(List.of(new Tag("team", "a"), new Tag("env", "old")), success(result).tags());
  }

  @Test
  void taggingARevisionBeyondFiftyTagsIsRefused() {
    List<Tag> fifty =
        IntStream.rangeClosed(1, Tags.MAX_PER_RESOURCE)
            .mapToObj(i -> new Tag("k" + i, "v"))
            .toList();
    success(
        families.<StatusReply<Revision>>runCommand(
            r ->
                new TaskDefinitionFamily.Register(
                    definition("nginx:1.1"), fifty, CALLER, REGISTERED, r)));
    State before = families.getState();

    var result =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.TagRevision(1, List.of(new Tag("one-more", "x")), r));

    assertRefused(result, "InvalidParameterException", "A resource can have at most 50 tags.");
    assertEquals(before, result.state());

    var overwrite =
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.TagRevision(1, List.of(new Tag("k1", "changed")), r));
    assertEquals(Tags.MAX_PER_RESOURCE, success(overwrite).tags().size());
  }

  // ---- replay ----

  @Test
  void stateSurvivesARestart() {
    register(definition("nginx:1.1"));
    register(definition("nginx:1.2"));
    register(definition("nginx:1.3"));
    deregister(2);
    delete(2);
    deregister(3);
    families.<StatusReply<Revision>>runCommand(
        r -> new TaskDefinitionFamily.TagRevision(1, List.of(new Tag("env", "prod")), r));
    families.<StatusReply<Revision>>runCommand(
        r -> new TaskDefinitionFamily.UntagRevision(3, List.of("team"), r));
    State before = families.getState();

    State after = families.restart().state();

    assertEquals(before, after);
    assertEquals(1, get(TaskDefinitionFamily.LATEST_ACTIVE).revision());
    assertNull(get(1).deregisteredAt());
    assertEquals(Status.DELETE_IN_PROGRESS, get(2).status());
  }

  @Test
  void foldingThePersistedEventsWithoutAnEntityGivesTheEntitysState() {
    register(definition("nginx:1.1"));
    register(definition("nginx:1.2"));
    deregister(2);
    delete(2);
    families.<StatusReply<Revision>>runCommand(
        r -> new TaskDefinitionFamily.TagRevision(1, List.of(new Tag("env", "prod")), r));
    families.<StatusReply<Revision>>runCommand(
        r -> new TaskDefinitionFamily.UntagRevision(1, List.of("team"), r));

    String entityId = TaskDefinitionFamily.entityId(ACCOUNT, family);
    State folded = TaskDefinitionFamily.empty(entityId);
    for (Object event :
        families.persistenceTestKit().persistedInStorage("TaskDefinitionFamily|" + entityId)) {
      folded = TaskDefinitionFamily.applied(folded, (Event) event);
    }

    assertEquals(families.getState(), folded);
  }

  @Test
  void aSnapshotWrittenBeforeTheStateNamedItsFamilyTakesItFromItsRevisions() {
    register(definition("nginx:1.1"));
    State named = families.getState();

    State old = new State(null, named.revisions());

    assertEquals(named, old);
  }

  @Test
  void stateSurvivesARestartFromASnapshot() {
    for (int n = 1; n <= 110; n++) {
      register(definition("nginx:1." + n));
    }
    deregister(110);
    State before = families.getState();
    String persistenceId = "TaskDefinitionFamily|" + TaskDefinitionFamily.entityId(ACCOUNT, family);
    assertTrue(
        !families.snapshotTestKit().orElseThrow().persistedInStorage(persistenceId).isEmpty(),
        "snapshotEvery(100) should have saved a snapshot");

    assertEquals(before, families.restart().state());
    assertEquals(109, get(TaskDefinitionFamily.LATEST_ACTIVE).revision());
  }

  // ---- helpers ----

  /**
   * A small definition as TaskDefinitionRules.normalize would store it; the image tells revisions
   * apart.
   */
  private static JsonNode definition(String image) {
    ObjectNode definition = JSON.createObjectNode();
    definition.put("family", "web");
    ObjectNode container = definition.putArray("containerDefinitions").addObject();
    container.put("name", "app");
    container.put("image", image);
    container.put("memory", 128);
    container.put("cpu", 0);
    container.put("essential", true);
    container.putArray("portMappings").addObject().put("containerPort", 80).put("protocol", "tcp");
    definition.putArray("compatibilities").add("EC2");
    return definition;
  }

  private Revision register(JsonNode definition) {
    return success(
        families.<StatusReply<Revision>>runCommand(
            r ->
                new TaskDefinitionFamily.Register(
                    definition, List.of(new Tag("team", "a")), CALLER, REGISTERED, r)));
  }

  private Revision get(int revision) {
    var result =
        families.<StatusReply<Revision>>runCommand(r -> new TaskDefinitionFamily.Get(revision, r));
    assertTrue(result.hasNoEvents());
    return success(result);
  }

  private Revision deregister(int revision) {
    return success(
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Deregister(revision, DEREGISTERED, r)));
  }

  private Revision delete(int revision) {
    return success(
        families.<StatusReply<Revision>>runCommand(
            r -> new TaskDefinitionFamily.Delete(revision, DELETED, r)));
  }
}
