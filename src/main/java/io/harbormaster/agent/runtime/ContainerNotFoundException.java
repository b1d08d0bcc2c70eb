package io.harbormaster.agent.runtime;

/** No container with that id or name (it was removed, or never created). */
public class ContainerNotFoundException extends ContainerRuntimeException {

  public ContainerNotFoundException(String idOrName, Throwable cause) {
    super("no such container: " + idOrName, cause);
  }
}
