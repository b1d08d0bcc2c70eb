package io.harbormaster.agent.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a runtime needs to create one container: the ECS container definition resolved against
 * its task definition and task ({@link EcsContainerSpecs}), in runtime terms (bytes come later:
 * memory stays in MiB here, durations are {@link Duration}s).
 *
 * @param name the runtime's container name, or null to let the runtime pick one
 * @param command null or empty: the image's default command
 * @param entryPoint null or empty: the image's entry point
 * @param env {@code NAME=value} strings, in the order given
 * @param workingDirectory null: the image's
 * @param user null: the image's
 * @param cpuShares relative CPU weight (at least 2)
 * @param memoryHardMiB the hard limit; the container is OOM-killed above it; null: none
 * @param memoryReservationMiB the soft limit; null: none
 * @param dockerLabels the user's labels (the task definition's {@code dockerLabels})
 * @param labels the agent's labels (task ARN, container name, ...); they win over {@code
 *     dockerLabels}
 * @param logConfiguration the json-file driver and its options
 * @param healthCheck null: none (the image's own HEALTHCHECK still applies)
 * @param stopTimeout how long {@code stop} waits after SIGTERM before SIGKILL
 * @param options the container definition's other Docker settings (hostname, links,
 *     linuxParameters, ...); {@link RuntimeOptions#NONE}: Docker's defaults
 * @param notes what the mapping could not honour (an unsupported log driver, ...): for the agent to
 *     report
 * @param networkNamespaceOf {@link NetworkMode#AWSVPC}: the container whose network namespace this
 *     one joins (its task's pause container, which the agent sets before creating it); null
 *     otherwise
 */
public record ContainerSpec(
    String name,
    String image,
    List<String> command,
    List<String> entryPoint,
    List<String> env,
    String workingDirectory,
    String user,
    int cpuShares,
    Integer memoryHardMiB,
    Integer memoryReservationMiB,
    NetworkMode networkMode,
    List<PortMapping> portMappings,
    List<Mount> mounts,
    List<Ulimit> ulimits,
    boolean readonlyRootFilesystem,
    Map<String, String> dockerLabels,
    Map<String, String> labels,
    LogConfiguration logConfiguration,
    HealthCheck healthCheck,
    Duration stopTimeout,
    RuntimeOptions options,
    List<String> notes,
    String networkNamespaceOf) {

  /** Docker's minimum CPU weight; the ECS agent maps 0 and 1 CPU units to it. */
  public static final int MIN_CPU_SHARES = 2;

  /** The kernel's maximum CPU weight (cgroup v1 cpu.shares). */
  public static final int MAX_CPU_SHARES = 262_144;

  /** ECS's default stop timeout (the agent's ECS_CONTAINER_STOP_TIMEOUT). */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

  public ContainerSpec {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(networkMode, "networkMode");
    command = List.copyOf(nullToEmpty(command));
    entryPoint = List.copyOf(nullToEmpty(entryPoint));
    env = List.copyOf(nullToEmpty(env));
    portMappings = List.copyOf(nullToEmpty(portMappings));
    mounts = List.copyOf(nullToEmpty(mounts));
    ulimits = List.copyOf(nullToEmpty(ulimits));
    dockerLabels = Map.copyOf(dockerLabels == null ? Map.of() : dockerLabels);
    labels = Map.copyOf(labels == null ? Map.of() : labels);
    logConfiguration = logConfiguration == null ? LogConfiguration.JSON_FILE : logConfiguration;
    stopTimeout = stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout;
    options = options == null ? RuntimeOptions.NONE : options;
    notes = List.copyOf(nullToEmpty(notes));
    if (cpuShares < MIN_CPU_SHARES || cpuShares > MAX_CPU_SHARES) {
      throw new IllegalArgumentException(
          "cpuShares must be within " + MIN_CPU_SHARES + ".." + MAX_CPU_SHARES + ": " + cpuShares);
    }
    if (stopTimeout.isNegative()) {
      throw new IllegalArgumentException("stopTimeout must not be negative: " + stopTimeout);
    }
    if (networkNamespaceOf != null && networkMode != NetworkMode.AWSVPC) {
      throw new IllegalArgumentException(
          "networkNamespaceOf is the pause container of an awsvpc task's container only");
    }
  }

  /** A builder with every default: the image's command, no limits, no network, json-file logs. */
  public static Builder builder(String image) {
    return new Builder(image);
  }

  public Builder toBuilder() {
    return new Builder(image)
        .name(name)
        .command(command)
        .entryPoint(entryPoint)
        .env(env)
        .workingDirectory(workingDirectory)
        .user(user)
        .cpuShares(cpuShares)
        .memoryHardMiB(memoryHardMiB)
        .memoryReservationMiB(memoryReservationMiB)
        .networkMode(networkMode)
        .portMappings(portMappings)
        .mounts(mounts)
        .ulimits(ulimits)
        .readonlyRootFilesystem(readonlyRootFilesystem)
        .dockerLabels(dockerLabels)
        .labels(labels)
        .logConfiguration(logConfiguration)
        .healthCheck(healthCheck)
        .stopTimeout(stopTimeout)
        .options(options)
        .notes(notes)
        .networkNamespaceOf(networkNamespaceOf);
  }

  /**
   * The labels the runtime puts on the container: {@code dockerLabels}, then {@code labels} over
   * them.
   */
  public Map<String, String> allLabels() {
    Map<String, String> all = new LinkedHashMap<>(dockerLabels);
    all.putAll(labels);
    return all;
  }

  public static final class Builder {
    private final String image;
    private String name;
    private List<String> command = List.of();
    private List<String> entryPoint = List.of();
    private List<String> env = List.of();
    private String workingDirectory;
    private String user;
    private int cpuShares = MIN_CPU_SHARES;
    private Integer memoryHardMiB;
    private Integer memoryReservationMiB;
    private NetworkMode networkMode = NetworkMode.NONE;
    private List<PortMapping> portMappings = List.of();
    private List<Mount> mounts = List.of();
    private List<Ulimit> ulimits = List.of();
    private boolean readonlyRootFilesystem;
    private Map<String, String> dockerLabels = Map.of();
    private Map<String, String> labels = Map.of();
    private LogConfiguration logConfiguration = LogConfiguration.JSON_FILE;
    private HealthCheck healthCheck;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private RuntimeOptions options = RuntimeOptions.NONE;
    private List<String> notes = List.of();
    private String networkNamespaceOf;

    private Builder(String image) {
      this.image = Objects.requireNonNull(image, "image");
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder command(List<String> value) {
      this.command = value;
      return this;
    }

    public Builder command(String... value) {
      return command(List.of(value));
    }

    public Builder entryPoint(List<String> value) {
      this.entryPoint = value;
      return this;
    }

    public Builder env(List<String> value) {
      this.env = value;
      return this;
    }

    public Builder workingDirectory(String value) {
      this.workingDirectory = value;
      return this;
    }

    public Builder user(String value) {
      this.user = value;
      return this;
    }

    public Builder cpuShares(int value) {
      this.cpuShares = value;
      return this;
    }

    public Builder memoryHardMiB(Integer value) {
      this.memoryHardMiB = value;
      return this;
    }

    public Builder memoryReservationMiB(Integer value) {
      this.memoryReservationMiB = value;
      return this;
    }

    public Builder networkMode(NetworkMode value) {
      this.networkMode = value;
      return this;
    }

    public Builder portMappings(List<PortMapping> value) {
      this.portMappings = value;
      return this;
    }

    public Builder mounts(List<Mount> value) {
      this.mounts = value;
      return this;
    }

    public Builder ulimits(List<Ulimit> value) {
      this.ulimits = value;
      return this;
    }

    public Builder readonlyRootFilesystem(boolean value) {
      this.readonlyRootFilesystem = value;
      return this;
    }

    public Builder dockerLabels(Map<String, String> value) {
      this.dockerLabels = value;
      return this;
    }

    public Builder labels(Map<String, String> value) {
      this.labels = value;
      return this;
    }

    public Builder logConfiguration(LogConfiguration value) {
      this.logConfiguration = value;
      return this;
    }

    public Builder healthCheck(HealthCheck value) {
      this.healthCheck = value;
      return this;
    }

    public Builder stopTimeout(Duration value) {
      this.stopTimeout = value;
      return this;
    }

    public Builder options(RuntimeOptions value) {
      this.options = value;
      return this;
    }

    public Builder notes(List<String> value) {
      this.notes = value;
      return this;
    }

    public Builder networkNamespaceOf(String value) {
      this.networkNamespaceOf = value;
      return this;
    }

    public ContainerSpec build() {
      return new ContainerSpec(
          name,
          image,
          command,
          entryPoint,
          env,
          workingDirectory,
          user,
          cpuShares,
          memoryHardMiB,
          memoryReservationMiB,
          networkMode,
          portMappings,
          mounts,
          ulimits,
          readonlyRootFilesystem,
          dockerLabels,
          labels,
          logConfiguration,
          healthCheck,
          stopTimeout,
          options,
          notes,
          networkNamespaceOf);
    }
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  public enum NetworkMode {
    /** The host's network stack: container ports are host ports. */
    HOST("host"),
    /** Docker's bridge: ports are published, host port 0 picks a free one. */
    BRIDGE("bridge"),
    /** Loopback only. */
    NONE("none"),
    /**
     * A network namespace of the task's own, held by its pause container on the agent's task
     * network: the task's containers share it (and its address); nothing is published on the host.
     */
    AWSVPC("awsvpc");

    private final String dockerName;

    NetworkMode(String dockerName) {
      this.dockerName = dockerName;
    }

    /** The name ECS uses ({@code host}, {@code bridge}, {@code none}, {@code awsvpc}). */
    public String dockerName() {
      return dockerName;
    }
  }

  public enum Protocol {
    TCP,
    UDP;

    public String lowerCase() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param hostPort 0: a free host port chosen by the runtime (bridge mode); in host mode it equals
   *     {@code containerPort}
   */
  public record PortMapping(int containerPort, int hostPort, Protocol protocol) {
    public PortMapping {
      Objects.requireNonNull(protocol, "protocol");
      if (containerPort < 1 || containerPort > 65_535 || hostPort < 0 || hostPort > 65_535) {
        throw new IllegalArgumentException(
            "ports must be within 1..65535 (host port 0: dynamic): "
                + containerPort
                + " -> "
                + hostPort);
      }
    }

    public boolean dynamicHostPort() {
      return hostPort == 0;
    }
  }

  /** A volume or host directory mounted at {@code containerPath}. */
  public record Mount(MountSource source, String containerPath, boolean readOnly) {
    public Mount {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(containerPath, "containerPath");
    }
  }

  public sealed interface MountSource permits HostPath, DockerVolume {
    /** What a bind names as its source: the host path, or the volume name. */
    String source();
  }

  /** A directory of the host, bind-mounted (ECS: a volume with {@code host.sourcePath}). */
  public record HostPath(String path) implements MountSource {
    public HostPath {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String source() {
      return path;
    }
  }

  /**
   * A named Docker volume (ECS: {@code dockerVolumeConfiguration}, or a volume without a host
   * path).
   *
   * @param name the Docker volume name: task-unique for {@link VolumeScope#TASK}, the ECS volume
   *     name for {@link VolumeScope#SHARED}
   * @param driver null: Docker's {@code local}
   * @param autoprovision for shared volumes: create it when missing (else a missing volume is an
   *     error); task volumes are always created
   */
  public record DockerVolume(
      String name,
      String driver,
      Map<String, String> driverOptions,
      Map<String, String> labels,
      VolumeScope scope,
      boolean autoprovision)
      implements MountSource {
    public DockerVolume {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(scope, "scope");
      driverOptions = Map.copyOf(driverOptions == null ? Map.of() : driverOptions);
      labels = Map.copyOf(labels == null ? Map.of() : labels);
    }

    @Override
    public String source() {
      return name;
    }

    public static DockerVolume local(String name, VolumeScope scope) {
      return new DockerVolume(name, null, null, null, scope, true);
    }
  }

  public enum VolumeScope {
    /** Created for the task, removed with it. */
    TASK,
    /** Outlives the task; shared by every task naming it. */
    SHARED
  }

  /** A resource limit ({@code nofile}, {@code nproc}, ...). */
  public record Ulimit(String name, long softLimit, long hardLimit) {
    public Ulimit {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * The json-file log driver (the one this runtime supports) and its options ({@code max-size},
   * ...).
   */
  public record LogConfiguration(String driver, Map<String, String> options) {
    public static final String JSON_FILE_DRIVER = "json-file";
    public static final LogConfiguration JSON_FILE =
        new LogConfiguration(JSON_FILE_DRIVER, Map.of());

    public LogConfiguration {
      Objects.requireNonNull(driver, "driver");
      options = Map.copyOf(options == null ? Map.of() : options);
    }
  }

  /**
   * A Docker health check. {@code command} is ECS's and Docker's form: {@code ["CMD-SHELL", "curl
   * ..."]} or {@code ["CMD", "exe", "arg"]}; exit 0 means healthy. The ECS ranges (interval 5-300
   * s, ...) are checked when a task definition is registered, not here: the runtime accepts shorter
   * intervals.
   */
  public record HealthCheck(
      List<String> command,
      Duration interval,
      Duration timeout,
      int retries,
      Duration startPeriod) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_RETRIES = 3;
    public static final Duration DEFAULT_START_PERIOD = Duration.ZERO;

    public HealthCheck {
      command = List.copyOf(command);
      if (command.isEmpty()) {
        throw new IllegalArgumentException("a health check needs a command");
      }
      interval = interval == null ? DEFAULT_INTERVAL : interval;
      timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
      startPeriod = startPeriod == null ? DEFAULT_START_PERIOD : startPeriod;
    }

    /** ECS's defaults: every 30 s, 5 s timeout, 3 retries, no start period. */
    public static HealthCheck of(List<String> command) {
      return new HealthCheck(
          command, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_START_PERIOD);
    }

    public long intervalNanos() {
      return interval.toNanos();
    }

    public long timeoutNanos() {
      return timeout.toNanos();
    }

    public long startPeriodNanos() {
      return startPeriod.toNanos();
    }
  }

  /**
   * The container definition's members that are plain Docker settings. Names of other containers
   * ({@code links}, {@code volumesFrom}) are already the runtime's names.
   *
   * @param hostname null: Docker's (the container id)
   * @param links {@code name:alias} pairs, bridge mode only
   * @param volumesFrom containers whose volumes are mounted too
   * @param extraHosts {@code hostname:ip} lines for {@code /etc/hosts}
   * @param sysctls {@code systemControls}: namespaced kernel parameters
   * @param linux {@code linuxParameters}
   * @param gpus GPUs asked for by {@code resourceRequirements}; 0: none
   */
  public record RuntimeOptions(
      String hostname,
      boolean networkDisabled,
      boolean privileged,
      boolean interactive,
      boolean pseudoTerminal,
      List<Link> links,
      List<VolumesFrom> volumesFrom,
      List<String> dnsServers,
      List<String> dnsSearchDomains,
      List<String> extraHosts,
      List<String> securityOptions,
      Map<String, String> sysctls,
      LinuxParameters linux,
      int gpus) {
    public static final RuntimeOptions NONE =
        new RuntimeOptions(
            null, false, false, false, false, null, null, null, null, null, null, null, null, 0);

    public RuntimeOptions {
      links = List.copyOf(nullToEmpty(links));
      volumesFrom = List.copyOf(nullToEmpty(volumesFrom));
      dnsServers = List.copyOf(nullToEmpty(dnsServers));
      dnsSearchDomains = List.copyOf(nullToEmpty(dnsSearchDomains));
      extraHosts = List.copyOf(nullToEmpty(extraHosts));
      securityOptions = List.copyOf(nullToEmpty(securityOptions));
      sysctls = Map.copyOf(sysctls == null ? Map.of() : sysctls);
      linux = linux == null ? LinuxParameters.NONE : linux;
      if (gpus < 0) {
        throw new IllegalArgumentException("gpus must not be negative: " + gpus);
      }
    }
  }

  /** Another container of the task, reachable under {@code alias} (ECS {@code links}). */
  public record Link(String container, String alias) {
    public Link {
      Objects.requireNonNull(container, "container");
      Objects.requireNonNull(alias, "alias");
    }
  }

  /** Another container of the task whose volumes this one mounts too. */
  public record VolumesFrom(String container, boolean readOnly) {
    public VolumesFrom {
      Objects.requireNonNull(container, "container");
    }
  }

  /**
   * ECS {@code linuxParameters}.
   *
   * @param init run an init process (tini) as PID 1 that reaps zombies and forwards signals
   * @param tmpfs container path → Docker's tmpfs options ({@code size=64m,noexec})
   * @param sharedMemoryMiB {@code /dev/shm}'s size; null: Docker's 64 MiB
   * @param maxSwapMiB swap on top of the hard memory limit; 0: none; null: Docker's default
   * @param swappiness 0-100, only with {@code maxSwapMiB}
   */
  public record LinuxParameters(
      List<String> capabilitiesAdded,
      List<String> capabilitiesDropped,
      List<Device> devices,
      boolean init,
      Map<String, String> tmpfs,
      Integer sharedMemoryMiB,
      Integer maxSwapMiB,
      Integer swappiness) {
    public static final LinuxParameters NONE =
        new LinuxParameters(null, null, null, false, null, null, null, null);

    public LinuxParameters {
      capabilitiesAdded = List.copyOf(nullToEmpty(capabilitiesAdded));
      capabilitiesDropped = List.copyOf(nullToEmpty(capabilitiesDropped));
      devices = List.copyOf(nullToEmpty(devices));
      tmpfs = Map.copyOf(tmpfs == null ? Map.of() : tmpfs);
    }
  }

  /**
   * A host device exposed in the container.
   *
   * @param permissions cgroup permissions: {@code r}, {@code w}, {@code m} (mknod)
   */
  public record Device(String hostPath, String containerPath, String permissions) {
    public Device {
      Objects.requireNonNull(hostPath, "hostPath");
      Objects.requireNonNull(containerPath, "containerPath");
      Objects.requireNonNull(permissions, "permissions");
    }
  }
}
