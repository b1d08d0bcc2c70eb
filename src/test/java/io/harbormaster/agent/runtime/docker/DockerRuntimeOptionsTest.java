package io.harbormaster.agent.runtime.docker;

import static io.harbormaster.testing.Json.singleQuoted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Link;
import com.github.dockerjava.api.model.VolumesFrom;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import io.harbormaster.agent.runtime.ContainerLabels;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.EcsContainerSpecs;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the ECS container definition members become in Docker's create request. */
class DockerRuntimeOptionsTest {

  private static final long MIB = 1024L * 1024L;
  private static final String TASK_ARN =
      "arn:aws:ecs:us-east-1:000000000000:task/demo/0123456789abcdef0123456789abcdef";

  /** The command is only built here, never executed. */
  private static final CreateContainerCmd.Exec NOT_SENT =
      command -> {
        throw new AssertionError("not sent in a unit test");
      };

  private static ContainerSpec spec(String container) {
    return EcsContainerSpecs.fromContainerDefinition(
        singleQuoted(container),
        singleQuoted("{'family':'web','containerDefinitions':[{'name':'app'},{'name':'db'}]}"),
        ContainerLabels.forTask(
            "arn:aws:ecs:us-east-1:000000000000:cluster/demo", TASK_ARN, "web", 1, "app"));
  }

  private static CreateContainerCmd create(ContainerSpec spec) {
    return DockerContainerConfig.configure(
        new CreateContainerCmdImpl(NOT_SENT, null, spec.image()),
        spec,
        TaskNetworkSettings.DEFAULT);
  }

  @Test
  void containerDefinitionMembers_reachTheCreateRequest() {
    CreateContainerCmd create =
        create(
            spec(
                "{'name':'app','image':'busybox','memory':64,'hostname':'web-1',"
                    + "'interactive':true,'pseudoTerminal':true,'privileged':true,"
                    + "'dnsServers':['169.254.1.1'],'dnsSearchDomains':['svc.local'],"
                    + "'extraHosts':[{'hostname':'db.local','ipAddress':'169.254.1.2'}],"
                    + "'dockerSecurityOptions':['no-new-privileges'],"
                    + "'systemControls':[{'namespace':'net.ipv4.ip_forward','value':'1'}],"
                    + "'resourceRequirements':[{'type':'GPU','value':'1'}],"
                    + "'links':['db:database'],'volumesFrom':[{'sourceContainer':'db','readOnly':true}],"
                    + "'linuxParameters':{'capabilities':{'add':['NET_ADMIN'],'drop':['ALL']},"
                    + "'devices':[{'hostPath':'/dev/fuse','permissions':['read','write','mknod']}],"
                    + "'initProcessEnabled':true,'sharedMemorySize':128,'maxSwap':32,'swappiness':10,"
                    + "'tmpfs':[{'containerPath':'/run','size':16}]}}"));

    assertEquals("web-1", create.getHostName());
    assertTrue(create.isStdinOpen());
    assertTrue(create.isTty());
    assertNull(create.isNetworkDisabled());
    HostConfig host = create.getHostConfig();
    assertTrue(host.getPrivileged());
    assertArrayEquals(new String[] {"169.254.1.1"}, host.getDns());
    assertArrayEquals(new String[] {"svc.local"}, host.getDnsSearch());
    assertArrayEquals(new String[] {"db.local:169.254.1.2"}, host.getExtraHosts());
    assertEquals(List.of("no-new-privileges"), host.getSecurityOpts());
    assertEquals(Map.of("net.ipv4.ip_forward", "1"), host.getSysctls());
    String db = "hm-web-1-db-0123456789abcdef0123456789abcdef";
    assertArrayEquals(new Link[] {new Link(db, "database")}, host.getLinks());
    assertArrayEquals(
        new VolumesFrom[] {new VolumesFrom(db, AccessMode.ro)}, host.getVolumesFrom());
    assertArrayEquals(new Capability[] {Capability.NET_ADMIN}, host.getCapAdd());
    assertArrayEquals(new Capability[] {Capability.ALL}, host.getCapDrop());
    assertArrayEquals(
        new Device[] {new Device("rwm", "/dev/fuse", "/dev/fuse")}, host.getDevices());
    assertTrue(host.getInit());
    assertEquals(Map.of("/run", "size=16m"), host.getTmpFs());
    assertEquals(128 * MIB, host.getShmSize());
    assertEquals((64 + 32) * MIB, host.getMemorySwap(), "Docker's swap limit includes the memory");
    assertEquals(10L, host.getMemorySwappiness());
    DeviceRequest gpus = host.getDeviceRequests().get(0);
    assertEquals(1, gpus.getCount());
    assertEquals(List.of(List.of("gpu")), gpus.getCapabilities());
  }

  @Test
  void disableNetworking_disablesTheNetwork() {
    assertTrue(
        create(spec("{'name':'app','image':'busybox','disableNetworking':true}"))
            .isNetworkDisabled());
  }

  @Test
  void nothingAsked_leavesDockersDefaults() {
    CreateContainerCmd create = create(spec("{'name':'app','image':'busybox'}"));

    assertNull(create.getHostName());
    assertNull(create.isTty());
    HostConfig host = create.getHostConfig();
    assertNull(host.getPrivileged());
    assertEquals(0, host.getLinks().length);
    assertNull(host.getInit());
    assertNull(host.getCapAdd());
    assertNull(host.getDeviceRequests());
    assertNull(host.getMemorySwap());
  }

  @Test
  void unknownCapability_isRefused() {
    ContainerSpec spec =
        spec("{'name':'app','image':'busybox','linuxParameters':{'capabilities':{'add':['FLY']}}}");

    assertThrows(IllegalArgumentException.class, () -> create(spec));
  }
}
