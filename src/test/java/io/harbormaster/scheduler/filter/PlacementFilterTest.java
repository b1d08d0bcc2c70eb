package io.harbormaster.scheduler.filter;

import static io.harbormaster.scheduler.Instances.instance;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.harbormaster.scheduler.InstanceSnapshot;
import io.harbormaster.scheduler.PlacementConstraint;
import io.harbormaster.scheduler.RequiredAttribute;
import io.harbormaster.scheduler.TaskDemand;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PlacementFilterTest {

  private static final TaskDemand SMALL = TaskDemand.of(256, 512, "family:web");
  private static final Optional<String> PASS = Optional.empty();

  @Nested
  class ActiveInstance {

    @Test
    void activeInstancesPass() {
      assertEquals(PASS, ActiveInstanceFilter.INSTANCE.reject(instance("a").build(), SMALL));
    }

    @Test
    void drainingInstancesNeverGetTasks() {
      InstanceSnapshot draining = instance("a").status(InstanceSnapshot.Status.DRAINING).build();
      assertEquals(Optional.of("DRAINING"), ActiveInstanceFilter.INSTANCE.reject(draining, SMALL));
    }

    @ParameterizedTest
    @EnumSource(names = {"REGISTERING", "REGISTRATION_FAILED", "DEREGISTERING", "INACTIVE"})
    void instancesOutsideTheClusterAreInactive(InstanceSnapshot.Status status) {
      InstanceSnapshot instance = instance("a").status(status).build();
      assertEquals(Optional.of("INACTIVE"), ActiveInstanceFilter.INSTANCE.reject(instance, SMALL));
    }
  }

  @Nested
  class AgentConnected {

    @Test
    void connectedAgentsPass() {
      assertEquals(PASS, AgentConnectedFilter.INSTANCE.reject(instance("a").build(), SMALL));
    }

    @Test
    void disconnectedAgentsAreRejectedWithAgent() {
      InstanceSnapshot away = instance("a").agentConnected(false).build();
      assertEquals(Optional.of("AGENT"), AgentConnectedFilter.INSTANCE.reject(away, SMALL));
    }
  }

  @Nested
  class Attribute {

    private Optional<String> reject(InstanceSnapshot instance, RequiredAttribute... required) {
      return AttributeFilter.INSTANCE.reject(
          instance, SMALL.withRequiredAttributes(List.of(required)));
    }

    @Test
    void noRequirementsPass() {
      assertEquals(PASS, reject(instance("a").build()));
    }

    @Test
    void aNamedAttributeMustBePresentWithAnyValue() {
      InstanceSnapshot capable = instance("a").attribute("ecs.capability.task-eni", "").build();
      assertEquals(PASS, reject(capable, RequiredAttribute.named("ecs.capability.task-eni")));
      assertEquals(
          Optional.of("ATTRIBUTE"),
          reject(instance("b").build(), RequiredAttribute.named("ecs.capability.task-eni")));
    }

    @Test
    void aValuedAttributeMustHaveThatValue() {
      InstanceSnapshot arm =
          instance("a").attribute(InstanceSnapshot.CPU_ARCHITECTURE, "arm64").build();
      assertEquals(
          PASS, reject(arm, RequiredAttribute.of(InstanceSnapshot.CPU_ARCHITECTURE, "arm64")));
      assertEquals(
          Optional.of("ATTRIBUTE"),
          reject(
              instance("b").build(),
              RequiredAttribute.of(InstanceSnapshot.CPU_ARCHITECTURE, "arm64")));
    }

    @Test
    void everyRequiredAttributeCounts() {
      InstanceSnapshot instance = instance("a").attribute("x", "1").build();
      assertEquals(
          Optional.of("ATTRIBUTE"),
          reject(instance, RequiredAttribute.named("x"), RequiredAttribute.named("y")));
    }
  }

  @Nested
  class Cpu {

    @Test
    void aTaskThatFitsExactlyPasses() {
      InstanceSnapshot instance = instance("a").size(1024, 4096).used(768, 0).build();
      assertEquals(PASS, CpuFilter.INSTANCE.reject(instance, TaskDemand.of(256, 0, "g")));
    }

    @Test
    void oneUnitTooManyIsRejected() {
      InstanceSnapshot instance = instance("a").size(1024, 4096).used(768, 0).build();
      assertEquals(
          Optional.of("RESOURCE:CPU"),
          CpuFilter.INSTANCE.reject(instance, TaskDemand.of(257, 0, "g")));
    }

    @Test
    void aTaskWithoutCpuFitsAFullInstance() {
      InstanceSnapshot full = instance("a").size(1024, 4096).used(1024, 0).build();
      assertEquals(PASS, CpuFilter.INSTANCE.reject(full, TaskDemand.of(0, 128, "g")));
    }
  }

  @Nested
  class Memory {

    @Test
    void aTaskThatFitsExactlyPasses() {
      InstanceSnapshot instance = instance("a").size(1024, 1024).used(0, 512).build();
      assertEquals(PASS, MemoryFilter.INSTANCE.reject(instance, TaskDemand.of(0, 512, "g")));
    }

    @Test
    void oneMebibyteTooManyIsRejected() {
      InstanceSnapshot instance = instance("a").size(1024, 1024).used(0, 512).build();
      assertEquals(
          Optional.of("RESOURCE:MEMORY"),
          MemoryFilter.INSTANCE.reject(instance, TaskDemand.of(0, 513, "g")));
    }
  }

  @Nested
  class Gpus {

    @Test
    void aTaskWithoutGpusFitsAnInstanceWithout() {
      assertEquals(PASS, GpuFilter.INSTANCE.reject(instance("a").build(), SMALL));
    }

    @Test
    void aGpuTaskIsRefusedPlacementOnAnInstanceWithoutGpus() {
      assertEquals(
          Optional.of("RESOURCE:GPU"),
          GpuFilter.INSTANCE.reject(instance("a").build(), SMALL.withGpus(1)));
    }

    @Test
    void freeGpusCount() {
      InstanceSnapshot twoOfFourTaken = instance("a").gpus(4, 2).build();
      assertEquals(PASS, GpuFilter.INSTANCE.reject(twoOfFourTaken, SMALL.withGpus(2)));
      assertEquals(
          Optional.of("RESOURCE:GPU"),
          GpuFilter.INSTANCE.reject(twoOfFourTaken, SMALL.withGpus(3)));
    }
  }

  @Nested
  class Ports {

    private TaskDemand mapping(Set<Integer> tcp, Set<Integer> udp) {
      return SMALL.withPorts(tcp, udp);
    }

    @Test
    void freeStaticPortsPass() {
      InstanceSnapshot instance = instance("a").tcpPortsTaken(8080).build();
      assertEquals(PASS, PortFilter.TCP.reject(instance, mapping(Set.of(80, 443), Set.of())));
    }

    @Test
    void aTakenTcpPortIsRejected() {
      InstanceSnapshot instance = instance("a").tcpPortsTaken(80).build();
      assertEquals(
          Optional.of("RESOURCE:PORTS"),
          PortFilter.TCP.reject(instance, mapping(Set.of(80), Set.of())));
    }

    @Test
    void portsReservedAtRegistrationAreTaken() {
      assertEquals(
          Optional.of("RESOURCE:PORTS"),
          PortFilter.TCP.reject(instance("a").build(), mapping(Set.of(22), Set.of())));
    }

    @Test
    void aTakenUdpPortIsRejectedAsPortsUdp() {
      InstanceSnapshot instance = instance("a").udpPortsTaken(53).build();
      assertEquals(
          Optional.of("RESOURCE:PORTS_UDP"),
          PortFilter.UDP.reject(instance, mapping(Set.of(), Set.of(53))));
    }

    @Test
    void tcpAndUdpAreSeparatePortSpaces() {
      InstanceSnapshot instance = instance("a").udpPortsTaken(53).build();
      TaskDemand tcp53 = mapping(Set.of(53), Set.of());
      assertEquals(PASS, PortFilter.TCP.reject(instance, tcp53));
      assertEquals(PASS, PortFilter.UDP.reject(instance, tcp53));
    }

    @Test
    void dynamicPortsReserveNothing() {
      TaskDemand dynamic = mapping(Set.of(0), Set.of(0));
      assertEquals(Set.of(), dynamic.tcpHostPorts());
      InstanceSnapshot instance = instance("a").build();
      assertEquals(PASS, PortFilter.TCP.reject(instance, dynamic));
      assertEquals(PASS, PortFilter.UDP.reject(instance, dynamic));
    }
  }

  @Nested
  class DistinctInstance {

    private final TaskDemand distinct =
        SMALL.withConstraints(List.of(PlacementConstraint.distinctInstance()));

    @Test
    void anInstanceWithATaskOfTheGroupIsRejected() {
      InstanceSnapshot busy = instance("a").tasks("family:web", 1).build();
      assertEquals(
          Optional.of("DistinctInstance placement constraint unsatisfied."),
          DistinctInstanceFilter.INSTANCE.reject(busy, distinct));
    }

    @Test
    void tasksOfOtherGroupsDoNotCount() {
      InstanceSnapshot busy = instance("a").tasks("family:other", 3).build();
      assertEquals(PASS, DistinctInstanceFilter.INSTANCE.reject(busy, distinct));
    }

    @Test
    void withoutTheConstraintTasksMayShareInstances() {
      InstanceSnapshot busy = instance("a").tasks("family:web", 1).build();
      assertEquals(PASS, DistinctInstanceFilter.INSTANCE.reject(busy, SMALL));
    }
  }

  @Nested
  class MemberOf {

    private Optional<String> reject(InstanceSnapshot instance, String... expressions) {
      List<PlacementConstraint> constraints =
          List.of(expressions).stream().map(PlacementConstraint::memberOf).toList();
      return MemberOfFilter.INSTANCE.reject(instance, SMALL.withConstraints(constraints));
    }

    @Test
    void aMatchingInstancePasses() {
      assertEquals(PASS, reject(instance("a").build(), "attribute:ecs.instance-type =~ t2.*"));
    }

    @Test
    void aNonMatchingInstanceIsRejected() {
      assertEquals(
          Optional.of("MemberOf placement constraint unsatisfied."),
          reject(instance("a").build(), "attribute:ecs.instance-type =~ g2.*"));
    }

    @Test
    void everyMemberOfConstraintMustMatch() {
      InstanceSnapshot instance = instance("a").zone("us-east-1a").build();
      assertEquals(
          Optional.of("MemberOf placement constraint unsatisfied."),
          reject(
              instance,
              "attribute:ecs.instance-type =~ t2.*",
              "attribute:ecs.availability-zone == us-east-1b"));
    }
  }

  @Nested
  class Order {

    private Optional<String> firstRejection(InstanceSnapshot instance, TaskDemand demand) {
      return PlacementFilter.firstRejection(PlacementFilter.ALL, instance, demand);
    }

    @Test
    void anInstanceIsReportedForItsMostBasicShortcoming() {
      TaskDemand big = TaskDemand.of(99_999, 99_999, "g");
      assertEquals(
          Optional.of("DRAINING"),
          firstRejection(
              instance("a").status(InstanceSnapshot.Status.DRAINING).agentConnected(false).build(),
              big));
      assertEquals(
          Optional.of("AGENT"), firstRejection(instance("b").agentConnected(false).build(), big));
      assertEquals(Optional.of("RESOURCE:CPU"), firstRejection(instance("c").build(), big));
      assertEquals(
          Optional.of("RESOURCE:MEMORY"),
          firstRejection(instance("d").build(), TaskDemand.of(1, 99_999, "g")));
    }

    @Test
    void resourcesComeBeforeConstraints() {
      TaskDemand demand =
          TaskDemand.of(1, 99_999, "g")
              .withConstraints(List.of(PlacementConstraint.memberOf("runningTasksCount > 5")));
      assertEquals(Optional.of("RESOURCE:MEMORY"), firstRejection(instance("a").build(), demand));
    }

    @Test
    void everyFilterHasAName() {
      assertEquals(
          List.of(
              "ActiveInstance",
              "AgentConnected",
              "RequiredAttributes",
              "Cpu",
              "Memory",
              "Gpu",
              "TcpPorts",
              "UdpPorts",
              "DistinctInstance",
              "MemberOf"),
          PlacementFilter.ALL.stream().map(PlacementFilter::name).toList());
    }
  }
}
