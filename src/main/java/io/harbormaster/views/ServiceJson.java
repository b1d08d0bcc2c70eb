package io.harbormaster.views;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.capacity.CapacityProviderStrategyItem;
import io.harbormaster.common.Arns;
import io.harbormaster.service.Service.DeploymentSettings;
import io.harbormaster.service.Service.ServiceEvent;
import io.harbormaster.service.Service.ServiceSpec;
import io.harbormaster.service.Service.ServiceView;
import io.harbormaster.service.ServiceReconciler.Deployment;
import io.harbormaster.service.ServiceReconciler.DeploymentStatus;
import io.harbormaster.service.ServiceReconciler.SchedulingStrategy;
import java.util.List;

/** A service as DescribeServices, CreateService, UpdateService and DeleteService show it. */
public final class ServiceJson {
  private ServiceJson() {}

  /**
   * @param daemonDesired for a DAEMON service, the number of instances it should run on (ECS shows
   *     that as the desired count); ignored for REPLICA
   */
  public static ObjectNode view(ViewContext ctx, ServiceView v, boolean tags, int daemonDesired) {
    ServiceSpec spec = v.spec();
    int desired =
        spec.scheduling() == SchedulingStrategy.DAEMON ? daemonDesired : spec.desiredCount();
    if (v.status() != io.harbormaster.service.Service.ServiceStatus.ACTIVE) desired = 0;
    ObjectNode s = JsonViews.object();
    s.put(
        "serviceArn",
        Arns.service(ctx.region(), v.accountId(), v.clusterName(), spec.serviceName()));
    s.put("serviceName", spec.serviceName());
    s.put("clusterArn", Arns.cluster(ctx.region(), v.accountId(), v.clusterName()));
    s.putArray("loadBalancers");
    s.putArray("serviceRegistries");
    s.put("status", v.status().name());
    s.put("desiredCount", desired);
    s.put("runningCount", v.runningCount(null));
    s.put("pendingCount", v.pendingCount(null));
    if (spec.launchType() != null) s.put("launchType", spec.launchType());
    if (!spec.capacityProviderStrategy().isEmpty())
      s.set(
          "capacityProviderStrategy",
          CapacityProviderStrategyItem.toJson(spec.capacityProviderStrategy()));
    s.put(
        "taskDefinition",
        v.primary().map(Deployment::taskDefinitionArn).orElse(spec.taskDefinitionArn()));
    s.set("deploymentConfiguration", deploymentConfiguration(spec.deploymentConfiguration()));
    ArrayNode deployments = s.putArray("deployments");
    for (Deployment d : v.visibleDeployments()) {
      deployments.add(deployment(v, d, desired, spec.launchType()));
    }
    ArrayNode events = s.putArray("events");
    List<ServiceEvent> all = v.events();
    for (int i = all.size() - 1;
        i >= 0;
        i--) { // newest first: the newest 100, as the state keeps them
      ServiceEvent e = all.get(i);
      events
          .addObject()
          .put("id", e.id())
          .put("message", e.message())
          .set("createdAt", JsonViews.epochSeconds(e.createdAt()));
    }
    s.set("createdAt", JsonViews.epochSeconds(v.createdAt()));
    ArrayNode constraints = s.putArray("placementConstraints");
    spec.placementConstraints()
        .forEach(
            c -> {
              ObjectNode o = constraints.addObject().put("type", c.type());
              if (c.expression() != null) o.put("expression", c.expression());
            });
    ArrayNode strategies = s.putArray("placementStrategy");
    spec.placementStrategy()
        .forEach(
            st -> {
              ObjectNode o = strategies.addObject().put("type", st.type());
              if (st.field() != null && !st.field().isEmpty()) o.put("field", st.field());
            });
    if (spec.healthCheckGracePeriodSeconds() != null) {
      s.put("healthCheckGracePeriodSeconds", spec.healthCheckGracePeriodSeconds());
    }
    if (spec.networkConfiguration() != null) {
      s.set("networkConfiguration", spec.networkConfiguration().deepCopy());
    }
    s.put("schedulingStrategy", spec.scheduling().name());
    s.putObject("deploymentController").put("type", "ECS");
    if (tags) s.set("tags", JsonViews.tags(spec.tags()));
    s.put("createdBy", ctx.callerArn());
    s.put("enableECSManagedTags", false);
    s.put("propagateTags", "NONE");
    s.put("enableExecuteCommand", false);
    return s;
  }

  private static ObjectNode deploymentConfiguration(DeploymentSettings d) {
    ObjectNode o = JsonViews.object();
    o.putObject("deploymentCircuitBreaker")
        .put("enable", d.circuitBreakerEnabled())
        .put("rollback", d.rollback());
    o.put("maximumPercent", d.maximumPercent());
    o.put("minimumHealthyPercent", d.minimumHealthyPercent());
    return o;
  }

  private static ObjectNode deployment(
      ServiceView v, Deployment d, int serviceDesired, String launchType) {
    int running = v.runningCount(d.id());
    int pending = v.pendingCount(d.id());
    ObjectNode o = JsonViews.object();
    o.put("id", d.id());
    o.put("status", d.status().name());
    o.put("taskDefinition", d.taskDefinitionArn());
    // The PRIMARY deployment aims at the service's count; an older one only keeps what it still
    // runs.
    o.put(
        "desiredCount",
        d.status() == DeploymentStatus.PRIMARY ? serviceDesired : running + pending);
    o.put("pendingCount", pending);
    o.put("runningCount", running);
    o.put("failedTasks", d.failedTasks());
    o.set("createdAt", JsonViews.epochSeconds(d.createdAt()));
    o.set("updatedAt", JsonViews.epochSeconds(d.updatedAt()));
    if (launchType != null) o.put("launchType", launchType);
    o.put("rolloutState", d.rolloutState().name());
    if (d.rolloutStateReason() != null) o.put("rolloutStateReason", d.rolloutStateReason());
    return o;
  }
}
