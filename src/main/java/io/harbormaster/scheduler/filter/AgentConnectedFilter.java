package io.harbormaster.scheduler.filter;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.TaskDemand;
import java.util.Optional;

/**
 * A task sent to an instance whose agent is away would wait there unstarted; ECS rejects with AGENT
 * instead.
 */
public final class AgentConnectedFilter implements PlacementFilter {

  public static final String NAME = "AgentConnected";

  /**
   * ECS API failure reasons: "AGENT — the container instance … has an agent that is currently
   * disconnected".
   */
  public static final String REASON = "AGENT";

  public static final AgentConnectedFilter INSTANCE = new AgentConnectedFilter();

  private AgentConnectedFilter() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> reject(InstanceSnapshot instance, TaskDemand demand) {
    return instance.agentConnected() ? Optional.empty() : Optional.of(REASON);
  }
}
