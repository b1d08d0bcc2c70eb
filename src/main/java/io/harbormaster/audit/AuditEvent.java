package io.harbormaster.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One API call as the audit trail keeps it, in CloudTrail's record shape: who called (identity),
 * what (source and name, parameters), what came of it (response elements, or error code and
 * message), and which resources it named.
 *
 * @param requestParameters the call's input, secrets removed
 * @param responseElements what a write answered (secrets removed); null for reads and refusals
 */
public record AuditEvent(
    String eventId,
    Instant eventTime,
    String eventSource,
    String eventName,
    String awsRegion,
    String sourceIpAddress,
    String userAgent,
    Identity identity,
    JsonNode requestParameters,
    JsonNode responseElements,
    String errorCode,
    String errorMessage,
    String requestId,
    boolean readOnly,
    List<Resource> resources) {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_RESOURCES = 20;

  /** Member names whose values the trail never keeps (keys' secrets, passwords). */
  private static final Set<String> SECRET_MEMBERS =
      Set.of("secretaccesskey", "password", "newpassword", "oldpassword", "sessiontoken");

  /**
   * CloudTrail's userIdentity. Until IAM users exist, every key is one of the account's own (root)
   * keys.
   */
  public record Identity(String type, String accountId, String accessKeyId, String userName) {
    public static Identity root(String accountId, String accessKeyId) {
      return new Identity("Root", accountId, accessKeyId, null);
    }

    public String arn() {
      return type.equals("Root")
          ? "arn:aws:iam::" + accountId + ":root"
          : "arn:aws:iam::" + accountId + ":user/" + userName;
    }

    /** What CloudTrail's Username lookup attribute matches: the user's name, or "root". */
    public String lookupName() {
      return userName == null ? "root" : userName;
    }
  }

  /** A resource the call named: CloudTrail's ResourceType and ResourceName. */
  public record Resource(String type, String name) {}

  /** Whether an action only reads, by AWS's naming of actions. */
  public static boolean isReadOnly(String eventName) {
    String action = eventName.substring(eventName.lastIndexOf('.') + 1);
    for (String verb : List.of("Describe", "List", "Get", "Lookup", "Discover", "Filter", "Test")) {
      if (action.startsWith(verb)) return true;
    }
    return false;
  }

  /** A copy of a request or response with every secret member removed, at any depth. */
  public static JsonNode withoutSecrets(JsonNode node) {
    if (node == null) return null;
    JsonNode copy = node.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (SECRET_MEMBERS.contains(field.getKey().toLowerCase())) it.remove();
        else strip(field.getValue());
      }
    } else if (node != null && node.isArray()) {
      node.forEach(AuditEvent::strip);
    }
  }

  /**
   * The resources a call names: every ARN in its input and output, and ECS's cluster, service and
   * family names given as plain names.
   */
  public static List<Resource> resourcesNamed(JsonNode request, JsonNode response) {
    Set<Resource> found = new LinkedHashSet<>();
    collect(request, null, found);
    collect(response, null, found);
    List<Resource> resources = new ArrayList<>(found);
    return resources.size() > MAX_RESOURCES ? resources.subList(0, MAX_RESOURCES) : resources;
  }

  private static void collect(JsonNode node, String member, Set<Resource> into) {
    if (node == null) return;
    if (node.isObject()) {
      node.fields().forEachRemaining(f -> collect(f.getValue(), f.getKey(), into));
    } else if (node.isArray()) {
      node.forEach(item -> collect(item, member, into));
    } else if (node.isTextual()) {
      String text = node.textValue();
      if (text.startsWith("arn:aws:")) {
        into.add(new Resource(typeOfArn(text), text));
      } else if (member != null && !text.isEmpty()) {
        String type =
            switch (member) {
              case "cluster", "clusters", "clusterName" -> "AWS::ECS::Cluster";
              case "service", "services", "serviceName" -> "AWS::ECS::Service";
              case "family", "taskDefinition" -> "AWS::ECS::TaskDefinition";
              default -> null;
            };
        if (type != null) into.add(new Resource(type, text));
      }
    }
  }

  /** CloudFormation's type name for an ARN's resource, as CloudTrail reports it. */
  static String typeOfArn(String arn) {
    String[] parts = arn.split(":", 6);
    if (parts.length < 6) return "AWS::Unknown";
    String service = parts[2];
    String resource = parts[5];
    int slash = resource.indexOf('/');
    int colon = resource.indexOf(':');
    int cut = slash < 0 ? colon : colon < 0 ? slash : Math.min(slash, colon);
    String kind = cut < 0 ? resource : resource.substring(0, cut);
    return switch (service + ":" + kind) {
      case "ecs:cluster" -> "AWS::ECS::Cluster";
      case "ecs:service" -> "AWS::ECS::Service";
      case "ecs:task" -> "AWS::ECS::Task";
      case "ecs:task-definition" -> "AWS::ECS::TaskDefinition";
      case "ecs:container-instance" -> "AWS::ECS::ContainerInstance";
      case "elasticloadbalancing:loadbalancer" -> "AWS::ElasticLoadBalancingV2::LoadBalancer";
      case "elasticloadbalancing:targetgroup" -> "AWS::ElasticLoadBalancingV2::TargetGroup";
      case "elasticloadbalancing:listener" -> "AWS::ElasticLoadBalancingV2::Listener";
      case "logs:log-group" -> "AWS::Logs::LogGroup";
      case "iam:user" -> "AWS::IAM::User";
      default -> "AWS::" + service + "::" + kind;
    };
  }

  /** The record as CloudTrail's LookupEvents returns it in {@code CloudTrailEvent}. */
  public ObjectNode cloudTrailRecord() {
    ObjectNode record = NODES.objectNode();
    record.put("eventVersion", "1.08");
    ObjectNode who = record.putObject("userIdentity");
    who.put("type", identity.type());
    who.put(
        "principalId", identity.userName() == null ? identity.accountId() : identity.userName());
    who.put("arn", identity.arn());
    who.put("accountId", identity.accountId());
    who.put("accessKeyId", identity.accessKeyId());
    if (identity.userName() != null) who.put("userName", identity.userName());
    record.put(
        "eventTime",
        DateTimeFormatter.ISO_INSTANT.format(eventTime.truncatedTo(ChronoUnit.SECONDS)));
    record.put("eventSource", eventSource);
    record.put("eventName", eventName);
    record.put("awsRegion", awsRegion);
    record.put("sourceIPAddress", sourceIpAddress);
    record.put("userAgent", userAgent);
    if (errorCode != null) {
      record.put("errorCode", errorCode);
      record.put("errorMessage", errorMessage);
    }
    record.set(
        "requestParameters", requestParameters == null ? NODES.nullNode() : requestParameters);
    record.set("responseElements", responseElements == null ? NODES.nullNode() : responseElements);
    record.put("requestID", requestId);
    record.put("eventID", eventId);
    record.put("readOnly", readOnly);
    if (!resources.isEmpty()) {
      var list = record.putArray("resources");
      for (Resource r : resources) {
        list.addObject()
            .put("ARN", r.name())
            .put("accountId", identity.accountId())
            .put("type", r.type());
      }
    }
    record.put("eventType", "AwsApiCall");
    record.put("managementEvent", true);
    record.put("recipientAccountId", identity.accountId());
    record.put("eventCategory", "Management");
    return record;
  }
}
