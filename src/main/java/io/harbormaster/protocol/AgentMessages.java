package io.harbormaster.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.common.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The agent session's protocol: JSON text frames on the websocket, each with a "type". Like the ECS
 * agent's ACS session it is level-triggered: the agent says what it runs (Hello, Heartbeat) and the
 * control plane answers with what should run there, so a lost message heals itself on the next
 * heartbeat.
 *
 * <p>Both sides speak these records and nothing else: the agent process knows no control-plane
 * type, and the control plane translates them to its own (the task's and the instance's records) at
 * the session. Their JSON is pinned by {@code AgentWireFormatTest}: an agent of one build talks to
 * a control plane of another.
 */
public final class AgentMessages {
  private AgentMessages() {}

  /** Where an agent opens its session: a websocket upgrade, SigV4-signed. */
  public static final String CONNECT_PATH = "/agent/v1/connect";

  /** The wire format of both sides: records as JSON objects, instants as epoch seconds. */
  public static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Hello.class, name = "Hello"),
    @JsonSubTypes.Type(value = Welcome.class, name = "Welcome"),
    @JsonSubTypes.Type(value = Heartbeat.class, name = "Heartbeat"),
    @JsonSubTypes.Type(value = TaskReport.class, name = "TaskReport"),
    @JsonSubTypes.Type(value = ReportAccepted.class, name = "ReportAccepted"),
    @JsonSubTypes.Type(value = StartTask.class, name = "StartTask"),
    @JsonSubTypes.Type(value = StopTask.class, name = "StopTask"),
    @JsonSubTypes.Type(value = Refused.class, name = "Refused"),
    @JsonSubTypes.Type(value = LogEvents.class, name = "LogEvents"),
    @JsonSubTypes.Type(value = LogEventsAccepted.class, name = "LogEventsAccepted"),
    @JsonSubTypes.Type(value = LogEventsRefused.class, name = "LogEventsRefused")
  })
  public sealed interface AgentMessage extends CborSerializable {}

  /** The host's resources: CPU units, memory MiB and the ports the agent keeps for itself. */
  public record HostResources(
      int cpu, int memory, Set<Integer> reservedTcpPorts, Set<Integer> reservedUdpPorts)
      implements CborSerializable {}

  /** First message of a session. instanceId is empty on the host's first ever connection. */
  public record Hello(
      String cluster,
      String instanceId,
      String ec2InstanceId,
      HostResources resources,
      List<Attribute> attributes,
      VersionInfo versionInfo,
      List<TaskReport> tasks)
      implements AgentMessage {}

  /**
   * The session is open. {@code acknowledgesReports}: this control plane answers numbered reports
   * with {@link ReportAccepted} (null from one that does not, which an agent must not wait for).
   * {@code storesLogs}: it takes {@link LogEvents} (left out, not null, when it does not, so the
   * message reads as before; an agent sends no log events to a control plane that does not say so,
   * whose reader would not know the message).
   */
  public record Welcome(
      String instanceId,
      String containerInstanceArn,
      String clusterArn,
      Boolean acknowledgesReports,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean storesLogs)
      implements AgentMessage {
    public Welcome(
        String instanceId,
        String containerInstanceArn,
        String clusterArn,
        Boolean acknowledgesReports) {
      this(instanceId, containerInstanceArn, clusterArn, acknowledgesReports, null);
    }
  }

  /**
   * Every few seconds: the tasks the agent holds and their status, for the control plane to
   * reconcile with; the tasks' full reports went out as TaskReports when they changed (and go again
   * in the next Hello), so a heartbeat of a host with many tasks stays small.
   */
  public record Heartbeat(List<HeldTask> tasks) implements AgentMessage {}

  /** A task an agent holds; status null while it has not reported one yet. */
  public record HeldTask(String taskId, TaskStatus status) implements CborSerializable {
    public static HeldTask of(TaskReport report) {
      return new HeldTask(
          report.taskId(), report.report() == null ? null : report.report().status());
    }
  }

  /**
   * A task's state as the agent sees it. {@code seq} numbers the agent's reports (it grows with
   * every report the agent makes); the control plane answers a numbered report with {@link
   * ReportAccepted} once the task's entity has persisted it, and the agent sends the report again
   * with every heartbeat until then. A report without a number (an older agent, or the engine's own
   * view) is not acknowledged.
   */
  public record TaskReport(String taskId, StateReport report, Long seq) implements AgentMessage {
    public TaskReport(String taskId, StateReport report) {
      this(taskId, report, null);
    }

    public TaskReport numbered(long number) {
      return new TaskReport(taskId, report, number);
    }
  }

  /** An ECS task status, in lifecycle order: an agent's report of a task only moves forward. */
  public enum TaskStatus {
    PROVISIONING,
    PENDING,
    ACTIVATING,
    RUNNING,
    DEACTIVATING,
    STOPPING,
    DEPROVISIONING,
    STOPPED
  }

  /**
   * A task's state as its agent reports it; instants are null until they happened. {@code
   * networkInterface}: an awsvpc task's own interface once it has one, else null and left out of
   * the JSON (as an older agent sends it).
   */
  public record StateReport(
      TaskStatus status,
      List<ContainerState> containers,
      String healthStatus,
      Instant pullStartedAt,
      Instant pullStoppedAt,
      Instant executionStoppedAt,
      String stopCode,
      String stoppedReason,
      @JsonInclude(JsonInclude.Include.NON_NULL) NetworkInterface networkInterface)
      implements CborSerializable {

    /** A report of a task without an interface of its own. */
    public StateReport(
        TaskStatus status,
        List<ContainerState> containers,
        String healthStatus,
        Instant pullStartedAt,
        Instant pullStoppedAt,
        Instant executionStoppedAt,
        String stopCode,
        String stoppedReason) {
      this(
          status,
          containers,
          healthStatus,
          pullStartedAt,
          pullStoppedAt,
          executionStoppedAt,
          stopCode,
          stoppedReason,
          null);
    }
  }

  /**
   * An awsvpc task's network interface: the address and MAC address of its network namespace, which
   * all its containers share.
   */
  public record NetworkInterface(String privateIPv4Address, String macAddress)
      implements CborSerializable {}

  /**
   * A container of a reported task: lastStatus PENDING, RUNNING or STOPPED, healthStatus HEALTHY,
   * UNHEALTHY or UNKNOWN, as ECS names them.
   */
  public record ContainerState(
      String name,
      String image,
      String runtimeId,
      String lastStatus,
      Integer exitCode,
      String reason,
      List<NetworkBinding> networkBindings,
      String healthStatus)
      implements CborSerializable {}

  /** A container port published on the host; protocol "tcp" or "udp". */
  public record NetworkBinding(String bindIP, int containerPort, int hostPort, String protocol)
      implements CborSerializable {}

  /** An attribute of the host, as ECS's PutAttributes takes it (value null for a capability). */
  public record Attribute(String name, String value) implements CborSerializable {}

  public record VersionInfo(String agentVersion, String agentHash, String dockerVersion)
      implements CborSerializable {}

  /**
   * The control plane has the agent's report {@code seq} of this task: the task's entity persisted
   * it (or holds a state it cannot move from, such as STOPPED, or does not know the task at all).
   * Reports the agent made before it are settled too.
   */
  public record ReportAccepted(String taskId, long seq) implements AgentMessage {}

  /**
   * What to run: the task's definition as registered (with the run's overrides); the agent reports
   * back.
   */
  public record TaskPayload(
      String taskId,
      String taskArn,
      String clusterArn,
      String family,
      int revision,
      JsonNode taskDefinition,
      JsonNode overrides)
      implements CborSerializable {}

  public record StartTask(TaskPayload task) implements AgentMessage {}

  public record StopTask(String taskId, String reason) implements AgentMessage {}

  /**
   * The control plane refuses the session (unknown cluster, bad credentials); the agent backs off.
   */
  public record Refused(String errorType, String message) implements AgentMessage {}

  /**
   * A container's output for a CloudWatch-style log stream, as the agent read it from the engine
   * (the {@code awslogs} log driver of the container definition): {@code logGroup}, {@code
   * logStream} named as ECS names them ({@code prefix/container-name/task-id}), whether a missing
   * group is to be created. {@code source} names the agent's reader (the container's runtime id)
   * and {@code batch} numbers its batches; the control plane answers each with {@link
   * LogEventsAccepted} once it stored it, or {@link LogEventsRefused}. Events sent twice are stored
   * once: each is keyed by its position in the stream. An empty batch opens the stream (and creates
   * the group when asked) before the container starts, and is answered the same way.
   */
  public record LogEvents(
      String source,
      long batch,
      String taskArn,
      String containerName,
      String logGroup,
      String logStream,
      boolean createGroup,
      List<LogLine> events)
      implements AgentMessage {}

  /**
   * One line a container printed: the engine's timestamp in nanoseconds since the epoch, its
   * ordinal among lines with that same timestamp (the two are its position in the stream), the text
   * without its line end, and whether it came from stderr.
   */
  public record LogLine(long timestampNanos, int ordinal, String message, boolean stderr)
      implements CborSerializable {}

  /** The control plane stored batch {@code batch} of {@code source}. */
  public record LogEventsAccepted(String source, long batch) implements AgentMessage {}

  /**
   * The control plane does not store batch {@code batch} of {@code source}: {@code errorType} is
   * the Logs service's error ({@code ResourceNotFoundException}: the group does not exist and is
   * not to be created), or {@code ServiceUnavailableException} when it could not store it now (the
   * agent sends it again).
   */
  public record LogEventsRefused(String source, long batch, String errorType, String message)
      implements AgentMessage {}

  /**
   * Command of a control-plane session actor: push this to the agent. Not on the wire: the envelope
   * in which the instance's entity hands a message to the agent's session, wherever it runs.
   */
  public record Push(AgentMessage message) implements CborSerializable {}
}
