package io.harbormaster.views;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.capacity.CapacityProviders;
import io.harbormaster.capacity.CapacityProviders.Provider;
import io.harbormaster.common.Arns;

/** Capacity providers and strategies as the ECS API shows them. */
public final class CapacityProviderJson {
  private CapacityProviderJson() {}

  public static ObjectNode view(ViewContext ctx, Provider p, boolean tags) {
    ObjectNode o = JsonViews.object();
    o.put("capacityProviderArn", Arns.capacityProvider(ctx.region(), ctx.accountId(), p.name()));
    o.put("name", p.name());
    o.put("status", p.status().name());
    if (p.autoScalingGroupProvider() != null)
      o.set("autoScalingGroupProvider", p.autoScalingGroupProvider());
    o.put("updateStatus", p.updateStatus().name());
    if (tags) o.set("tags", JsonViews.tags(p.tags()));
    o.put("type", "EC2_AUTOSCALING");
    return o;
  }

  /** FARGATE or FARGATE_SPOT, which every account has. */
  public static ObjectNode fargate(ViewContext ctx, String name, boolean tags) {
    ObjectNode o = JsonViews.object();
    o.put("capacityProviderArn", Arns.capacityProvider(ctx.region(), ctx.accountId(), name));
    o.put("name", name);
    o.put("status", "ACTIVE");
    if (tags) o.putArray("tags");
    o.put("type", name);
    return o;
  }

  public static ObjectNode view(
      ViewContext ctx, String name, CapacityProviders.Providers all, boolean tags) {
    return CapacityProviders.isFargate(name)
        ? fargate(ctx, name, tags)
        : view(ctx, all.byName().get(name), tags);
  }
}
