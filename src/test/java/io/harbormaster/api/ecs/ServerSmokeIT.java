package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

class ServerSmokeIT {
  @Test
  void aClusterCreatedThroughTheSdkIsDescribed() throws Exception {
    try (ServerProcess server = ServerProcess.startFirst("smoke");
        EcsClient ecs = EcsClients.sync(server)) {
      ecs.createCluster(r -> r.clusterName("smoke"));
      assertEquals(
          "ACTIVE",
          ecs.describeClusters(r -> r.clusters("smoke")).clusters().get(0).status().toString());
    }
  }
}
