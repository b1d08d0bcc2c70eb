package io.harbormaster.account;

import io.harbormaster.cluster.Cluster;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The account's directory of clusters as the clusters keep it told: each Cluster entity asks its
 * Account to list it (IndexCluster) while ACTIVE and to drop it (UnindexCluster) once INACTIVE. A
 * refusal comes back as the Account's StatusReply error, so the cluster can tell it from a timeout.
 */
public final class ClusterDirectory implements Cluster.Directory {
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public ClusterDirectory(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<Done> told(String accountId, String clusterName, Cluster.Status status) {
    var account = sharding.entityRefFor(Account.ENTITY_KEY, accountId);
    return switch (status) {
      case ACTIVE ->
          account.askWithStatus(
              replyTo -> new Account.IndexCluster(clusterName, replyTo), askTimeout);
      case INACTIVE ->
          account.askWithStatus(
              replyTo -> new Account.UnindexCluster(clusterName, replyTo), askTimeout);
    };
  }
}
