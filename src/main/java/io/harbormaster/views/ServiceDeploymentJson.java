package io.harbormaster.views;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.Arns;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.DescribedDeployment;
import io.harbormaster.service.ServiceDeployments.Record;
import io.harbormaster.service.ServiceDeployments.Revision;
import io.harbormaster.service.ServiceDeployments.RevisionCounts;
import java.time.Instant;

/**
 * ServiceDeploymentBrief, ServiceDeployment and ServiceRevision as ListServiceDeployments,
 * DescribeServiceDeployments and DescribeServiceRevisions show them.
 */
public final class ServiceDeploymentJson {
  private ServiceDeploymentJson() {}

  /** Where a service's deployments and revisions live, for their ARNs. */
  public record Owner(ViewContext ctx, String cluster, String service) {
    public String deploymentArn(String id) {
      return Arns.serviceDeployment(ctx.region(), ctx.accountId(), cluster, service, id);
    }

    public String revisionArn(String id) {
      return Arns.serviceRevision(ctx.region(), ctx.accountId(), cluster, service, id);
    }

    String serviceArn() {
      return Arns.service(ctx.region(), ctx.accountId(), cluster, service);
    }

    String clusterArn() {
      return Arns.cluster(ctx.region(), ctx.accountId(), cluster);
    }
  }

  public static ObjectNode brief(Owner owner, Record r) {
    ObjectNode o = common(owner, r);
    o.put("targetServiceRevisionArn", owner.revisionArn(r.targetRevisionId()));
    return o;
  }

  public static ObjectNode deployment(Owner owner, DescribedDeployment described) {
    Record r = described.deployment();
    ObjectNode o = common(owner, r);
    time(o, "stoppedAt", r.stoppedAt());
    time(o, "updatedAt", r.updatedAt());
    ArrayNode sources = o.putArray("sourceServiceRevisions");
    for (String id : r.sourceRevisionIds()) {
      RevisionCounts counts = described.sources().get(id);
      sources.add(summary(owner.revisionArn(id), counts));
    }
    o.set(
        "targetServiceRevision",
        summary(owner.revisionArn(r.targetRevisionId()), described.target()));
    if (r.settings() != null) o.set("deploymentConfiguration", configuration(r.settings()));
    if (r.rollback() != null) {
      ObjectNode rollback = o.putObject("rollback");
      if (r.rollback().reason() != null) rollback.put("reason", r.rollback().reason());
      time(rollback, "startedAt", r.rollback().startedAt());
      rollback.put("serviceRevisionArn", owner.revisionArn(r.rollback().revisionId()));
    }
    o.putObject("deploymentCircuitBreaker")
        .put("status", described.breaker().status().name())
        .put("failureCount", described.breaker().failureCount())
        .put("threshold", described.breaker().threshold());
    // Harbormaster has no CloudWatch alarms to watch.
    ObjectNode alarms = o.putObject("alarms").put("status", "DISABLED");
    alarms.putArray("alarmNames");
    alarms.putArray("triggeredAlarmNames");
    return o;
  }

  public static ObjectNode revision(Owner owner, Revision r) {
    ObjectNode o = JsonViews.object();
    o.put("serviceRevisionArn", owner.revisionArn(r.id()));
    o.put("serviceArn", owner.serviceArn());
    o.put("clusterArn", owner.clusterArn());
    o.put("taskDefinition", r.taskDefinitionArn());
    if (r.launchType() != null) o.put("launchType", r.launchType());
    o.putArray("loadBalancers");
    o.putArray("serviceRegistries");
    o.putArray("containerImages");
    time(o, "createdAt", r.createdAt());
    return o;
  }

  private static ObjectNode common(Owner owner, Record r) {
    ObjectNode o = JsonViews.object();
    o.put("serviceDeploymentArn", owner.deploymentArn(r.id()));
    o.put("serviceArn", owner.serviceArn());
    o.put("clusterArn", owner.clusterArn());
    time(o, "createdAt", r.createdAt());
    time(o, "startedAt", r.startedAt());
    time(o, "finishedAt", r.finishedAt());
    o.put("status", r.status().name());
    if (r.statusReason() != null) o.put("statusReason", r.statusReason());
    return o;
  }

  private static ObjectNode summary(String arn, RevisionCounts counts) {
    ObjectNode o = JsonViews.object().put("arn", arn);
    if (counts != null) {
      o.put("requestedTaskCount", counts.requested())
          .put("runningTaskCount", counts.running())
          .put("pendingTaskCount", counts.pending());
    }
    return o;
  }

  private static ObjectNode configuration(DeploymentSettings d) {
    ObjectNode o = JsonViews.object();
    o.putObject("deploymentCircuitBreaker")
        .put("enable", d.circuitBreakerEnabled())
        .put("rollback", d.rollback());
    o.put("maximumPercent", d.maximumPercent());
    o.put("minimumHealthyPercent", d.minimumHealthyPercent());
    return o;
  }

  private static void time(ObjectNode o, String member, Instant at) {
    if (at != null) o.set(member, JsonViews.epochSeconds(at));
  }
}
