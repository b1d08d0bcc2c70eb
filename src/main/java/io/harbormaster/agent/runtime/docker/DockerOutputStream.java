package io.harbormaster.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.harbormaster.agent.runtime.ContainerOutput;
import io.harbormaster.agent.runtime.ContainerRuntime.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code docker logs --follow --timestamps --since}: a container's output read back from its log
 * driver (json-file or local) through docker-java, one frame per line the container printed, each
 * starting with the engine's RFC 3339 nanosecond timestamp.
 */
final class DockerOutputStream extends ResultCallback.Adapter<Frame> implements Subscription {
  private final ContainerOutput.Listener listener;

  /** A frame may end inside a line (a long one); the rest comes with the next frame. */
  private final StringBuilder partialOut = new StringBuilder();

  private final StringBuilder partialErr = new StringBuilder();
  private volatile boolean closedByUs;
  private volatile boolean ended;

  private DockerOutputStream(ContainerOutput.Listener listener) {
    this.listener = listener;
  }

  static DockerOutputStream follow(
      DockerClient client,
      String containerId,
      long sinceEpochSecond,
      ContainerOutput.Listener listener) {
    DockerOutputStream stream = new DockerOutputStream(listener);
    var cmd =
        client
            .logContainerCmd(containerId)
            .withStdOut(true)
            .withStdErr(true)
            .withFollowStream(true)
            .withTimestamps(true);
    if (sinceEpochSecond > 0) cmd.withSince((int) sinceEpochSecond);
    cmd.exec(stream);
    return stream;
  }

  @Override
  public void onNext(Frame frame) {
    boolean stderr = frame.getStreamType() == StreamType.STDERR;
    StringBuilder partial = stderr ? partialErr : partialOut;
    partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
    int newline;
    while ((newline = partial.indexOf("\n")) >= 0) {
      String line = partial.substring(0, newline);
      partial.delete(0, newline + 1);
      deliver(line, stderr);
    }
  }

  private void deliver(String line, boolean stderr) {
    int space = line.indexOf(' ');
    Instant timestamp;
    String text;
    try {
      timestamp = Instant.parse(space < 0 ? line : line.substring(0, space));
      text = space < 0 ? "" : line.substring(space + 1);
    } catch (DateTimeParseException e) {
      // not a line of the engine's making (a TTY's raw stream): the time it arrives
      timestamp = Instant.now();
      text = line;
    }
    if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
    listener.onLine(new ContainerOutput(timestamp, text, stderr));
  }

  @Override
  public void onError(Throwable throwable) {
    end(throwable);
  }

  @Override
  public void onComplete() {
    if (partialOut.length() > 0) deliver(partialOut.toString(), false);
    if (partialErr.length() > 0) deliver(partialErr.toString(), true);
    partialOut.setLength(0);
    partialErr.setLength(0);
    end(null);
  }

  private void end(Throwable failure) {
    if (ended) return;
    ended = true;
    if (!closedByUs) listener.onEnd(failure); // a reader that closed it knows
    closeQuietly();
  }

  @Override
  public void close() {
    closedByUs = true;
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      super.close();
    } catch (IOException | RuntimeException ignored) {
      // closing what is left of the stream
    }
  }
}
