package io.harbormaster.views;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.Arns;
import io.harbormaster.taskdefinition.TaskDefinitionFamily.Revision;

/** A task definition revision as DescribeTaskDefinition shows it. */
public final class TaskDefinitionJson {
  private TaskDefinitionJson() {}

  public static ObjectNode view(ViewContext ctx, Revision revision) {
    ObjectNode td = JsonViews.object();
    td.put(
        "taskDefinitionArn",
        Arns.taskDefinition(ctx.region(), ctx.accountId(), revision.family(), revision.revision()));
    td.setAll((ObjectNode) revision.definition().deepCopy());
    td.put("revision", revision.revision());
    td.put("status", revision.status().name());
    td.set("registeredAt", JsonViews.epochSeconds(revision.registeredAt()));
    td.put("registeredBy", revision.registeredBy());
    if (revision.deregisteredAt() != null)
      td.set("deregisteredAt", JsonViews.epochSeconds(revision.deregisteredAt()));
    if (revision.deleteRequestedAt() != null) {
      td.set("deleteRequestedAt", JsonViews.epochSeconds(revision.deleteRequestedAt()));
    }
    return td;
  }
}
