package io.harbormaster.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.agent.runtime.ContainerSpec.Device;
import io.harbormaster.agent.runtime.ContainerSpec.DockerVolume;
import io.harbormaster.agent.runtime.ContainerSpec.HealthCheck;
import io.harbormaster.agent.runtime.ContainerSpec.HostPath;
import io.harbormaster.agent.runtime.ContainerSpec.Link;
import io.harbormaster.agent.runtime.ContainerSpec.LinuxParameters;
import io.harbormaster.agent.runtime.ContainerSpec.LogConfiguration;
import io.harbormaster.agent.runtime.ContainerSpec.Mount;
import io.harbormaster.agent.runtime.ContainerSpec.MountSource;
import io.harbormaster.agent.runtime.ContainerSpec.NetworkMode;
import io.harbormaster.agent.runtime.ContainerSpec.PortMapping;
import io.harbormaster.agent.runtime.ContainerSpec.Protocol;
import io.harbormaster.agent.runtime.ContainerSpec.RuntimeOptions;
import io.harbormaster.agent.runtime.ContainerSpec.Ulimit;
import io.harbormaster.agent.runtime.ContainerSpec.VolumeScope;
import io.harbormaster.agent.runtime.ContainerSpec.VolumesFrom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * ECS container definition (as RegisterTaskDefinition stores it) → {@link ContainerSpec}, the way
 * the ECS agent does it on EC2. Pure: no engine, no clock.
 *
 * <p>What cannot be honoured is either an {@link IllegalArgumentException} (the container would see
 * something else than asked: EFS volumes, port ranges, an unknown source volume) or a {@link
 * ContainerSpec#notes() note} (it runs as asked but without an extra: another log driver than
 * json-file, secrets, ...).
 */
public final class EcsContainerSpecs {

  /** The ECS agent's name prefix is {@code ecs-}; ours says whose container it is. */
  static final String NAME_PREFIX = "hm-";

  private static final Pattern NOT_IN_DOCKER_NAME = Pattern.compile("[^a-zA-Z0-9_.-]");

  /**
   * Members the runtime does not map: present and non-empty, they become a note. Secrets and
   * private registry credentials wait for a secrets store; FireLens and credential specs have no
   * Docker-only meaning.
   */
  private static final List<String> NOT_MAPPED =
      List.of("secrets", "repositoryCredentials", "firelensConfiguration", "credentialSpecs");

  /** ECS's swappiness when {@code maxSwap} is given without it. */
  static final int DEFAULT_SWAPPINESS = 60;

  private EcsContainerSpecs() {}

  /**
   * @param containerDefinition one member of the task definition's {@code containerDefinitions}
   * @param taskDefinition the whole task definition: {@code networkMode} and {@code volumes} come
   *     from it
   * @param labels the agent's labels ({@link ContainerLabels#forTask}); with a task ARN and
   *     container name among them, the container and its task-scoped volumes get task-unique names
   */
  public static ContainerSpec fromContainerDefinition(
      JsonNode containerDefinition, JsonNode taskDefinition, Map<String, String> labels) {
    if (array(containerDefinition, "environmentFiles").iterator().hasNext()) {
      throw new IllegalArgumentException(
          "the environmentFiles must be read first (EnvironmentFiles.read)");
    }
    return fromContainerDefinition(containerDefinition, taskDefinition, labels, List.of());
  }

