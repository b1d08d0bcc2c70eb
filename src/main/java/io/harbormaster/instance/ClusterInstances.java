package io.harbormaster.instance;

import io.harbormaster.cluster.Cluster;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The cluster's list of container instances as the instances keep it told: each ContainerInstance
 * asks its Cluster to list it (JoinInstance) while ACTIVE or DRAINING and to drop it
 * (LeaveInstance) once INACTIVE. A refusal comes back as the Cluster's StatusReply error, so the
 * instance can tell it from a timeout.
 */
public final class ClusterInstances implements ContainerInstance.ClusterMembership {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Clock clock;

  /**
   * @param clock when the joins and leaves it asks for happened
   */
  public ClusterInstances(ActorSystem<?> system, Duration askTimeout, Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Done> clusterLists(
      String accountId, String clusterName, String instanceId, boolean listed) {
    var cluster =
        sharding.entityRefFor(Cluster.ENTITY_KEY, Cluster.entityId(accountId, clusterName));
    CompletionStage<Cluster.ClusterInfo> answer =
        listed
            ? cluster.askWithStatus(
                replyTo -> new Cluster.JoinInstance(instanceId, clock.instant(), replyTo),
                askTimeout)
            : cluster.askWithStatus(
                replyTo -> new Cluster.LeaveInstance(instanceId, clock.instant(), replyTo),
                askTimeout);
    return answer.thenApply(info -> Done.done());
  }
}
