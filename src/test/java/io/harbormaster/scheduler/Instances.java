package io.harbormaster.scheduler;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A builder for container instance snapshots in tests: a healthy, empty, ACTIVE instance unless
 * told otherwise.
 */
public final class Instances {

  private String id;
  private String ec2InstanceId;
  private InstanceSnapshot.Status status = InstanceSnapshot.Status.ACTIVE;
  private boolean agentConnected = true;
  private String agentVersion = "1.14.5";
  private Instant registeredAt = Instant.parse("2018-06-18T22:28:28Z");
  private int cpu = 2048;
  private int memory = 4096;
  private Set<Integer> tcpPorts = new HashSet<>(Set.of(22, 2375, 2376, 51678, 51679));
  private Set<Integer> udpPorts = new HashSet<>();
  private int usedCpu;
  private int gpus;
  private int usedGpus;
  private int usedMemory;
  private final Map<String, String> attributes = new HashMap<>();
  private int runningTasks;
  private final Map<String, Integer> groups = new HashMap<>();

  private Instances(String id) {
    this.id = id;
    this.ec2InstanceId = "i-" + id;
    attributes.put(InstanceSnapshot.AVAILABILITY_ZONE, "us-east-1a");
    attributes.put(InstanceSnapshot.INSTANCE_TYPE, "t2.micro");
    attributes.put(InstanceSnapshot.OS_TYPE, "linux");
    attributes.put(InstanceSnapshot.CPU_ARCHITECTURE, "x86_64");
  }

  public static Instances instance(String id) {
    return new Instances(id);
  }

  public static String arn(String id) {
    return "arn:aws:ecs:us-east-1:000000000000:container-instance/test/" + id;
  }

  public Instances ec2InstanceId(String value) {
    this.ec2InstanceId = value;
    return this;
  }

  public Instances status(InstanceSnapshot.Status value) {
    this.status = value;
    return this;
  }

  public Instances agentConnected(boolean value) {
    this.agentConnected = value;
    return this;
  }

  public Instances agentVersion(String value) {
    this.agentVersion = value;
    return this;
  }

  public Instances registeredAt(String isoInstant) {
    this.registeredAt = Instant.parse(isoInstant);
    return this;
  }

  /** Registered CPU units and memory (MiB). */
  public Instances size(int cpuUnits, int memoryMiB) {
    this.cpu = cpuUnits;
    this.memory = memoryMiB;
    return this;
  }

  /** CPU and memory already taken by tasks, so remaining = registered - used. */
  public Instances used(int cpuUnits, int memoryMiB) {
    this.usedCpu = cpuUnits;
    this.usedMemory = memoryMiB;
    return this;
  }

  /** GPUs registered, and how many tasks hold. */
  public Instances gpus(int registered, int used) {
    this.gpus = registered;
    this.usedGpus = used;
    return this;
  }

  public Instances tcpPortsTaken(Integer... ports) {
    tcpPorts.addAll(Set.of(ports));
    return this;
  }

  public Instances udpPortsTaken(Integer... ports) {
    udpPorts.addAll(Set.of(ports));
    return this;
  }

  public Instances attribute(String name, String value) {
    attributes.put(name, value);
    return this;
  }

  public Instances withoutAttribute(String name) {
    attributes.remove(name);
    return this;
  }

  public Instances zone(String zone) {
    return attribute(InstanceSnapshot.AVAILABILITY_ZONE, zone);
  }

  public Instances runningTasks(int count) {
    this.runningTasks = count;
    return this;
  }

  /** Tasks of a group already on the instance (they also count as running). */
  public Instances tasks(String group, int count) {
    groups.merge(group, count, Integer::sum);
    runningTasks += count;
    return this;
  }

  public InstanceSnapshot build() {
    Set<Integer> registeredTcp = Set.of(22, 2375, 2376, 51678, 51679);
    return new InstanceSnapshot(
        id,
        arn(id),
        ec2InstanceId,
        status,
        agentConnected,
        agentVersion,
        registeredAt,
        new Resources(cpu, memory, registeredTcp, Set.of(), gpus),
        new Resources(cpu - usedCpu, memory - usedMemory, tcpPorts, udpPorts, gpus - usedGpus),
        attributes,
        runningTasks,
        groups);
  }
}
