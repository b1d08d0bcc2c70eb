package io.harbormaster.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.harbormaster.agent.runtime.ContainerEvent;
import io.harbormaster.agent.runtime.ContainerEventListener;
import io.harbormaster.agent.runtime.ContainerNotFoundException;
import io.harbormaster.agent.runtime.ContainerOutput;
import io.harbormaster.agent.runtime.ContainerRuntime;
import io.harbormaster.agent.runtime.ContainerRuntimeException;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerSpec.DockerVolume;
import io.harbormaster.agent.runtime.ContainerSpec.Mount;
import io.harbormaster.agent.runtime.ContainerState;
import io.harbormaster.agent.runtime.ContainerState.Health;
import io.harbormaster.agent.runtime.ContainerState.NetworkAddress;
import io.harbormaster.agent.runtime.ContainerState.NetworkBinding;
import io.harbormaster.agent.runtime.ContainerState.Status;
import io.harbormaster.agent.runtime.ImagePull;
import io.harbormaster.agent.runtime.ImagePullException;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerRuntime} on a Docker engine through docker-java (Apache HttpClient 5 transport).
 *
 * <p>Requests go without an API version in the path, so the engine answers in its own current
 * version: Debian's 20.10 (API 1.41) and newer engines that dropped old API versions both work.
 */
public final class DockerRuntime implements ContainerRuntime {

  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

