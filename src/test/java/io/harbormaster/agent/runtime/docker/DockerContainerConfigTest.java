package io.harbormaster.agent.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerSpec.NetworkMode;
import io.harbormaster.agent.runtime.ContainerSpec.PortMapping;
import io.harbormaster.agent.runtime.ContainerSpec.Protocol;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a container's network goes in Docker's create request, per network mode. */
class DockerContainerConfigTest {
  private static final TaskNetworkSettings NETWORK = TaskNetworkSettings.DEFAULT;

  @Test
  void bridge_isTheTaskNetwork_withPortsPublishedOnTheBindAddress() {
    ContainerSpec spec =
        ContainerSpec.builder("busybox")
            .networkMode(NetworkMode.BRIDGE)
            .portMappings(
                List.of(
                    new PortMapping(80, 0, Protocol.TCP), new PortMapping(53, 8053, Protocol.UDP)))
            .build();

    HostConfig host = DockerContainerConfig.hostConfig(spec, NETWORK);

    assertEquals("harbormaster", host.getNetworkMode());
    Ports.Binding dynamic = host.getPortBindings().getBindings().get(ExposedPort.tcp(80))[0];
    assertEquals("127.0.0.1", dynamic.getHostIp());
    assertEquals(null, dynamic.getHostPortSpec(), "the engine picks the port");
    Ports.Binding fixed = host.getPortBindings().getBindings().get(ExposedPort.udp(53))[0];
    assertEquals("127.0.0.1", fixed.getHostIp());
    assertEquals("8053", fixed.getHostPortSpec());
  }

  @Test
  void awsvpc_joinsThePauseContainer_andPublishesNothing() {
    ContainerSpec spec =
        ContainerSpec.builder("busybox")
            .networkMode(NetworkMode.AWSVPC)
            .networkNamespaceOf("pause-id")
            .portMappings(List.of(new PortMapping(80, 80, Protocol.TCP)))
            .build();

    HostConfig host = DockerContainerConfig.hostConfig(spec, NETWORK);

    assertEquals("container:pause-id", host.getNetworkMode());
    assertEquals(null, host.getPortBindings());
  }

  @Test
  void awsvpc_withoutItsPauseContainer_cannotBeCreated() {
    ContainerSpec spec = ContainerSpec.builder("busybox").networkMode(NetworkMode.AWSVPC).build();
    assertThrows(
        IllegalArgumentException.class, () -> DockerContainerConfig.hostConfig(spec, NETWORK));
  }

  @Test
  void hostAndNone_areDockersOwn() {
    assertEquals(
        "host",
        DockerContainerConfig.hostConfig(
                ContainerSpec.builder("b").networkMode(NetworkMode.HOST).build(), NETWORK)
            .getNetworkMode());
    assertEquals(
        "none",
        DockerContainerConfig.hostConfig(ContainerSpec.builder("b").build(), NETWORK)
            .getNetworkMode());
  }
}
