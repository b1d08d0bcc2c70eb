package io.harbormaster.views;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.cluster.Cluster.ClusterInfo;
import io.harbormaster.instance.ContainerInstance.InstanceView;
import io.harbormaster.task.Task.TaskView;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.Revision;

/**
 * The Describe* objects of the API for code outside the handlers (events, history): the same JSON
 * the API returns, so an event's detail can never drift from what DescribeTasks shows.
 */
public final class ResourceViews {
  private ResourceViews() {}

  public static ObjectNode task(String region, TaskView task) {
    return TaskJson.view(context(region, task.accountId()), task, false);
  }

  public static ObjectNode containerInstance(String region, InstanceView instance) {
    return InstanceJson.view(context(region, instance.accountId()), instance, false);
  }

  public static ObjectNode cluster(String region, ClusterInfo cluster) {
    return ClusterJson.view(context(region, cluster.accountId()), cluster, true, true, false);
  }

  public static ObjectNode taskDefinition(String region, String accountId, Revision revision) {
    return TaskDefinitionJson.view(context(region, accountId), revision);
  }

  public static ObjectNode service(
      String region, io.harbormaster.service.Service.ServiceView service) {
    // A DAEMON service's spec holds the desired count it recorded last (DescribeServices asks the
    // cluster instead).
    return ServiceJson.view(
        context(region, service.accountId()), service, false, service.spec().desiredCount());
  }

  private static ViewContext context(String region, String accountId) {
    return new ViewContext(accountId, region);
  }
}
