package io.harbormaster.agent;

import io.harbormaster.protocol.AgentMessages.Attribute;
import io.harbormaster.protocol.AgentMessages.HostResources;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One agent: where the control plane is, which cluster to join, the key it signs with, what the
 * host offers.
 *
 * @param instanceIdFile where the instance id is kept so a restarted agent comes back as the same
 *     instance; null keeps it in memory only (hollow hosts)
 */
public record AgentSettings(
    URI endpoint,
    String cluster,
    String accessKeyId,
    String secretAccessKey,
    String region,
    String hostName,
    HostResources resources,
    List<Attribute> attributes,
    Path instanceIdFile,
    Duration heartbeatInterval,
    Duration minBackoff,
    Duration maxBackoff) {

  /** The ports the ECS agent keeps off limits on every host (ssh, docker, the agent's own). */
  public static final List<Integer> RESERVED_PORTS = List.of(22, 2375, 2376, 51678, 51679);

  public static final String AGENT_VERSION = "1.0.0-harbormaster";
}
