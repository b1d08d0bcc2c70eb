package io.harbormaster.agent.runtime;

/** A runtime operation failed; the message is the runtime's own (the agent reports it). */
public class ContainerRuntimeException extends RuntimeException {

  public ContainerRuntimeException(String message) {
    super(message);
  }

  public ContainerRuntimeException(String message, Throwable cause) {
    super(message, cause);
  }
}
