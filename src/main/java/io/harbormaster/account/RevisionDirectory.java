package io.harbormaster.account;

import io.harbormaster.taskdefinition.TaskDefinitionFamily;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The account's directory of task definitions as the families keep it told: each
 * TaskDefinitionFamily asks its Account to index a revision's status (IndexRevision). A refusal
 * comes back as the Account's StatusReply error, so the family can tell it from a timeout.
 */
public final class RevisionDirectory implements TaskDefinitionFamily.Directory {
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public RevisionDirectory(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<Done> told(
      String accountId, String family, int revision, TaskDefinitionFamily.Status status) {
    Account.RevisionStatus indexed =
        switch (status) {
          case ACTIVE -> Account.RevisionStatus.ACTIVE;
          case INACTIVE -> Account.RevisionStatus.INACTIVE;
          case DELETE_IN_PROGRESS -> Account.RevisionStatus.DELETE_IN_PROGRESS;
        };
    return sharding
        .entityRefFor(Account.ENTITY_KEY, accountId)
        .askWithStatus(
            replyTo -> new Account.IndexRevision(family, revision, indexed, replyTo), askTimeout);
  }
}
