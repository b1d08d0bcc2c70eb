package io.harbormaster.agent.logs;

import io.harbormaster.protocol.AgentMessages.LogEvents;

/** The agent's session as the shipper sees it. */
public interface LogChannel {
  /**
   * Sends a batch when the session is open to a control plane that stores logs; false otherwise
   * (the shipper tries again later).
   */
  boolean send(LogEvents batch);
}
