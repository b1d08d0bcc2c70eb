package io.harbormaster.agent.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.protocol.AgentMessages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the control plane has acknowledged each container's output, kept in the agent's state
 * folder ({@code logs/<container id>.json}), so a restarted agent reads on from there. Written
 * after each acknowledgement; an agent killed between the control plane's store and this write
 * sends the last batch again, which the control plane stores once (its events are keyed by
 * position).
 */
final class ReadPositions {
  private static final Logger log = LoggerFactory.getLogger(ReadPositions.class);
  private static final ObjectMapper JSON = AgentMessages.JSON;

  /**
   * The last acknowledged line's position (null: none yet), and whether the container's output
   * ended and all of it is acknowledged.
   */
  record Position(Long timestampNanos, Integer ordinal, boolean complete) {
    static final Position START = new Position(null, null, false);
  }

  private final Optional<Path> dir;

  ReadPositions(Optional<Path> stateDir) {
    this.dir = stateDir.map(d -> d.resolve("logs"));
  }

  Position read(String containerId) {
    if (dir.isEmpty()) return Position.START;
    Path file = dir.get().resolve(containerId + ".json");
    if (!Files.exists(file)) return Position.START;
    try {
      return JSON.readValue(file.toFile(), Position.class);
    } catch (IOException e) {
      log.warn("unreadable log position {}: reading the container's output from its start", file);
      return Position.START;
    }
  }

  void write(String containerId, Position position) {
    if (dir.isEmpty()) return;
    try {
      Files.createDirectories(dir.get());
      Path file = dir.get().resolve(containerId + ".json");
      Path next = dir.get().resolve(containerId + ".json.next");
      JSON.writeValue(next.toFile(), position);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("could not save the log position of container {}: {}", containerId, e.toString());
    }
  }

  void forget(String containerId) {
    if (dir.isEmpty()) return;
    try {
      Files.deleteIfExists(dir.get().resolve(containerId + ".json"));
    } catch (IOException e) {
      log.debug("could not delete the log position of {}", containerId, e);
    }
  }
}
