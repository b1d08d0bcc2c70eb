package io.harbormaster.taskdefinition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.EcsException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The semantic rules of RegisterTaskDefinition, and the defaults ECS shows in
 * DescribeTaskDefinition.
 *
 * <p>Types, enums and required members are checked against the API model before this runs, so only
 * rules the model cannot express live here. Every error is a {@code ClientException}: that is what
 * ECS returns for an invalid task definition (e.g. "Family contains invalid characters.", "Too many
 * containers."), and the messages copy ECS's wording where it is known, naming the container and
 * field at fault.
 */
public final class TaskDefinitionRules {

  public static final int MAX_CONTAINERS = 10;
  public static final int MAX_DEFINITION_BYTES = 65_536;

  /**
   * Docker 20.10+ reserves 6 MiB per container; ECS documents it as the minimum container memory.
   */
  public static final int MIN_CONTAINER_MEMORY_MIB = 6;

  /** ECS's documented range of task-level CPU for EC2 and external instances. */
  public static final int MIN_TASK_CPU_UNITS = 128;

  public static final int MAX_TASK_CPU_UNITS = 196_608;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Family, container and volume names: up to 255 letters, digits, underscores and hyphens. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private static final int MAX_NAME_LENGTH = 255;

  /**
   * Image reference before any '@': letters, digits, hyphens, underscores, colons, periods,
   * slashes, '#'.
   */
  private static final Pattern IMAGE_NAME = Pattern.compile("[A-Za-z0-9_\\-:./#]+");

  private static final Pattern IMAGE_DIGEST = Pattern.compile("sha256:[A-Fa-f0-9]{64}");
  private static final int MAX_IMAGE_NAME_LENGTH = 255;
  private static final Pattern TASK_CPU =
      Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(vcpu)?\\s*");
  private static final Pattern TASK_MEMORY =
      Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(gb|gib|mb|mib)?\\s*");
  private static final Set<String> STATIC_PORT_MODES = Set.of("host", "awsvpc");
  private static final Set<String> CONDITIONS = Set.of("START", "COMPLETE", "SUCCESS", "HEALTHY");
  private static final Set<String> HEALTH_CHECK_KINDS = Set.of("CMD", "CMD-SHELL", "NONE");
  private static final int MAX_PORT = 65_535;

  private TaskDefinitionRules() {}

  /**
   * Checks a RegisterTaskDefinition request and returns the task definition as
   * DescribeTaskDefinition shows it: a deep copy of the request without {@code tags}, plus ECS's
   * defaults where a member is absent. Server-set members (ARN, revision, status, registeredAt/By)
   * are the caller's.
   *
   * @throws EcsException a {@code ClientException} naming the rule that failed
   */
  public static ObjectNode normalize(JsonNode registerRequest) {
    if (registerRequest == null || !registerRequest.isObject()) {
      throw EcsException.clientException("The task definition must be a JSON object.");
    }
    ObjectNode definition = ((ObjectNode) registerRequest).deepCopy();
    definition.remove("tags");

    checkSize(definition);
    checkFamily(definition.get("family"));
    List<ObjectNode> containers = containerDefinitions(definition);
    String networkMode = text(definition, "networkMode").orElse("bridge");
    Optional<Long> taskCpu = taskCpuUnits(definition);
    Optional<Long> taskMemory = taskMemoryMiB(definition);
    Map<String, ObjectNode> byName = checkContainerNames(containers);
    Map<String, ObjectNode> volumes = checkVolumes(definition);

    for (ObjectNode container : containers) {
      String name = container.get("name").asText();
      checkImage(name, container.get("image"));
      checkContainerMemory(name, container, taskMemory.isPresent());
      checkContainerCpu(name, container);
      checkPortMappings(name, container, networkMode);
      checkNetworkModeRestrictions(name, container, networkMode);
      checkHealthCheck(name, container.get("healthCheck"));
      checkMountPoints(name, container, volumes);
      checkVolumesFrom(name, container, byName);
      checkUlimits(name, container);
      checkTimeouts(name, container);
      checkRestartPolicy(name, container.get("restartPolicy"));
      checkGpus(name, container);
      checkDependsOn(name, container, byName);
    }
    taskCpu.ifPresent(units -> checkTaskCpu(units, containers));
    taskMemory.ifPresent(mib -> checkTaskMemory(mib, containers));
    checkAtLeastOneEssential(containers);
    checkHostPortsUnique(containers, networkMode);
    checkNoDependencyCycle(containers);
    if (strings(definition, "requiresCompatibilities").contains("FARGATE")) {
      checkFargate(definition, networkMode, taskCpu, taskMemory);
    }

    addDefaults(definition, containers, networkMode);
    definition.set(
        "compatibilities",
        fargateCompatible(definition, containers, networkMode, taskCpu, taskMemory)
            ? definition.arrayNode().add("EC2").add("FARGATE")
            : definition.arrayNode().add("EC2"));
    return definition;
  }

  // ---- task level ----

  /**
   * Fargate's Linux task sizes: CPU units → the memory (MiB) allowed with them, from the smallest
   * to the largest in steps; 256 CPU units take 512, 1024 or 2048 MiB.
   */
  private record FargateSize(long cpu, long minMemory, long maxMemory, long step) {}

  private static final List<FargateSize> FARGATE_SIZES =
      List.of(
          new FargateSize(512, 1024, 4096, 1024),
          new FargateSize(1024, 2048, 8192, 1024),
          new FargateSize(2048, 4096, 16384, 1024),
          new FargateSize(4096, 8192, 30720, 1024),
          new FargateSize(8192, 16384, 61440, 4096),
          new FargateSize(16384, 32768, 122880, 8192));

  static boolean fargateSize(long cpu, long memory) {
    if (cpu == 256) return memory == 512 || memory == 1024 || memory == 2048;
    return FARGATE_SIZES.stream()
        .anyMatch(
            size ->
                size.cpu() == cpu
                    && memory >= size.minMemory()
                    && memory <= size.maxMemory()
                    && (memory - size.minMemory()) % size.step() == 0);
  }

  /** What Fargate refuses, in ECS's words where they are known. */
  static void checkFargate(
      ObjectNode definition, String networkMode, Optional<Long> cpu, Optional<Long> memory) {
    if (!networkMode.equals("awsvpc")) {
      throw EcsException.clientException("Fargate only supports network mode 'awsvpc'.");
    }
    if (cpu.isEmpty()) {
      throw EcsException.clientException(
          "Fargate requires that 'cpu' be defined at the task level.");
    }
    if (memory.isEmpty()) {
      throw EcsException.clientException(
          "Fargate requires that 'memory' be defined at the task level.");
    }
    if (!fargateSize(cpu.get(), memory.get())) {
      throw EcsException.clientException(
          "No Fargate configuration exists for given values: "
              + cpu.get()
              + " CPU, "
              + memory.get()
              + " memory. See the Amazon ECS documentation for the valid values.");
    }
    if ("host".equals(text(definition, "pidMode").orElse(null))) {
      throw EcsException.clientException("Fargate does not support pidMode 'host'.");
    }
    if (text(definition, "ipcMode").isPresent()) {
      throw EcsException.clientException("Fargate does not support ipcMode.");
    }
  }

  /**
   * ECS answers {@code compatibilities} with FARGATE beside EC2 when the definition could run
   * there: awsvpc, a Fargate task size, and nothing Fargate refuses (host PID or IPC namespaces,
   * host paths, privileged containers).
   */
  static boolean fargateCompatible(
      ObjectNode definition,
      List<ObjectNode> containers,
      String networkMode,
      Optional<Long> cpu,
      Optional<Long> memory) {
    if (!networkMode.equals("awsvpc") || cpu.isEmpty() || memory.isEmpty()) return false;
    if (!fargateSize(cpu.get(), memory.get())) return false;
    if ("host".equals(text(definition, "pidMode").orElse(null))) return false;
    if (text(definition, "ipcMode").isPresent()) return false;
    for (ObjectNode volume : objects(definition, "volumes")) {
      if (text(volume.path("host"), "sourcePath").isPresent()) return false;
    }
    return containers.stream().noneMatch(c -> c.path("privileged").asBoolean(false));
  }

  /** ECS measures the definition as registered; 64 KiB is its hard limit. */
  static void checkSize(ObjectNode definition) {
    int bytes;
    try {
      bytes = JSON.writeValueAsBytes(definition).length;
    } catch (JsonProcessingException e) {
      throw EcsException.clientException(
          "The task definition cannot be serialized: " + e.getOriginalMessage());
    }
    if (bytes > MAX_DEFINITION_BYTES) {
      throw EcsException.clientException(
          "Actual length: '"
              + bytes
              + "'. Max allowed length is '"
              + MAX_DEFINITION_BYTES
              + "' bytes.");
    }
  }

  static void checkFamily(JsonNode family) {
    if (family == null || !family.isTextual() || family.asText().isEmpty()) {
      throw EcsException.clientException("Family can not be blank.");
    }
    String value = family.asText();
    if (value.length() > MAX_NAME_LENGTH) {
      throw EcsException.clientException(
          "Family is too long: "
              + value.length()
              + " characters, at most "
              + MAX_NAME_LENGTH
              + " are allowed.");
    }
    if (!NAME.matcher(value).matches()) {
      throw EcsException.clientException(
          "Family contains invalid characters. Up to 255 letters (uppercase and "
              + "lowercase), numbers, underscores, and hyphens are allowed.");
    }
  }

  static List<ObjectNode> containerDefinitions(ObjectNode definition) {
    JsonNode list = definition.get("containerDefinitions");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw EcsException.clientException("Container list cannot be empty.");
    }
    if (list.size() > MAX_CONTAINERS) {
      throw EcsException.clientException(
          "Too many containers. A task definition can have at most "
              + MAX_CONTAINERS
              + " containers, this one has "
              + list.size()
              + ".");
    }
    List<ObjectNode> containers = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!list.get(i).isObject()) {
        throw EcsException.clientException("containerDefinitions[" + i + "] must be an object.");
      }
      containers.add((ObjectNode) list.get(i));
    }
    return containers;
  }

  /**
   * Names must be valid and unique: dependsOn, volumesFrom, links and overrides all refer to
   * containers by name.
   */
  static Map<String, ObjectNode> checkContainerNames(List<ObjectNode> containers) {
    Map<String, ObjectNode> byName = new LinkedHashMap<>();
    for (int i = 0; i < containers.size(); i++) {
      JsonNode name = containers.get(i).get("name");
      if (name == null || !name.isTextual() || name.asText().isEmpty()) {
        throw EcsException.clientException(
            "Container.name should not be null or empty (containerDefinitions[" + i + "]).");
      }
      String value = name.asText();
      if (value.length() > MAX_NAME_LENGTH || !NAME.matcher(value).matches()) {
        throw EcsException.clientException(
            "Container.name contains invalid characters: '"
                + value
                + "'. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
      }
      if (byName.put(value, containers.get(i)) != null) {
        throw EcsException.clientException(
            "Duplicate container name '"
                + value
                + "'. Container names must be unique within a task definition.");
      }
    }
    return byName;
  }

  /** Volume names are what mount points refer to, so they must be present, valid and unique. */
  static Map<String, ObjectNode> checkVolumes(ObjectNode definition) {
    Map<String, ObjectNode> volumes = new HashMap<>();
    for (ObjectNode volume : objects(definition, "volumes")) {
      JsonNode name = volume.get("name");
      if (name == null || !name.isTextual() || name.asText().isEmpty()) {
        throw EcsException.clientException("Volume name should not be null or empty.");
      }
      String value = name.asText();
      if (value.length() > MAX_NAME_LENGTH || !NAME.matcher(value).matches()) {
        throw EcsException.clientException(
            "Volume name contains invalid characters: '"
                + value
                + "'. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
      }
      if (volumes.put(value, volume) != null) {
        throw EcsException.clientException(
            "Duplicate volume name '"
                + value
                + "'. Volume names must be unique within a task definition.");
      }
    }
    return volumes;
  }

  /**
   * Task cpu is a string: "1024" (units) or "1 vCPU" / "0.5 vcpu"; ECS accepts 128..196608 units on
   * EC2.
   */
  static void checkTaskCpu(long units, List<ObjectNode> containers) {
    if (units < MIN_TASK_CPU_UNITS || units > MAX_TASK_CPU_UNITS) {
      throw EcsException.clientException(
          "Invalid 'cpu' setting for task. It is "
              + units
              + " CPU units; allowed "
              + "are "
              + MIN_TASK_CPU_UNITS
              + " to "
              + MAX_TASK_CPU_UNITS
              + ".");
    }
    long sum = 0;
    for (ObjectNode container : containers) {
      sum += integer(container, "cpu").orElse(0);
    }
    if (sum > units) {
      throw EcsException.clientException(
          "The sum of all container 'cpu' values cannot be greater than the value "
              + "of the task 'cpu' ("
              + sum
              + " > "
              + units
              + ").");
    }
  }

  /**
   * Task memory is a string: "512" (MiB), "2 GB" or "512 MiB"; the containers' memory must fit
   * inside it.
   */
  static void checkTaskMemory(long mib, List<ObjectNode> containers) {
    if (mib < MIN_CONTAINER_MEMORY_MIB) {
      throw EcsException.clientException(
          "Invalid 'memory' setting for task. It must be at least "
              + MIN_CONTAINER_MEMORY_MIB
              + " MiB.");
    }
    long reserved = 0;
    for (ObjectNode container : containers) {
      String name = container.get("name").asText();
      OptionalInt hardLimit = integer(container, "memory");
      if (hardLimit.isPresent() && hardLimit.getAsInt() > mib) {
        throw EcsException.clientException(
            "Invalid 'memory' setting for container '"
                + name
                + "'. The container "
                + "memory ("
                + hardLimit.getAsInt()
                + " MiB) cannot be greater than the task memory ("
                + mib
                + " MiB).");
      }
      // What ECS reserves on the instance: the soft limit when given, else the hard limit.
      OptionalInt soft = integer(container, "memoryReservation");
      reserved += soft.isPresent() ? soft.getAsInt() : hardLimit.orElse(0);
    }
    if (reserved > mib) {
      throw EcsException.clientException(
          "The sum of all container memory reservations ("
              + reserved
              + " MiB) cannot be greater than the task 'memory' ("
              + mib
              + " MiB).");
    }
  }

  public static Optional<Long> taskCpuUnits(ObjectNode definition) {
    return text(definition, "cpu")
        .map(
            value -> {
              Matcher m = TASK_CPU.matcher(value);
              Long units = m.matches() ? scaled(m.group(1), m.group(2) == null ? 1 : 1024) : null;
              if (units == null) {
                throw EcsException.clientException(
                    "Invalid 'cpu' setting for task. '"
                        + value
                        + "' is neither a whole "
                        + "number of CPU units (e.g. \"1024\") nor a number of vCPUs (e.g. \"1 vCPU\", \"0.5 vcpu\").");
              }
              return units;
            });
  }

  public static Optional<Long> taskMemoryMiB(ObjectNode definition) {
    return text(definition, "memory")
        .map(
            value -> {
              Matcher m = TASK_MEMORY.matcher(value);
              Long mib = null;
              if (m.matches()) {
                String unit = m.group(2) == null ? "mib" : m.group(2).toLowerCase(Locale.ROOT);
                mib = scaled(m.group(1), unit.startsWith("g") ? 1024 : 1);
              }
              if (mib == null) {
                throw EcsException.clientException(
                    "Invalid 'memory' setting for task. '"
                        + value
                        + "' is neither a whole "
                        + "number of MiB (e.g. \"512\") nor a size with a unit (e.g. \"2 GB\", \"512 MiB\").");
              }
              return mib;
            });
  }

  /**
   * number × factor when that is a whole number, else null; "1.5" units or "0.3 vCPU" are not
   * representable.
   */
  private static Long scaled(String number, int factor) {
    try {
      return new BigDecimal(number).multiply(BigDecimal.valueOf(factor)).longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * ECS: "Task definition doesn't have any essential container." Containers are essential unless
   * told otherwise.
   */
  static void checkAtLeastOneEssential(List<ObjectNode> containers) {
    if (containers.stream().noneMatch(TaskDefinitionRules::isEssential)) {
      throw EcsException.clientException(
          "Task definition doesn't have any essential container. At least one "
              + "essential container is required.");
    }
  }

  /** Two mappings on the same host port and protocol could never be placed on one instance. */
  static void checkHostPortsUnique(List<ObjectNode> containers, String networkMode) {
    Map<String, String> owners = new HashMap<>();
    for (ObjectNode container : containers) {
      String name = container.get("name").asText();
      for (ObjectNode mapping : objects(container, "portMappings")) {
        int hostPort = effectiveHostPort(mapping, networkMode);
        if (hostPort == 0) {
          continue; // dynamic: the agent picks a free port for each mapping
        }
        String key = hostPort + "/" + protocol(mapping);
        String owner = owners.putIfAbsent(key, name);
        if (owner != null) {
          throw EcsException.clientException(
              "Host port "
                  + key
                  + " of container '"
                  + name
                  + "' is already used by "
                  + (owner.equals(name)
                      ? "another mapping of the same container"
                      : "container '" + owner + "'")
                  + "; a host port can be mapped only once in a task definition.");
        }
      }
    }
  }

  /**
   * Startup order must be satisfiable: a cycle would leave every container in it waiting forever.
   */
  static void checkNoDependencyCycle(List<ObjectNode> containers) {
    Map<String, List<String>> edges = new LinkedHashMap<>();
    for (ObjectNode container : containers) {
      List<String> targets = new ArrayList<>();
      for (ObjectNode dependency : objects(container, "dependsOn")) {
        targets.add(dependency.get("containerName").asText());
      }
      edges.put(container.get("name").asText(), targets);
    }
    Set<String> done = new HashSet<>();
    for (String start : edges.keySet()) {
      List<String> path = new ArrayList<>();
      List<String> cycle = findCycle(start, edges, path, done);
      if (cycle != null) {
        throw EcsException.clientException(
            "Container dependencies form a cycle: "
                + String.join(" -> ", cycle)
                + ". dependsOn must not be circular.");
      }
    }
  }

  private static List<String> findCycle(
      String node, Map<String, List<String>> edges, List<String> path, Set<String> done) {
    int seen = path.indexOf(node);
    if (seen >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
      cycle.add(node);
      return cycle;
    }
    if (done.contains(node)) {
      return null;
    }
    path.add(node);
    for (String next : edges.getOrDefault(node, List.of())) {
      List<String> cycle = findCycle(next, edges, path, done);
      if (cycle != null) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    done.add(node);
    return null;
  }

  // ---- container level ----

  /**
   * ECS passes the image to Docker; it documents 255 characters before any '@' and sha256 digests
   * only.
   */
  static void checkImage(String container, JsonNode image) {
    if (image == null || !image.isTextual() || image.asText().isBlank()) {
      throw EcsException.clientException(
          "Container.image should not be null or empty (container '" + container + "').");
    }
    String value = image.asText();
    int at = value.indexOf('@');
    String name = at < 0 ? value : value.substring(0, at);
    if (name.length() > MAX_IMAGE_NAME_LENGTH) {
      throw EcsException.clientException(
          "Invalid 'image' setting for container '"
              + container
              + "'. The image "
              + "name is "
              + name.length()
              + " characters long; at most "
              + MAX_IMAGE_NAME_LENGTH
              + " are allowed.");
    }
    if (!IMAGE_NAME.matcher(name).matches()) {
      throw EcsException.clientException(
          "Invalid 'image' setting for container '"
              + container
              + "'. '"
              + name
              + "' may contain only letters, numbers, hyphens, underscores, colons, periods, forward slashes and "
              + "number signs.");
    }
    if (at >= 0 && !IMAGE_DIGEST.matcher(value.substring(at + 1)).matches()) {
      throw EcsException.clientException(
          "Invalid 'image' setting for container '"
              + container
              + "'. An image "
              + "digest must be 'sha256:' followed by 64 hexadecimal characters.");
    }
  }

  /**
   * Without a task-level memory the scheduler has nothing to reserve unless each container says how
   * much.
   */
  static void checkContainerMemory(String container, ObjectNode definition, boolean taskHasMemory) {
    OptionalInt memory = integer(definition, "memory");
    OptionalInt reservation = integer(definition, "memoryReservation");
    if (!taskHasMemory && memory.isEmpty() && reservation.isEmpty()) {
      throw EcsException.clientException(
          "Invalid setting for container '"
              + container
              + "'. At least one of 'memory' or 'memoryReservation' must be specified.");
    }
    if (memory.isPresent() && memory.getAsInt() < MIN_CONTAINER_MEMORY_MIB) {
      throw EcsException.clientException(
          "Invalid 'memory' setting for container '"
              + container
              + "'. It is "
              + memory.getAsInt()
              + " MiB; the minimum is "
              + MIN_CONTAINER_MEMORY_MIB
              + " MiB.");
    }
    if (reservation.isPresent() && reservation.getAsInt() <= 0) {
      throw EcsException.clientException(
          "Invalid 'memoryReservation' setting for container '"
              + container
              + "'. It must be a positive number of MiB.");
    }
    if (memory.isPresent()
        && reservation.isPresent()
        && reservation.getAsInt() > memory.getAsInt()) {
      throw EcsException.clientException(
          "Invalid setting for container '"
              + container
              + "'. 'memory' ("
              + memory.getAsInt()
              + ") must be greater than or equal to 'memoryReservation' ("
              + reservation.getAsInt()
              + ").");
    }
  }

  static void checkContainerCpu(String container, ObjectNode definition) {
    OptionalInt cpu = integer(definition, "cpu");
    if (cpu.isPresent() && cpu.getAsInt() < 0) {
      throw EcsException.clientException(
          "Invalid 'cpu' setting for container '" + container + "'. CPU units cannot be negative.");
    }
  }

  /**
   * With host/awsvpc the container port is the host port (no remapping), so a different hostPort is
   * an error; with none there is no network to map onto.
   */
  static void checkPortMappings(String container, ObjectNode definition, String networkMode) {
    List<ObjectNode> mappings = objects(definition, "portMappings");
    if (!mappings.isEmpty() && "none".equals(networkMode)) {
      throw EcsException.clientException(
          "Port mappings are not supported when networkMode=none (container '" + container + "').");
    }
    Set<String> seen = new HashSet<>();
    for (ObjectNode mapping : mappings) {
      OptionalInt containerPort = integer(mapping, "containerPort");
      OptionalInt hostPort = integer(mapping, "hostPort");
      if (containerPort.isEmpty() && text(mapping, "containerPortRange").isEmpty()) {
        throw EcsException.clientException(
            "Invalid 'containerPort' setting for container '"
                + container
                + "'. A port mapping needs a containerPort (or a containerPortRange).");
      }
      checkPort(container, "containerPort", containerPort);
      checkPort(container, "hostPort", hostPort);
      if (STATIC_PORT_MODES.contains(networkMode)
          && containerPort.isPresent()
          && hostPort.isPresent()
          && hostPort.getAsInt() != containerPort.getAsInt()) {
        throw EcsException.clientException(
            "When networkMode="
                + networkMode
                + ", the host ports and container "
                + "ports in port mappings must match (container '"
                + container
                + "': hostPort "
                + hostPort.getAsInt()
                + ", containerPort "
                + containerPort.getAsInt()
                + ").");
      }
      if (containerPort.isPresent()
          && !seen.add(containerPort.getAsInt() + "/" + protocol(mapping))) {
        throw EcsException.clientException(
            "Container '"
                + container
                + "' maps containerPort "
                + containerPort.getAsInt()
                + "/"
                + protocol(mapping)
                + " more than once.");
      }
    }
  }

  private static void checkPort(String container, String field, OptionalInt port) {
    if (port.isPresent() && (port.getAsInt() < 0 || port.getAsInt() > MAX_PORT)) {
      throw EcsException.clientException(
          "Invalid '"
              + field
              + "' setting for container '"
              + container
              + "'. "
              + port.getAsInt()
              + " is not between 0 and "
              + MAX_PORT
              + ".");
    }
  }

  /**
   * Links need Docker's bridge network; a hostname would be the instance's (host) or the ENI's
   * (awsvpc).
   */
  static void checkNetworkModeRestrictions(
      String container, ObjectNode definition, String networkMode) {
    if (!STATIC_PORT_MODES.contains(networkMode)) {
      return;
    }
    if (!array(definition, "links").isEmpty()) {
      throw EcsException.clientException(
          "Links are not supported when networkMode="
              + networkMode
              + " (container '"
              + container
              + "').");
    }
    if (definition.hasNonNull("hostname")) {
      throw EcsException.clientException(
          "hostname is not supported on container when networkMode="
              + networkMode
              + " (container '"
              + container
              + "').");
    }
  }

  /** A GPU requirement is a whole number of GPUs. */
  static void checkGpus(String container, JsonNode definition) {
    for (JsonNode requirement : objects(definition, "resourceRequirements")) {
      if (!"GPU".equals(requirement.path("type").asText())) continue;
      String value = requirement.path("value").asText("");
      if (!value.matches("[1-9][0-9]{0,3}")) {
        throw EcsException.clientException(
            "The GPU resource requirement of container '"
                + container
                + "' must be a whole number of GPUs, not '"
                + value
                + "'.");
      }
    }
  }

  /** ECS's limits: an attempt period of 60-1800 seconds, at most 50 ignored exit codes. */
  static void checkRestartPolicy(String container, JsonNode restartPolicy) {
    if (restartPolicy == null || restartPolicy.isNull()) {
      return;
    }
    OptionalInt period = integer(restartPolicy, "restartAttemptPeriod");
    if (period.isPresent() && (period.getAsInt() < 60 || period.getAsInt() > 1800)) {
      throw EcsException.clientException(
          "The restartAttemptPeriod for container '"
              + container
              + "' must be between 60 and 1800 seconds.");
    }
    if (restartPolicy.path("ignoredExitCodes").size() > 50) {
      throw EcsException.clientException(
          "The restart policy of container '" + container + "' can ignore at most 50 exit codes.");
    }
  }

  /**
   * The ranges are ECS's (interval 5-300, timeout 2-60, retries 1-10, startPeriod 0-300 seconds).
   */
  static void checkHealthCheck(String container, JsonNode healthCheck) {
    if (healthCheck == null || healthCheck.isNull()) {
      return;
    }
    ArrayNode command =
        healthCheck.get("command") instanceof ArrayNode a ? a : JSON.createArrayNode();
    if (command.isEmpty()) {
      throw EcsException.clientException(
          "Health check command for container '" + container + "' should not be empty.");
    }
    String kind = command.get(0).asText();
    if (!HEALTH_CHECK_KINDS.contains(kind)) {
      throw EcsException.clientException(
          "Health check command for container '"
              + container
              + "' must start with "
              + "CMD, CMD-SHELL or NONE, not '"
              + kind
              + "'.");
    }
    if (!"NONE".equals(kind) && command.size() < 2) {
      throw EcsException.clientException(
          "Health check command for container '"
              + container
              + "' has nothing to "
              + "run after "
              + kind
              + ".");
    }
    checkRange(container, healthCheck, "interval", 5, 300);
    checkRange(container, healthCheck, "timeout", 2, 60);
    checkRange(container, healthCheck, "retries", 1, 10);
    checkRange(container, healthCheck, "startPeriod", 0, 300);
  }

  private static void checkRange(
      String container, JsonNode healthCheck, String field, int min, int max) {
    OptionalInt value = integer(healthCheck, field);
    if (value.isEmpty()) {
      return;
    }
    String range = " (allowed: " + min + "-" + max + ").";
    if (value.getAsInt() < min) {
      throw EcsException.clientException(
          "Health check "
              + field
              + " must be greater than or equal to the minimum "
              + "allowed value "
              + min
              + " for container '"
              + container
              + "'"
              + range);
    }
    if (value.getAsInt() > max) {
      throw EcsException.clientException(
          "Health check "
              + field
              + " must be less than or equal to the maximum "
              + "allowed value "
              + max
              + " for container '"
              + container
              + "'"
              + range);
    }
  }

  static void checkMountPoints(
      String container, ObjectNode definition, Map<String, ObjectNode> volumes) {
    for (ObjectNode mountPoint : objects(definition, "mountPoints")) {
      String source = text(mountPoint, "sourceVolume").orElse("");
      if (!volumes.containsKey(source)) {
        throw EcsException.clientException(
            "Invalid 'mountPoints' setting for container '"
                + container
                + "'. sourceVolume '"
                + source
                + "' is not a volume of this task definition.");
      }
    }
  }

  static void checkVolumesFrom(
      String container, ObjectNode definition, Map<String, ObjectNode> containers) {
    for (ObjectNode volumeFrom : objects(definition, "volumesFrom")) {
      String source = text(volumeFrom, "sourceContainer").orElse("");
      if (source.equals(container) || !containers.containsKey(source)) {
        throw EcsException.clientException(
            "Invalid 'volumesFrom' setting for container '"
                + container
                + "'. sourceContainer '"
                + source
                + "' must be another container of this task definition.");
      }
    }
  }

  static void checkUlimits(String container, ObjectNode definition) {
    for (ObjectNode ulimit : objects(definition, "ulimits")) {
      OptionalInt soft = integer(ulimit, "softLimit");
      OptionalInt hard = integer(ulimit, "hardLimit");
      if (soft.isPresent() && hard.isPresent() && soft.getAsInt() > hard.getAsInt()) {
        throw EcsException.clientException(
            "Invalid 'ulimits' setting for container '"
                + container
                + "'. The "
                + "softLimit ("
                + soft.getAsInt()
                + ") of ulimit '"
                + text(ulimit, "name").orElse("")
                + "' cannot be greater than its hardLimit ("
                + hard.getAsInt()
                + ").");
      }
    }
  }

  /** stopTimeout: 2-120 s, ECS's maximum; startTimeout: at least 2 s. */
  static void checkTimeouts(String container, ObjectNode definition) {
    OptionalInt stop = integer(definition, "stopTimeout");
    if (stop.isPresent() && (stop.getAsInt() < 2 || stop.getAsInt() > 120)) {
      throw EcsException.clientException(
          "Invalid 'stopTimeout' setting for container '"
              + container
              + "'. "
              + stop.getAsInt()
              + " is not between 2 and 120 seconds.");
    }
    OptionalInt start = integer(definition, "startTimeout");
    if (start.isPresent() && start.getAsInt() < 2) {
      throw EcsException.clientException(
          "Invalid 'startTimeout' setting for container '"
              + container
              + "'. "
              + start.getAsInt()
              + " is less than the minimum of 2 seconds.");
    }
  }

  /**
   * COMPLETE/SUCCESS wait for the target to exit, which would stop the task if the target were
   * essential; HEALTHY needs a health check to ever be satisfied.
   */
  static void checkDependsOn(
      String container, ObjectNode definition, Map<String, ObjectNode> containers) {
    for (ObjectNode dependency : objects(definition, "dependsOn")) {
      String target = text(dependency, "containerName").orElse("");
      String condition = text(dependency, "condition").orElse("");
      if (target.equals(container) || !containers.containsKey(target)) {
        throw EcsException.clientException(
            "Invalid 'dependsOn' setting for container '"
                + container
                + "'. containerName '"
                + target
                + "' must be another container of this task definition.");
      }
      if (!CONDITIONS.contains(condition)) {
        throw EcsException.clientException(
            "Invalid 'dependsOn' setting for container '"
                + container
                + "'. condition must be one of START, COMPLETE, SUCCESS, HEALTHY, not '"
                + condition
                + "'.");
      }
      ObjectNode targetDefinition = containers.get(target);
      if (("COMPLETE".equals(condition) || "SUCCESS".equals(condition))
          && isEssential(targetDefinition)) {
        throw EcsException.clientException(
            "A dependency container with SUCCESS or COMPLETE condition cannot be "
                + "an essential container (container '"
                + container
                + "' depends on essential container '"
                + target
                + "').");
      }
      if ("HEALTHY".equals(condition) && !targetDefinition.hasNonNull("healthCheck")) {
        throw EcsException.clientException(
            "Invalid 'dependsOn' setting for container '"
                + container
                + "'. Condition HEALTHY requires container '"
                + target
                + "' to have a healthCheck.");
      }
    }
  }

  // ---- defaults ----

  /**
   * Exactly the defaults real ECS shows in DescribeTaskDefinition; members the user sent are never
   * touched.
   */
  static void addDefaults(ObjectNode definition, List<ObjectNode> containers, String networkMode) {
    for (ObjectNode container : containers) {
      putIfAbsent(container, "cpu", container.numberNode(0));
      putIfAbsent(container, "essential", container.booleanNode(true));
      for (String list :
          List.of("portMappings", "environment", "mountPoints", "volumesFrom", "systemControls")) {
        putIfAbsent(container, list, container.arrayNode());
      }
      for (ObjectNode mapping : objects(container, "portMappings")) {
        putIfAbsent(mapping, "protocol", mapping.textNode("tcp"));
        if (STATIC_PORT_MODES.contains(networkMode) && mapping.hasNonNull("containerPort")) {
          putIfAbsent(mapping, "hostPort", mapping.get("containerPort").deepCopy());
        }
      }
      if (container.get("healthCheck") instanceof ObjectNode healthCheck) {
        // ECS fills in Docker's documented defaults (startPeriod stays off).
        putIfAbsent(healthCheck, "interval", healthCheck.numberNode(30));
        putIfAbsent(healthCheck, "timeout", healthCheck.numberNode(5));
        putIfAbsent(healthCheck, "retries", healthCheck.numberNode(3));
      }
    }
    putIfAbsent(definition, "volumes", definition.arrayNode());
    putIfAbsent(definition, "placementConstraints", definition.arrayNode());
  }

  private static void putIfAbsent(ObjectNode node, String field, JsonNode value) {
    if (!node.hasNonNull(field)) {
      node.set(field, value);
    }
  }

  // ---- reading ----

  private static boolean isEssential(ObjectNode container) {
    JsonNode essential = container.get("essential");
    return essential == null || essential.isNull() || essential.asBoolean();
  }

  private static int effectiveHostPort(JsonNode mapping, String networkMode) {
    OptionalInt hostPort = integer(mapping, "hostPort");
    if (hostPort.isPresent()) {
      return hostPort.getAsInt();
    }
    return STATIC_PORT_MODES.contains(networkMode)
        ? integer(mapping, "containerPort").orElse(0)
        : 0;
  }

  private static String protocol(JsonNode mapping) {
    return text(mapping, "protocol").orElse("tcp");
  }

  private static List<String> strings(JsonNode node, String field) {
    List<String> values = new ArrayList<>();
    JsonNode array = node.get(field);
    if (array != null && array.isArray()) array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  private static OptionalInt integer(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return OptionalInt.empty();
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw EcsException.clientException("'" + field + "' must be an integer, not " + value + ".");
    }
    return OptionalInt.of(value.intValue());
  }

  /**
   * Absent and null lists read as empty; the model check guarantees anything else present is an
   * array.
   */
  private static ArrayNode array(JsonNode node, String field) {
    return node.get(field) instanceof ArrayNode list ? list : JSON.createArrayNode();
  }

  /**
   * A list of structures; a non-object element (which the model check should have refused) is a
   * client error.
   */
  private static List<ObjectNode> objects(JsonNode node, String field) {
    List<ObjectNode> result = new ArrayList<>();
    for (JsonNode element : array(node, field)) {
      if (!(element instanceof ObjectNode object)) {
        throw EcsException.clientException(
            "Every element of '" + field + "' must be an object, not " + element + ".");
      }
      result.add(object);
    }
    return result;
  }
}
