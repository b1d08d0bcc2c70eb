package io.harbormaster.account;

import static io.harbormaster.testing.EntityTestKit.assertRefused;
import static io.harbormaster.testing.EntityTestKit.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.account.Account.AccessKey;
import io.harbormaster.account.Account.AccessKeyIssued;
import io.harbormaster.account.Account.AccountCreated;
import io.harbormaster.account.Account.ActiveAccount;
import io.harbormaster.account.Account.ClusterIndexed;
import io.harbormaster.account.Account.ClusterUnindexed;
import io.harbormaster.account.Account.Command;
import io.harbormaster.account.Account.Directory;
import io.harbormaster.account.Account.Event;
import io.harbormaster.account.Account.FamilyIndex;
import io.harbormaster.account.Account.NoAccount;
import io.harbormaster.account.Account.RevisionIndexed;
import io.harbormaster.account.Account.RevisionStatus;
import io.harbormaster.account.Account.State;
import io.harbormaster.account.Account.Summary;
import io.harbormaster.common.EventTags;
import io.harbormaster.testing.EntityTestKit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

// One instance, so one actor system: TestKitJUnit5Extension shuts down only the test kit of the
// last instance.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class AccountTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withName("AccountTest")
          .withCustomConfig(EntityTestKit.config())
          .build();

  private static final Instant CREATED = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant LATER = Instant.parse("2026-11-02T10:00:00Z");
  private static final AtomicLong NEXT_ACCOUNT = new AtomicLong(100_000_000_000L);
  private static final String INVALID_TOKEN =
      "The security token included in the request is invalid.";

  private String accountId;
  private EventSourcedBehaviorTestKit<Command, Event, State> account;

  @BeforeEach
  void newAccount() {
    accountId = Long.toString(NEXT_ACCOUNT.incrementAndGet());
    account = EntityTestKit.create(testKit.system(), Account.create(accountId, new EventTags(4)));
  }

  // ---- create ----

  @Test
  void createPersistsTheAccountAndRepliesWithItsSummary() {
    var result =
        account.<StatusReply<Summary>>runCommand(r -> new Account.Create("acme", true, CREATED, r));

    Summary summary = new Summary(accountId, "acme", true, CREATED);
    assertEquals(summary, success(result));
    assertEquals(List.of(new AccountCreated(accountId, "acme", true, CREATED)), result.events());
    assertEquals(new ActiveAccount(summary, Map.of(), Directory.EMPTY), result.state());
  }

  @Test
  void createOfAnExistingAccountRepliesWithTheOriginalAndPersistsNothing() {
    create();

    var again =
        account.<StatusReply<Summary>>runCommand(r -> new Account.Create("other", true, LATER, r));

    assertEquals(new Summary(accountId, "acme", false, CREATED), success(again));
    assertTrue(again.hasNoEvents());
    assertEquals(
        new Summary(accountId, "acme", false, CREATED),
        again.stateOfType(ActiveAccount.class).summary());
  }

  @Test
  void everyCommandBeforeCreateIsRefusedAsAnInvalidToken() {
    // Each command has its own reply type; a refusal carries no value, so one probe type serves
    // them all.
    List<Function<ActorRef<StatusReply<Object>>, Command>> commands =
        List.of(
            r -> new Account.IssueAccessKey(LATER, narrow(r)),
            r -> new Account.EnsureAccessKey(LATER, narrow(r)),
            r -> new Account.GetSecret("AKHM" + accountId + "AAAA", narrow(r)),
            r -> new Account.GetSummary(narrow(r)),
            r -> new Account.IndexCluster("web", narrow(r)),
            r -> new Account.UnindexCluster("web", narrow(r)),
            r -> new Account.IndexRevision("web", 1, RevisionStatus.ACTIVE, narrow(r)),
            r -> new Account.GetDirectory(narrow(r)));

    for (var command : commands) {
      var result = account.runCommand(command);
      assertRefused(result, "UnrecognizedClientException", INVALID_TOKEN);
      assertEquals(new NoAccount(), result.state());
    }
  }

  @Test
  void getSummaryRepliesWithTheSummaryAndPersistsNothing() {
    create();

    var result = account.<StatusReply<Summary>>runCommand(Account.GetSummary::new);

    assertEquals(new Summary(accountId, "acme", false, CREATED), success(result));
    assertTrue(result.hasNoEvents());
  }

  // ---- access keys ----

  @Test
  void issuedKeyIsPersistedAndItsIdNamesTheAccount() {
    create();

    var result =
        account.<StatusReply<AccessKey>>runCommand(r -> new Account.IssueAccessKey(LATER, r));

    AccessKey key = success(result);
    assertEquals(accountId, key.accountId());
    assertEquals(LATER, key.createdAt());
    assertEquals(20, key.accessKeyId().length());
    assertTrue(key.accessKeyId().startsWith("AKHM" + accountId), key.accessKeyId());
    assertEquals(30, Base64.getDecoder().decode(key.secretAccessKey()).length);
    assertEquals(
        List.of(new AccessKeyIssued(key.accessKeyId(), key.secretAccessKey(), LATER)),
        result.events());
    assertEquals(Map.of(key.accessKeyId(), key), result.stateOfType(ActiveAccount.class).keys());
    assertEquals(Optional.of(accountId), Account.accountOfAccessKey(key.accessKeyId()));
  }

  @Test
  void everyIssuedKeyIsNew() {
    create();

    AccessKey first = issueKey(LATER);
    AccessKey second = issueKey(LATER.plusSeconds(1));

    assertNotEquals(first.accessKeyId(), second.accessKeyId());
    assertNotEquals(first.secretAccessKey(), second.secretAccessKey());
    assertEquals(
        Map.of(first.accessKeyId(), first, second.accessKeyId(), second),
        ((ActiveAccount) account.getState()).keys());
  }

  @Test
  void ensureAccessKeyIssuesAKeyOnceAndThenReturnsTheSameKey() {
    create();

    var first =
        account.<StatusReply<AccessKey>>runCommand(r -> new Account.EnsureAccessKey(LATER, r));
    AccessKey key = success(first);
    assertEquals(
        List.of(new AccessKeyIssued(key.accessKeyId(), key.secretAccessKey(), LATER)),
        first.events());

    var second =
        account.<StatusReply<AccessKey>>runCommand(
            r -> new Account.EnsureAccessKey(LATER.plusSeconds(60), r));
    assertEquals(key, success(second));
    assertTrue(second.hasNoEvents());
    assertEquals(first.state(), second.state());
  }

  @Test
  void ensureAccessKeyKeepsReturningTheFirstKeyAfterMoreAreIssued() {
    create();
    AccessKey first = ensureKey(LATER);
    for (int i = 1; i <= 20; i++) {
      issueKey(LATER.plusSeconds(i));
    }

    // `harbormaster up` prints this key on every start; it must not change because other keys
    // exist.
    assertEquals(first, ensureKey(LATER.plusSeconds(100)));
    account.restart();
    assertEquals(first, ensureKey(LATER.plusSeconds(200)));
  }

  @Test
  void getSecretReturnsAnIssuedKey() {
    create();
    AccessKey key = issueKey(LATER);

    var result =
        account.<StatusReply<AccessKey>>runCommand(
            r -> new Account.GetSecret(key.accessKeyId(), r));

    assertEquals(key, success(result));
    assertTrue(result.hasNoEvents());
  }

  @Test
  void getSecretOfAnUnknownKeyIsRefusedAsAnInvalidToken() {
    create();
    AccessKey key = issueKey(LATER);
    State before = account.getState();
    String unknown =
        key.accessKeyId().substring(0, 16) + (key.accessKeyId().endsWith("AAAA") ? "BBBB" : "AAAA");

    var result = account.<StatusReply<AccessKey>>runCommand(r -> new Account.GetSecret(unknown, r));

    assertRefused(result, "UnrecognizedClientException", INVALID_TOKEN);
    assertEquals(before, result.state());
  }

  // ---- directory ----

  @Test
  void indexedClustersAreListedByName() {
    create();

    var b = account.<StatusReply<Done>>runCommand(r -> new Account.IndexCluster("b", r));
    assertEquals(Done.getInstance(), success(b));
    assertEquals(List.of(new ClusterIndexed("b")), b.events());
    var a = account.<StatusReply<Done>>runCommand(r -> new Account.IndexCluster("a", r));
    assertEquals(List.of(new ClusterIndexed("a")), a.events());

    assertEquals(
        List.of("a", "b"), List.copyOf(a.stateOfType(ActiveAccount.class).directory().clusters()));
    assertEquals(List.of("a", "b"), List.copyOf(directory().clusters()));
  }

  @Test
  void indexingAnIndexedClusterAgainPersistsNothing() {
    create();
    indexCluster("web");

    var again = account.<StatusReply<Done>>runCommand(r -> new Account.IndexCluster("web", r));

    assertEquals(Done.getInstance(), success(again));
    assertTrue(again.hasNoEvents());
    assertEquals(new TreeSet<>(List.of("web")), directory().clusters());
  }

  @Test
  void unindexedClusterLeavesTheDirectory() {
    create();
    indexCluster("web");
    indexCluster("api");

    var result = account.<StatusReply<Done>>runCommand(r -> new Account.UnindexCluster("web", r));

    assertEquals(Done.getInstance(), success(result));
    assertEquals(List.of(new ClusterUnindexed("web")), result.events());
    assertEquals(
        new TreeSet<>(List.of("api")),
        result.stateOfType(ActiveAccount.class).directory().clusters());
  }

  @Test
  void unindexingAClusterThatIsNotIndexedPersistsNothing() {
    create();

    var result = account.<StatusReply<Done>>runCommand(r -> new Account.UnindexCluster("web", r));

    assertEquals(Done.getInstance(), success(result));
    assertTrue(result.hasNoEvents());
  }

  @Test
  void indexedRevisionsKeepTheirStatuses() {
    create();

    var first = indexRevision("web", 1, RevisionStatus.ACTIVE);
    assertEquals(List.of(new RevisionIndexed("web", 1, RevisionStatus.ACTIVE)), first.events());
    indexRevision("web", 2, RevisionStatus.ACTIVE);
    indexRevision("web", 3, RevisionStatus.ACTIVE);
    var deregistered = indexRevision("web", 1, RevisionStatus.INACTIVE);
    assertEquals(
        List.of(new RevisionIndexed("web", 1, RevisionStatus.INACTIVE)), deregistered.events());
    indexRevision("web", 2, RevisionStatus.INACTIVE);
    indexRevision("web", 2, RevisionStatus.DELETE_IN_PROGRESS);
    indexRevision("db", 1, RevisionStatus.ACTIVE);

    FamilyIndex web = directory().families().get("web");
    assertEquals(3, web.latestRevision());
    assertEquals(RevisionStatus.INACTIVE, web.statusOf(1));
    assertEquals(RevisionStatus.DELETE_IN_PROGRESS, web.statusOf(2));
    assertEquals(RevisionStatus.ACTIVE, web.statusOf(3));
    assertEquals(
        new TreeMap<>(Map.of(1, RevisionStatus.INACTIVE, 2, RevisionStatus.DELETE_IN_PROGRESS)),
        web.nonActive());
    assertTrue(web.hasActive());
    assertEquals(List.of("db", "web"), List.copyOf(directory().families().keySet()));
  }

  @Test
  void familyWhoseRevisionsAreAllDeregisteredHasNoActiveRevision() {
    create();
    indexRevision("web", 1, RevisionStatus.ACTIVE);
    indexRevision("web", 2, RevisionStatus.ACTIVE);
    indexRevision("web", 1, RevisionStatus.INACTIVE);
    assertTrue(directory().families().get("web").hasActive());

    indexRevision("web", 2, RevisionStatus.INACTIVE);

    assertFalse(directory().families().get("web").hasActive());
  }

  @Test
  void reindexingARevisionWithTheSameStatusPersistsNothing() {
    create();
    indexRevision("web", 1, RevisionStatus.ACTIVE);
    indexRevision("web", 1, RevisionStatus.INACTIVE);

    assertTrue(indexRevision("web", 1, RevisionStatus.INACTIVE).hasNoEvents());
    assertEquals(1, indexRevision("web", 2, RevisionStatus.ACTIVE).events().size());
    assertTrue(indexRevision("web", 2, RevisionStatus.ACTIVE).hasNoEvents());
  }

  @Test
  void reactivatedRevisionLeavesTheNonActiveSet() {
    create();
    indexRevision("web", 1, RevisionStatus.ACTIVE);
    indexRevision("web", 1, RevisionStatus.INACTIVE);

    indexRevision("web", 1, RevisionStatus.ACTIVE);

    FamilyIndex web = directory().families().get("web");
    assertEquals(RevisionStatus.ACTIVE, web.statusOf(1));
    assertTrue(web.nonActive().isEmpty());
    assertTrue(web.hasActive());
  }

  @Test
  void revisionsNeverIndexedBelowTheLatestCountAsActive() {
    create();

    indexRevision("web", 3, RevisionStatus.INACTIVE);

    FamilyIndex web = directory().families().get("web");
    assertEquals(3, web.latestRevision());
    assertEquals(RevisionStatus.ACTIVE, web.statusOf(1));
    assertEquals(RevisionStatus.INACTIVE, web.statusOf(3));
    assertTrue(web.hasActive());
  }

  @Test
  void emptyFamilyIndexHasNoActiveRevision() {
    assertFalse(new FamilyIndex(0, new TreeMap<>()).hasActive());
  }

  // ---- replay ----

  @Test
  void stateSurvivesARestart() {
    create();
    AccessKey key = issueKey(LATER);
    indexCluster("web");
    indexCluster("api");
    success(account.<StatusReply<Done>>runCommand(r -> new Account.UnindexCluster("api", r)));
    indexRevision("web", 1, RevisionStatus.ACTIVE);
    indexRevision("web", 2, RevisionStatus.ACTIVE);
    indexRevision("web", 1, RevisionStatus.INACTIVE);
    State before = account.getState();

    State after = account.restart().state();

    assertEquals(before, after);
    assertEquals(
        key,
        success(
            account.<StatusReply<AccessKey>>runCommand(
                r -> new Account.GetSecret(key.accessKeyId(), r))));
  }

  @Test
  void stateSurvivesARestartFromASnapshot() {
    create();
    for (int i = 0; i < 120; i++) {
      indexCluster("cluster-" + i);
    }
    issueKey(LATER);
    indexRevision("web", 1, RevisionStatus.ACTIVE);
    indexRevision("web", 1, RevisionStatus.INACTIVE);
    State before = account.getState();
    assertFalse(
        account
            .snapshotTestKit()
            .orElseThrow()
            .persistedInStorage("Account|" + accountId)
            .isEmpty(),
        "snapshotEvery(100) should have saved a snapshot");

    State after = account.restart().state();

    assertEquals(before, after);
    assertEquals(120, directory().clusters().size());
  }

  // ---- access key ids ----

  @Test
  void accountOfAccessKeyReadsTheAccountFromAHarbormasterKeyId() {
    assertEquals(Optional.of("123456789012"), Account.accountOfAccessKey("AKHM123456789012ABCD"));
    assertEquals(
        Optional.of("123456789012"),
        Account.accountOfAccessKey(Account.newAccessKeyId("123456789012")));
  }

  @Test
  void accountOfAccessKeyIgnoresIdsOfAnyOtherForm() {
    List<String> others =
        new ArrayList<>(
            List.of(
                "AKIAIOSFODNN7EXAMPLE", // an AWS key id: right length, wrong prefix
                "AKHM123456789012ABC", // one short
                "AKHM123456789012ABCDE", // one long
                "AKHM12345678901XABCD", // account not all digits
                "akhm123456789012ABCD", // prefix is case-sensitive
                ""));
    others.add(null);

    for (String id : others) {
      assertEquals(Optional.empty(), Account.accountOfAccessKey(id), () -> "for " + id);
    }
  }

  @Test
  void newAccountIdsHaveTwelveDigitsAndNoLeadingZero() {
    for (int i = 0; i < 100; i++) {
      String id = Account.newAccountId();
      assertTrue(id.matches("[1-9][0-9]{11}"), id);
    }
  }

  // ---- helpers ----

  /** Sound only for replies that are refusals: no value of the wrong type is ever read. */
  @SuppressWarnings("unchecked")
  private static <T> ActorRef<StatusReply<T>> narrow(ActorRef<StatusReply<Object>> replyTo) {
    return (ActorRef<StatusReply<T>>) (ActorRef<?>) replyTo;
  }

  private void create() {
    success(
        account.<StatusReply<Summary>>runCommand(
            r -> new Account.Create("acme", false, CREATED, r)));
  }

  private AccessKey issueKey(Instant at) {
    return success(
        account.<StatusReply<AccessKey>>runCommand(r -> new Account.IssueAccessKey(at, r)));
  }

  private AccessKey ensureKey(Instant at) {
    return success(
        account.<StatusReply<AccessKey>>runCommand(r -> new Account.EnsureAccessKey(at, r)));
  }

  private void indexCluster(String name) {
    success(account.<StatusReply<Done>>runCommand(r -> new Account.IndexCluster(name, r)));
  }

  private CommandResultWithReply<Command, Event, State, StatusReply<Done>> indexRevision(
      String family, int revision, RevisionStatus status) {
    var result =
        account.<StatusReply<Done>>runCommand(
            r -> new Account.IndexRevision(family, revision, status, r));
    assertEquals(Done.getInstance(), success(result));
    return result;
  }

  private Directory directory() {
    var result = account.<StatusReply<Directory>>runCommand(Account.GetDirectory::new);
    assertTrue(result.hasNoEvents());
    assertInstanceOf(ActiveAccount.class, result.state());
    return success(result);
  }
}