  /** How long {@link #subscribe} waits for the engine to accept the event stream. */
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);

  private static final String NEVER = "0001-01-01T00:00:00Z";

  private final DockerClient client;
  private final TaskNetworkSettings network;

  /** Whether the task network is known to exist on the engine (it is made once, when needed). */
  private volatile boolean networkReady;

  public DockerRuntime(DockerClient client) {
    this(client, TaskNetworkSettings.DEFAULT);
  }

  public DockerRuntime(DockerClient client, TaskNetworkSettings network) {
    this.client = client;
    this.network = network;
  }

  /**
   * The engine's version, for the instance's versionInfo.dockerVersion; null when it does not
   * answer.
   */
  public String engineVersion() {
    try {
      return "DockerVersion: " + client.versionCmd().exec().getVersion();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A runtime on the engine at {@code dockerHost} ({@code unix:///var/run/docker.sock}, {@code
   * tcp://...}).
   */
  public static DockerRuntime connect(String dockerHost) {
    return connect(dockerHost, TaskNetworkSettings.DEFAULT);
  }

  /** A runtime whose bridge and awsvpc containers live on the task network {@code network}. */
  public static DockerRuntime connect(String dockerHost, TaskNetworkSettings network) {
    return new DockerRuntime(newClient(dockerHost), network);
  }

  public TaskNetworkSettings network() {
    return network;
  }

  /**
   * A docker-java client for {@code dockerHost}. No response timeout: {@code stop} legitimately
   * waits a whole stop timeout, and the event stream stays open.
   */
  public static DockerClient newClient(String dockerHost) {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(URI.create(dockerHost))
            .sslConfig(config.getSSLConfig())
            .maxConnections(64)
            .connectionTimeout(Duration.ofSeconds(5))
            .build();
    return DockerClientImpl.getInstance(config, http);
  }

  /**
   * The client underneath, for what the port does not cover (tests read raw {@code inspect}
   * output).
   */
  public DockerClient client() {
    return client;
  }

  @Override
  public ImagePull ensureImage(String image) {
    try {
      return ImagePull.present(image, client.inspectImageCmd(image).exec().getId());
    } catch (NotFoundException absent) {
      // pulled below
    } catch (DockerException e) {
      throw failure("inspecting image " + image, e);
    }
    ImageReference reference = ImageReference.parse(image);
    Instant pullStartedAt = Instant.now();
    log.info("pulling image {}", image);
    PullProgress pull = new PullProgress();
    try {
      client
          .pullImageCmd(reference.repository())
          .withTag(reference.tagOrDigest())
          .exec(pull)
          .awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImagePullException(image, "interrupted", pullStartedAt, Instant.now(), e);
    } catch (RuntimeException e) {
      throw new ImagePullException(image, e.getMessage(), pullStartedAt, Instant.now(), e);
    }
    Instant pullStoppedAt = Instant.now();
    if (pull.failure != null) {
      throw new ImagePullException(image, pull.failure, pullStartedAt, pullStoppedAt, pull.cause);
    }
    try {
      String imageId = client.inspectImageCmd(image).exec().getId();
      return new ImagePull(image, imageId, true, pullStartedAt, pullStoppedAt);
    } catch (DockerException e) {
      throw new ImagePullException(
          image, "pulled, but then " + message(e), pullStartedAt, pullStoppedAt, e);
    }
  }

  /**
   * Records a pull's failure: an error status on the request or an error line in the progress
   * stream. (docker-java's own callback logs failures at ERROR; a failed pull is the agent's to
   * report.)
   */
  private static final class PullProgress extends ResultCallback.Adapter<PullResponseItem> {
    private volatile String failure;
    private volatile Throwable cause;

    @Override
    public void onNext(PullResponseItem item) {
      if (item.isErrorIndicated() && failure == null) {
        failure =
            item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                ? item.getErrorDetail().getMessage()
                : item.getError();
      }
    }

    @Override
    public void onError(Throwable throwable) {
      if (failure == null) {
        failure =
            throwable instanceof DockerException docker
                ? message(docker)
                : String.valueOf(throwable);
        cause = throwable;
      }
      try {
        close();
      } catch (IOException e) {
        log.debug("closing a failed pull", e);
      }
    }
  }

  @Override
  public String create(ContainerSpec spec) {
    for (Mount mount : spec.mounts()) {
      if (mount.source() instanceof DockerVolume volume) {
        ensureVolume(volume);
      }
    }
    if (spec.networkMode() == ContainerSpec.NetworkMode.BRIDGE) {
      ensureTaskNetwork();
    }
    try {
      return DockerContainerConfig.createCommand(client, spec, network).exec().getId();
    } catch (NotFoundException e) {
      throw new ContainerRuntimeException(
          "creating container "
              + describe(spec)
              + ": "
              + message(e)
              + " (the image must be present: ensureImage first)",
          e);
    } catch (DockerException e) {
      throw failure("creating container " + describe(spec), e);
    }
  }

  @Override
  public void start(String containerId) {
    try {
      client.startContainerCmd(containerId).exec();
    } catch (NotModifiedException alreadyRunning) {
      // fine
    } catch (NotFoundException e) {
      throw new ContainerNotFoundException(containerId, e);
    } catch (DockerException e) {
      throw failure("starting container " + containerId, e);
    }
  }

  @Override
  public void stop(String containerId, Duration timeout) {
    int seconds = (int) Math.min(Integer.MAX_VALUE, ceilSeconds(timeout));
    try {
      client.stopContainerCmd(containerId).withTimeout(seconds).exec();
    } catch (NotModifiedException notRunning) {
      // fine: stopped already
    } catch (NotFoundException e) {
      throw new ContainerNotFoundException(containerId, e);
    } catch (DockerException e) {
      throw failure("stopping container " + containerId, e);
    }
  }

  @Override
  public ContainerState inspect(String containerId) {
    try {
      return toState(client.inspectContainerCmd(containerId).exec());
    } catch (NotFoundException e) {
      throw new ContainerNotFoundException(containerId, e);
    } catch (DockerException e) {
      throw failure("inspecting container " + containerId, e);
    }
  }

  @Override
  public void remove(String containerId) {
    try {
      client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException gone) {
      // fine
    } catch (DockerException e) {
      if (e.getHttpStatus() == 409 && message(e).contains("already in progress")) {
        return; // another remove of the same container is under way
      }
      throw failure("removing container " + containerId, e);
    }
  }

  @Override
  public void removeVolume(String volumeName) {
    try {
      client.removeVolumeCmd(volumeName).exec();
    } catch (NotFoundException gone) {
      // fine
    } catch (DockerException e) {
      throw failure("removing volume " + volumeName, e);
    }
  }

  @Override
  public List<ContainerState> listByLabel(String key, String value) {
    List<Container> containers;
    try {
      containers =
          client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(key, value)).exec();
    } catch (DockerException e) {
      throw failure("listing containers with label " + key + "=" + value, e);
    }
    List<ContainerState> states = new ArrayList<>();
    for (Container container : containers) {
      try {
        states.add(inspect(container.getId()));
      } catch (ContainerNotFoundException removedMeanwhile) {
        // listed, then removed before the inspect
      }
    }
    return states;
  }

  @Override
  public Subscription followOutput(
      String containerId, long sinceEpochSecond, ContainerOutput.Listener listener) {
    return DockerOutputStream.follow(client, containerId, sinceEpochSecond, listener);
  }

  @Override
  public Subscription subscribe(ContainerEventListener listener) {
    EventStream stream = new EventStream(listener);
    client
        .eventsCmd()
        .withEventTypeFilter(EventType.CONTAINER)
        .withEventFilter("die", "oom", "health_status")
        .exec(stream);
    try {
      if (!stream.awaitStarted(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        stream.close();
        throw new ContainerRuntimeException(
            "the engine did not open its event stream within "
                + SUBSCRIBE_TIMEOUT.toSeconds()
                + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stream.close();
      throw new ContainerRuntimeException("interrupted while subscribing to events", e);
    }
    return stream;
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      log.warn("closing the Docker client", e);
    }
  }

  /**
   * Creates the task network unless it exists: a bridge on the settings' subnet, with the settings'
   * bridge device name. An existing network of that name is used as it is (a restarted agent's, or
   * one the operator made). The engine's own {@code bridge} is never created.
   */
  public void ensureTaskNetwork() {
    if (networkReady || !network.createdByAgent()) {
      return;
    }
    synchronized (this) {
      if (networkReady) {
        return;
      }
      try {
        client.inspectNetworkCmd().withNetworkId(network.network()).exec();
      } catch (NotFoundException absent) {
        createTaskNetwork();
      } catch (DockerException e) {
        throw failure("inspecting network " + network.network(), e);
      }
      networkReady = true;
    }
  }

  private void createTaskNetwork() {
    log.info(
        "creating the task network {} ({} on bridge {})",
        network.network(),
        network.subnet(),
        network.bridgeInterface());
    try {
      client
          .createNetworkCmd()
          .withName(network.network())
          .withDriver("bridge")
          .withCheckDuplicate(true)
          .withIpam(
              new Network.Ipam()
                  .withConfig(
                      new Network.Ipam.Config()
                          .withSubnet(network.subnet())
                          .withGateway(network.gateway())))
          .withOptions(Map.of("com.docker.network.bridge.name", network.bridgeInterface()))
          .withLabels(Map.of(io.harbormaster.agent.runtime.ContainerLabels.MANAGED, "true"))
          .exec();
    } catch (ConflictException createdMeanwhile) {
      // another agent on this engine made it between our inspect and create
    } catch (DockerException e) {
      throw failure("creating network " + network.network() + " (" + network.subnet() + ")", e);
    }
  }

  /** Removes the task network (nothing when it is absent); its containers must be gone. */
  public void removeTaskNetwork() {
    if (!network.createdByAgent()) {
      return;
    }
    try {
      client.removeNetworkCmd(network.network()).exec();
    } catch (NotFoundException gone) {
      // fine
    } catch (DockerException e) {
      throw failure("removing network " + network.network(), e);
    }
    networkReady = false;
  }

  // ---- mapping ----

  private void ensureVolume(DockerVolume volume) {
    try {
      client.inspectVolumeCmd(volume.name()).exec();
      return;
    } catch (NotFoundException absent) {
      if (!volume.autoprovision()) {
        throw new ContainerRuntimeException(
            "volume "
                + volume.name()
                + " does not exist and autoprovision is off (create it, or set autoprovision)");
      }
    } catch (DockerException e) {
      throw failure("inspecting volume " + volume.name(), e);
    }
    try {
      // creating an existing volume with the same driver returns it: concurrent tasks are fine
      client
          .createVolumeCmd()
          .withName(volume.name())
          .withDriver(volume.driver() == null ? "local" : volume.driver())
          .withDriverOpts(volume.driverOptions())
          .withLabels(volume.labels())
          .exec();
    } catch (DockerException e) {
      throw failure("creating volume " + volume.name(), e);
    }
  }

  static ContainerState toState(InspectContainerResponse inspected) {
    InspectContainerResponse.ContainerState state = inspected.getState();
    Status status = status(state.getStatus());
    Long exitCode = state.getExitCodeLong();
    String name = inspected.getName();
    Map<String, String> labels =
        inspected.getConfig() == null ? Map.of() : inspected.getConfig().getLabels();
    String error = state.getError();
    return new ContainerState(
        inspected.getId(),
        name != null && name.startsWith("/") ? name.substring(1) : name,
        inspected.getConfig() == null ? null : inspected.getConfig().getImage(),
        status,
        status == Status.EXITED && exitCode != null ? exitCode.intValue() : null,
        Boolean.TRUE.equals(state.getOOMKilled()),
        state.getHealth() == null ? Health.UNKNOWN : health(state.getHealth().getStatus()),
        instant(state.getStartedAt()),
        status == Status.EXITED ? instant(state.getFinishedAt()) : null,
        networkBindings(inspected),
        labels,
        error == null || error.isEmpty() ? null : error,
        networkAddress(inspected));
  }

  /** Its address on the (first) network it is attached to; none in host, none and awsvpc mode. */
  private static NetworkAddress networkAddress(InspectContainerResponse inspected) {
    if (inspected.getNetworkSettings() == null
        || inspected.getNetworkSettings().getNetworks() == null) {
      return null;
    }
    for (Map.Entry<String, ContainerNetwork> entry :
        inspected.getNetworkSettings().getNetworks().entrySet()) {
      String ip = entry.getValue().getIpAddress();
      if (ip != null && !ip.isEmpty()) {
        return new NetworkAddress(entry.getKey(), ip, entry.getValue().getMacAddress());
      }
    }
    return null;
  }

  private static Status status(String dockerStatus) {
    if (dockerStatus == null) {
      return Status.CREATED;
    }
    return switch (dockerStatus) {
      case "created" -> Status.CREATED;
      case "running", "paused", "restarting" -> Status.RUNNING;
      default -> Status.EXITED; // exited, dead, removing
    };
  }

  static Health health(String dockerHealth) {
    if (dockerHealth == null) {
      return Health.UNKNOWN;
    }
    return switch (dockerHealth) {
      case "healthy" -> Health.HEALTHY;
      case "unhealthy" -> Health.UNHEALTHY;
      default -> Health.UNKNOWN; // starting, none
    };
  }

  /** Host mode: each exposed port is a host port. Bridge mode: what the engine published. */
  private static List<NetworkBinding> networkBindings(InspectContainerResponse inspected) {
    List<NetworkBinding> bindings = new ArrayList<>();
    String networkMode =
        inspected.getHostConfig() == null ? null : inspected.getHostConfig().getNetworkMode();
    if ("host".equals(networkMode)) {
      ExposedPort[] exposed =
          inspected.getConfig() == null ? null : inspected.getConfig().getExposedPorts();
      if (exposed != null && status(inspected.getState().getStatus()) == Status.RUNNING) {
        for (ExposedPort port : exposed) {
          bindings.add(
              new NetworkBinding("0.0.0.0", port.getPort(), port.getPort(), protocol(port)));
        }
      }
      return bindings;
    }
    Ports ports =
        inspected.getNetworkSettings() == null ? null : inspected.getNetworkSettings().getPorts();
    if (ports == null) {
      return bindings;
    }
    for (Map.Entry<ExposedPort, Ports.Binding[]> entry : ports.getBindings().entrySet()) {
      if (entry.getValue() == null) {
        continue; // exposed, not published
      }
      for (Ports.Binding binding : entry.getValue()) {
        String hostPort = binding.getHostPortSpec();
        if (hostPort == null || hostPort.isEmpty()) {
          continue;
        }
        String hostIp =
            binding.getHostIp() == null || binding.getHostIp().isEmpty()
                ? "0.0.0.0"
                : binding.getHostIp();
        bindings.add(
            new NetworkBinding(
                hostIp,
                entry.getKey().getPort(),
                Integer.parseInt(hostPort),
                protocol(entry.getKey())));
      }
    }
    return bindings;
  }

  private static ContainerSpec.Protocol protocol(ExposedPort port) {
    return "udp".equals(port.getProtocol().toString())
        ? ContainerSpec.Protocol.UDP
        : ContainerSpec.Protocol.TCP;
  }

  private static Instant instant(String dockerTime) {
    if (dockerTime == null || dockerTime.isEmpty() || NEVER.equals(dockerTime)) {
      return null;
    }
    try {
      return Instant.parse(dockerTime);
    } catch (DateTimeParseException e) {
      log.warn("unreadable time from the engine: {}", dockerTime);
      return null;
    }
  }

  static long ceilSeconds(Duration timeout) {
    if (timeout.isNegative()) {
      return 0;
    }
    long seconds = timeout.getSeconds();
    return timeout.getNano() > 0 ? seconds + 1 : seconds;
  }

  private static String describe(ContainerSpec spec) {
    return (spec.name() == null ? "" : spec.name() + " ") + "(" + spec.image() + ")";
  }

  private static ContainerRuntimeException failure(String what, DockerException e) {
    return new ContainerRuntimeException(what + ": " + message(e), e);
  }

  /**
   * docker-java puts the engine's JSON body in the message: {@code Status 404: {"message":"..."}}.
   */
  private static String message(DockerException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().trim();
    int start = message.indexOf("{\"message\":\"");
    if (start >= 0) {
      int from = start + "{\"message\":\"".length();
      int end = message.lastIndexOf("\"}");
      if (end > from) {
        return message.substring(from, end);
      }
    }
    return message;
  }

  /**
   * One subscription: the docker-java callback that turns engine events into {@link
   * ContainerEvent}s.
   */
  private static final class EventStream extends ResultCallback.Adapter<Event>
      implements Subscription {
    private final ContainerEventListener listener;
    private volatile boolean closedByUs;

    EventStream(ContainerEventListener listener) {
      this.listener = listener;
    }

    @Override
    public void onNext(Event event) {
      ContainerEvent converted = convert(event);
      if (converted == null) {
        return;
      }
      try {
        listener.onEvent(converted);
      } catch (RuntimeException e) {
        log.error("the container event listener failed on {}", converted, e);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      if (!closedByUs) {
        log.warn("the Docker event stream failed", throwable);
        listener.onStreamFailed(throwable);
      }
      closeQuietly();
    }

    @Override
    public void onComplete() {
      if (!closedByUs) {
        listener.onStreamFailed(
            new ContainerRuntimeException("the engine closed the event stream"));
      }
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
      } catch (IOException | RuntimeException e) {
        log.debug("closing the event stream", e);
      }
    }

    private static ContainerEvent convert(Event event) {
      String action = event.getAction() == null ? event.getStatus() : event.getAction();
      if (action == null) {
        return null;
      }
      Map<String, String> attributes =
          event.getActor() == null || event.getActor().getAttributes() == null
              ? Map.of()
              : event.getActor().getAttributes();
      String id =
          event.getActor() != null && event.getActor().getId() != null
              ? event.getActor().getId()
              : event.getId();
      if (id == null) {
        return null;
      }
      Instant time =
          event.getTimeNano() != null
              ? Instant.ofEpochSecond(0, event.getTimeNano())
              : Instant.ofEpochSecond(event.getTime() == null ? 0 : event.getTime());
      if (action.equals("die")) {
        Integer exitCode = null;
        try {
          exitCode =
              attributes.containsKey("exitCode")
                  ? Integer.valueOf(attributes.get("exitCode"))
                  : null;
        } catch (NumberFormatException ignored) {
          // left null
        }
        return new ContainerEvent(ContainerEvent.Type.DIE, id, time, exitCode, null, attributes);
      }
      if (action.equals("oom")) {
        return new ContainerEvent(ContainerEvent.Type.OOM, id, time, null, null, attributes);
      }
      if (action.startsWith("health_status")) {
        String status = action.substring(action.indexOf(':') + 1).trim();
        return new ContainerEvent(
            ContainerEvent.Type.HEALTH_STATUS, id, time, null, health(status), attributes);
      }
      return null;
    }
  }
}