  /**
   * @param environmentFromFiles the variables ({@code NAME=value}) of the container's {@code
   *     environmentFiles}, in their order ({@link EnvironmentFiles#read}): the first file naming a
   *     variable wins, and {@code environment} wins over them all, as in ECS
   */
  public static ContainerSpec fromContainerDefinition(
      JsonNode containerDefinition,
      JsonNode taskDefinition,
      Map<String, String> labels,
      List<String> environmentFromFiles) {
    String containerName =
        text(containerDefinition, "name")
            .orElseThrow(() -> new IllegalArgumentException("a container definition needs a name"));
    String image =
        text(containerDefinition, "image")
            .orElseThrow(
                () ->
                    new IllegalArgumentException("container '" + containerName + "' has no image"));
    Map<String, String> agentLabels = labels == null ? Map.of() : labels;
    Optional<String> taskId =
        Optional.ofNullable(agentLabels.get(ContainerLabels.TASK_ARN))
            .map(EcsContainerSpecs::lastPathSegment);
    NetworkMode networkMode = networkMode(taskDefinition);
    List<String> notes = new ArrayList<>();

    return ContainerSpec.builder(image)
        .name(taskId.map(id -> containerName(containerName, agentLabels, id)).orElse(null))
        .command(strings(containerDefinition, "command"))
        .entryPoint(strings(containerDefinition, "entryPoint"))
        .env(environment(containerDefinition, environmentFromFiles))
        .workingDirectory(text(containerDefinition, "workingDirectory").orElse(null))
        .user(text(containerDefinition, "user").orElse(null))
        .cpuShares(cpuShares(integer(containerDefinition, "cpu").orElse(0)))
        .memoryHardMiB(boxed(integer(containerDefinition, "memory")))
        .memoryReservationMiB(boxed(integer(containerDefinition, "memoryReservation")))
        .networkMode(networkMode)
        .portMappings(portMappings(containerName, containerDefinition, networkMode))
        .mounts(mounts(containerName, containerDefinition, taskDefinition, agentLabels, taskId))
        .ulimits(ulimits(containerDefinition))
        .readonlyRootFilesystem(bool(containerDefinition, "readonlyRootFilesystem"))
        .dockerLabels(stringMap(containerDefinition.get("dockerLabels")))
        .labels(agentLabels)
        .logConfiguration(logConfiguration(containerDefinition.get("logConfiguration"), notes))
        .healthCheck(healthCheck(containerDefinition.get("healthCheck")))
        .stopTimeout(
            seconds(containerDefinition, "stopTimeout", ContainerSpec.DEFAULT_STOP_TIMEOUT))
        .options(
            runtimeOptions(
                containerName,
                containerDefinition,
                taskDefinition,
                networkMode,
                agentLabels,
                taskId,
                notes))
        .notes(notMapped(containerDefinition, notes))
        .build();
  }

  /**
   * ECS CPU units → Docker CPU shares: one unit is one share (1024 units = one core's weight 1024),
   * with the ECS agent's floor of 2 (Docker's minimum; 0 and 1 become 2) and the kernel's ceiling.
   */
  public static int cpuShares(int cpuUnits) {
    return Math.max(ContainerSpec.MIN_CPU_SHARES, Math.min(ContainerSpec.MAX_CPU_SHARES, cpuUnits));
  }

