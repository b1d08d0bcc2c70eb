package io.harbormaster.agent.runtime;

/** Receives {@link ContainerEvent}s from {@link ContainerRuntime#subscribe}. */
public interface ContainerEventListener {

  void onEvent(ContainerEvent event);

  /**
   * The event stream broke (the engine restarted, the connection dropped) and delivers nothing
   * more; not called after {@code close()}. The agent subscribes again and inspects its containers,
   * since events in between are lost.
   */
  default void onStreamFailed(Throwable cause) {}
}