  /**
   * ECS's defaults (interval 30 s, timeout 5 s, 3 retries, start period 0) for the members left
   * out.
   */
  static HealthCheck healthCheck(JsonNode healthCheck) {
    if (healthCheck == null || healthCheck.isNull()) {
      return null;
    }
    List<String> command = strings(healthCheck, "command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a health check needs a command");
    }
    return new HealthCheck(
        command,
        seconds(healthCheck, "interval", HealthCheck.DEFAULT_INTERVAL),
        seconds(healthCheck, "timeout", HealthCheck.DEFAULT_TIMEOUT),
        integer(healthCheck, "retries").orElse(HealthCheck.DEFAULT_RETRIES),
        seconds(healthCheck, "startPeriod", HealthCheck.DEFAULT_START_PERIOD));
  }

  private static NetworkMode networkMode(JsonNode taskDefinition) {
    String mode = text(taskDefinition, "networkMode").orElse("bridge");
    return switch (mode) {
      case "bridge" -> NetworkMode.BRIDGE;
      case "host" -> NetworkMode.HOST;
      case "none" -> NetworkMode.NONE;
      case "awsvpc" -> NetworkMode.AWSVPC;
      default ->
          throw new IllegalArgumentException(
              "networkMode "
                  + mode
                  + " is not supported by this agent"
                  + " (bridge, host, awsvpc and none are)");
    };
  }

  /**
   * Host ports: given ones are kept; a missing one is the container port in host mode and 0 (a free
   * port chosen at start) in bridge mode, as ECS does.
   */
  private static List<PortMapping> portMappings(
      String containerName, JsonNode container, NetworkMode mode) {
    List<PortMapping> mappings = new ArrayList<>();
    for (JsonNode mapping : array(container, "portMappings")) {
      OptionalInt containerPort = integer(mapping, "containerPort");
      if (containerPort.isEmpty()) {
        throw new IllegalArgumentException(
            "container '"
                + containerName
                + "': port mappings need a containerPort"
                + (mapping.has("containerPortRange")
                    ? " (containerPortRange is not supported by this agent)"
                    : ""));
      }
      if (mode == NetworkMode.NONE) {
        throw new IllegalArgumentException(
            "container '"
                + containerName
                + "': port mappings are not supported when networkMode=none");
      }
      OptionalInt hostPort = integer(mapping, "hostPort");
      int effectiveHostPort =
          switch (mode) {
            case HOST, AWSVPC -> hostPort.orElse(containerPort.getAsInt());
            case BRIDGE -> hostPort.orElse(0);
            case NONE -> 0;
          };
      Protocol protocol =
          switch (text(mapping, "protocol").orElse("tcp").toLowerCase(Locale.ROOT)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default ->
                throw new IllegalArgumentException(
                    "container '"
                        + containerName
                        + "': protocol "
                        + text(mapping, "protocol").orElse("")
                        + " (tcp or udp)");
          };
      mappings.add(new PortMapping(containerPort.getAsInt(), effectiveHostPort, protocol));
    }
    return mappings;
  }

  /**
   * Each mount point's {@code sourceVolume} names one of the task's {@code volumes}: {@code
   * host.sourcePath} is a bind mount; {@code dockerVolumeConfiguration}, or no host path, a named
   * Docker volume (task-scoped ones get a task-unique name, shared ones keep the ECS name).
   */
  private static List<Mount> mounts(
      String containerName,
      JsonNode container,
      JsonNode taskDefinition,
      Map<String, String> agentLabels,
      Optional<String> taskId) {
    Map<String, JsonNode> volumes = new LinkedHashMap<>();
    for (JsonNode volume : array(taskDefinition, "volumes")) {
      text(volume, "name").ifPresent(name -> volumes.put(name, volume));
    }
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode mountPoint : array(container, "mountPoints")) {
      String sourceVolume =
          text(mountPoint, "sourceVolume")
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "container '" + containerName + "': a mount point needs a sourceVolume"));
      String containerPath =
          text(mountPoint, "containerPath")
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "container '"
                              + containerName
                              + "': mount point "
                              + sourceVolume
                              + " needs a containerPath"));
      JsonNode volume = volumes.get(sourceVolume);
      if (volume == null) {
        throw new IllegalArgumentException(
            "container '"
                + containerName
                + "': source volume "
                + sourceVolume
                + " is not among the task definition's volumes");
      }
      mounts.add(
          new Mount(
              mountSource(volume, sourceVolume, agentLabels, taskId),
              containerPath,
              bool(mountPoint, "readOnly")));
    }
    return mounts;
  }

  private static MountSource mountSource(
      JsonNode volume, String name, Map<String, String> agentLabels, Optional<String> taskId) {
    for (String unsupported :
        List.of(
            "efsVolumeConfiguration",
            "fsxWindowsFileServerVolumeConfiguration",
            "s3filesVolumeConfiguration")) {
      if (present(volume.get(unsupported))) {
        throw new IllegalArgumentException(
            "volume " + name + ": " + unsupported + " is not supported by this agent");
      }
    }
    if (bool(volume, "configuredAtLaunch")) {
      throw new IllegalArgumentException(
          "volume " + name + ": volumes configured at launch are not supported");
    }
    Optional<String> sourcePath =
        text(volume.path("host"), "sourcePath").filter(path -> !path.isBlank());
    if (sourcePath.isPresent()) {
      return new HostPath(sourcePath.get());
    }
    JsonNode config = volume.get("dockerVolumeConfiguration");
    VolumeScope scope =
        present(config) && "shared".equals(text(config, "scope").orElse("task"))
            ? VolumeScope.SHARED
            : VolumeScope.TASK;
    Map<String, String> volumeLabels =
        new LinkedHashMap<>(present(config) ? stringMap(config.get("labels")) : Map.of());
    if (scope == VolumeScope.TASK) {
      // the agent's labels (task ARN ...) find task volumes left behind by a crash
      for (String key :
          List.of(ContainerLabels.MANAGED, ContainerLabels.CLUSTER, ContainerLabels.TASK_ARN)) {
        Optional.ofNullable(agentLabels.get(key)).ifPresent(value -> volumeLabels.put(key, value));
      }
    }
    String dockerName =
        scope == VolumeScope.SHARED
            ? name
            : dockerName(NAME_PREFIX + taskId.map(id -> id + "-").orElse("") + name);
    return new DockerVolume(
        dockerName,
        present(config) ? text(config, "driver").orElse(null) : null,
        present(config) ? stringMap(config.get("driverOpts")) : Map.of(),
        volumeLabels,
        scope,
        scope == VolumeScope.TASK || (present(config) && bool(config, "autoprovision")));
  }

  private static List<String> environment(JsonNode container, List<String> fromFiles) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode variable : array(container, "environment")) {
      text(variable, "name").ifPresent(name -> env.put(name, text(variable, "value").orElse("")));
    }
    for (String line : fromFiles) {
      int equals = line.indexOf('=');
      String name = equals < 0 ? line : line.substring(0, equals);
      env.putIfAbsent(name, equals < 0 ? "" : line.substring(equals + 1));
    }
    List<String> pairs = new ArrayList<>();
    env.forEach((name, value) -> pairs.add(name + "=" + value));
    return pairs;
  }

  private static RuntimeOptions runtimeOptions(
      String containerName,
      JsonNode container,
      JsonNode taskDefinition,
      NetworkMode networkMode,
      Map<String, String> agentLabels,
      Optional<String> taskId,
      List<String> notes) {
    List<String> taskContainers = new ArrayList<>();
    for (JsonNode other : array(taskDefinition, "containerDefinitions")) {
      text(other, "name").ifPresent(taskContainers::add);
    }
    java.util.function.Function<String, String> runtimeName =
        other -> {
          if (!taskContainers.isEmpty() && !taskContainers.contains(other)) {
            throw new IllegalArgumentException(
                "container '"
                    + containerName
                    + "': "
                    + other
                    + " is not a container of the task definition");
          }
          return taskId.map(id -> containerName(other, agentLabels, id)).orElse(other);
        };
    List<Link> links = new ArrayList<>();
    for (JsonNode link : array(container, "links")) {
      if (networkMode != NetworkMode.BRIDGE) {
        throw new IllegalArgumentException(
            "container '" + containerName + "': links are only supported in bridge network mode");
      }
      String[] nameAndAlias = link.asText().split(":", 2);
      links.add(
          new Link(
              runtimeName.apply(nameAndAlias[0]),
              nameAndAlias.length == 2 ? nameAndAlias[1] : nameAndAlias[0]));
    }
    List<VolumesFrom> volumesFrom = new ArrayList<>();
    for (JsonNode from : array(container, "volumesFrom")) {
      String source =
          text(from, "sourceContainer")
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "container '"
                              + containerName
                              + "': volumesFrom needs a sourceContainer"));
      volumesFrom.add(new VolumesFrom(runtimeName.apply(source), bool(from, "readOnly")));
    }
    List<String> extraHosts = new ArrayList<>();
    for (JsonNode host : array(container, "extraHosts")) {
      extraHosts.add(
          text(host, "hostname")
                  .orElseThrow(() -> new IllegalArgumentException("extraHosts need a hostname"))
              + ":"
              + text(host, "ipAddress")
                  .orElseThrow(() -> new IllegalArgumentException("extraHosts need an ipAddress")));
    }
    Map<String, String> sysctls = new LinkedHashMap<>();
    for (JsonNode control : array(container, "systemControls")) {
      text(control, "namespace")
          .ifPresent(namespace -> sysctls.put(namespace, text(control, "value").orElse("")));
    }
    return new RuntimeOptions(
        text(container, "hostname").filter(name -> !name.isBlank()).orElse(null),
        bool(container, "disableNetworking"),
        bool(container, "privileged"),
        bool(container, "interactive"),
        bool(container, "pseudoTerminal"),
        links,
        volumesFrom,
        strings(container, "dnsServers"),
        strings(container, "dnsSearchDomains"),
        extraHosts,
        strings(container, "dockerSecurityOptions"),
        sysctls,
        linuxParameters(
            containerName,
            container.get("linuxParameters"),
            integer(container, "memory").isPresent(),
            notes),
        gpus(containerName, container));
  }

  private static LinuxParameters linuxParameters(
      String containerName, JsonNode linux, boolean hardMemoryLimit, List<String> notes) {
    if (!present(linux)) {
      return LinuxParameters.NONE;
    }
    List<Device> devices = new ArrayList<>();
    for (JsonNode device : array(linux, "devices")) {
      String hostPath =
          text(device, "hostPath")
              .orElseThrow(() -> new IllegalArgumentException("a device needs a hostPath"));
      StringBuilder permissions = new StringBuilder();
      for (String permission : strings(device, "permissions")) {
        permissions.append(
            switch (permission) {
              case "read" -> "r";
              case "write" -> "w";
              case "mknod" -> "m";
              default ->
                  throw new IllegalArgumentException(
                      "device " + hostPath + ": permission " + permission);
            });
      }
      devices.add(
          new Device(
              hostPath,
              text(device, "containerPath").orElse(hostPath),
              permissions.isEmpty() ? "rwm" : permissions.toString()));
    }
    Map<String, String> tmpfs = new LinkedHashMap<>();
    for (JsonNode mount : array(linux, "tmpfs")) {
      String path =
          text(mount, "containerPath")
              .orElseThrow(() -> new IllegalArgumentException("a tmpfs needs a containerPath"));
      int size =
          integer(mount, "size")
              .orElseThrow(() -> new IllegalArgumentException("tmpfs " + path + " needs a size"));
      List<String> options = new ArrayList<>();
      options.add("size=" + size + "m");
      options.addAll(strings(mount, "mountOptions"));
      tmpfs.put(path, String.join(",", options));
    }
    Integer maxSwap = boxed(integer(linux, "maxSwap"));
    if (maxSwap != null && !hardMemoryLimit) {
      // Docker's swap limit is memory + swap: without a hard limit there is nothing to add to
      notes.add(
          "linuxParameters.maxSwap needs the container's memory (a hard limit) and was left out");
      maxSwap = null;
    }
    return new LinuxParameters(
        strings(linux.path("capabilities"), "add"),
        strings(linux.path("capabilities"), "drop"),
        devices,
        bool(linux, "initProcessEnabled"),
        tmpfs,
        boxed(integer(linux, "sharedMemorySize")),
        maxSwap,
        maxSwap == null ? null : integer(linux, "swappiness").orElse(DEFAULT_SWAPPINESS));
  }

  /** {@code resourceRequirements}: GPUs are honoured; inference accelerators do not exist here. */
  private static int gpus(String containerName, JsonNode container) {
    int gpus = 0;
    for (JsonNode requirement : array(container, "resourceRequirements")) {
      String type = text(requirement, "type").orElse("");
      String value = text(requirement, "value").orElse("");
      if (!type.equals("GPU")) {
        throw new IllegalArgumentException(
            "container '"
                + containerName
                + "': resourceRequirements type "
                + type
                + " is not supported by this agent (GPU is)");
      }
      try {
        gpus += Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "container '" + containerName + "': GPU count must be a number: " + value);
      }
    }
    return gpus;
  }

  private static List<Ulimit> ulimits(JsonNode container) {
    List<Ulimit> ulimits = new ArrayList<>();
    for (JsonNode ulimit : array(container, "ulimits")) {
      String name =
          text(ulimit, "name")
              .orElseThrow(() -> new IllegalArgumentException("a ulimit needs a name"));
      long soft =
          integer(ulimit, "softLimit")
              .orElseThrow(
                  () -> new IllegalArgumentException("ulimit " + name + " needs a softLimit"));
      long hard =
          integer(ulimit, "hardLimit")
              .orElseThrow(
                  () -> new IllegalArgumentException("ulimit " + name + " needs a hardLimit"));
      ulimits.add(new Ulimit(name, soft, hard));
    }
    return ulimits;
  }

  /** The log driver whose output the agent ships itself. */
  public static final String AWSLOGS_DRIVER = "awslogs";

  /**
   * json-file with its options; awslogs: json-file, read by the agent; any other driver: json-file
   * without options, and a note.
   */
  private static LogConfiguration logConfiguration(JsonNode logConfiguration, List<String> notes) {
    if (!present(logConfiguration)) {
      return LogConfiguration.JSON_FILE;
    }
    String driver = text(logConfiguration, "logDriver").orElse(LogConfiguration.JSON_FILE_DRIVER);
    if (AWSLOGS_DRIVER.equals(driver)) {
      // Never Docker's own awslogs driver, which would call AWS: the container logs to json-file
      // and the agent ships what it prints to the control plane (agent/logs).
      return LogConfiguration.JSON_FILE;
    }
    if (!LogConfiguration.JSON_FILE_DRIVER.equals(driver)) {
      notes.add(
          "logDriver "
              + driver
              + " is not supported by this agent: the container logs to json-file");
      return LogConfiguration.JSON_FILE;
    }
    if (present(logConfiguration.get("secretOptions"))
        && !logConfiguration.get("secretOptions").isEmpty()) {
      notes.add("logConfiguration.secretOptions are not supported by this agent and were left out");
    }
    return new LogConfiguration(driver, stringMap(logConfiguration.get("options")));
  }

  private static List<String> notMapped(JsonNode container, List<String> notes) {
    for (String member : NOT_MAPPED) {
      JsonNode value = container.get(member);
      boolean set =
          present(value)
              && !(value.isContainerNode() && value.isEmpty())
              && !(value.isBoolean() && !value.asBoolean());
      if (set) {
        notes.add(member + " is not supported by this agent yet and was left out");
      }
    }
    return notes;
  }

  private static String containerName(
      String containerName, Map<String, String> labels, String taskId) {
    String family = labels.get(ContainerLabels.TASK_DEFINITION_FAMILY);
    String revision = labels.get(ContainerLabels.TASK_DEFINITION_VERSION);
    String prefix = family != null && revision != null ? family + "-" + revision + "-" : "";
    return dockerName(NAME_PREFIX + prefix + containerName + "-" + taskId);
  }

  /** Docker names: {@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}. */
  static String dockerName(String name) {
    return NOT_IN_DOCKER_NAME.matcher(name).replaceAll("_");
  }

  private static String lastPathSegment(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  // ---- reading ECS JSON ----

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull() && !node.isMissingNode();
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return present(value) ? Optional.of(value.asText()) : Optional.empty();
  }

  private static OptionalInt integer(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (!present(value)) {
      return OptionalInt.empty();
    }
    if (!value.canConvertToInt()) {
      throw new IllegalArgumentException(field + " must be an integer: " + value);
    }
    return OptionalInt.of(value.asInt());
  }

  private static Integer boxed(OptionalInt value) {
    return value.isPresent() ? value.getAsInt() : null;
  }

  private static boolean bool(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return present(value) && value.asBoolean();
  }

  private static Duration seconds(JsonNode node, String field, Duration fallback) {
    OptionalInt value = integer(node, field);
    return value.isPresent() ? Duration.ofSeconds(value.getAsInt()) : fallback;
  }

  private static Iterable<JsonNode> array(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return present(value) && value.isArray() ? value : List.of();
  }

  private static List<String> strings(JsonNode node, String field) {
    List<String> strings = new ArrayList<>();
    for (JsonNode element : array(node, field)) {
      strings.add(element.asText());
    }
    return strings;
  }

  private static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    if (present(node) && node.isObject()) {
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        map.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asText());
      }
    }
    return map;
  }
}
