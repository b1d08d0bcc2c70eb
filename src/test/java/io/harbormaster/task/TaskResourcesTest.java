package io.harbormaster.task;

import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.harbormaster.instance.ContainerInstance.Demand;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskResourcesTest {

  // ---- cpu and memory ----

  @Test
  void taskLevelVcpuAndGigabytesWinOverTheContainers() {
    JsonNode definition =
        json(
            """
        {"cpu":"1 vCPU","memory":"2 GB","containerDefinitions":[
          {"name":"a","image":"x","cpu":128,"memory":256},
          {"name":"b","image":"x","cpu":128,"memory":256}]}
        """);

    assertEquals(
        new Demand(1024, 2048, Set.of(), Set.of()), TaskResources.demand(definition, null));
  }

  @Test
  void gpusOfEveryContainerAddUp() {
    JsonNode definition =
        json(
            """
        {"cpu":"512","memory":"1024","containerDefinitions":[
          {"name":"a","image":"x","resourceRequirements":[{"type":"GPU","value":"2"}]},
          {"name":"b","image":"x","resourceRequirements":[{"type":"GPU","value":"1"}]},
          {"name":"c","image":"x"}]}
        """);

    assertEquals(
        new Demand(512, 1024, Set.of(), Set.of(), 3), TaskResources.demand(definition, null));
  }

  @Test
  void taskLevelUnitsAndMebibytesAsPlainNumbers() {
    JsonNode definition =
        json(
            """
        {"cpu":"512","memory":"1024","containerDefinitions":[{"name":"a","image":"x"}]}
        """);

    assertEquals(new Demand(512, 1024, Set.of(), Set.of()), TaskResources.demand(definition, null));
  }

  @Test
  void halfAVcpuIsHalfOfTheUnits() {
    JsonNode definition =
        json(
            """
        {"cpu":"0.5 vCPU","memory":"512 MiB","containerDefinitions":[{"name":"a","image":"x"}]}
        """);

    assertEquals(new Demand(512, 512, Set.of(), Set.of()), TaskResources.demand(definition, null));
  }

  @Test
  void withoutTaskLevelValuesTheContainersAddUp() {
    JsonNode definition =
        json(
            """
        {"containerDefinitions":[
          {"name":"a","image":"x","cpu":256,"memory":512},
          {"name":"b","image":"x","cpu":128,"memory":256},
          {"name":"c","image":"x"}]}
        """);

    assertEquals(new Demand(384, 768, Set.of(), Set.of()), TaskResources.demand(definition, null));
  }

  @Test
  void memoryReservationCountsWhenAContainerHasNoHardLimit() {
    JsonNode definition =
        json(
            """
        {"containerDefinitions":[
          {"name":"soft","image":"x","memoryReservation":300},
          {"name":"both","image":"x","memory":200,"memoryReservation":100}]}
        """);

    assertEquals(500, TaskResources.demand(definition, null).memory());
  }

  @Test
  void taskLevelMemoryAloneLeavesTheCpuToTheContainers() {
    JsonNode definition =
        json(
            """
        {"memory":"1GB","containerDefinitions":[{"name":"a","image":"x","cpu":100,"memory":64}]}
        """);

    assertEquals(new Demand(100, 1024, Set.of(), Set.of()), TaskResources.demand(definition, null));
  }

  @Test
  void containerOverridesReplaceTheContainersCpuAndMemory() {
    JsonNode definition =
        json(
            """
        {"containerDefinitions":[
          {"name":"a","image":"x","cpu":256,"memory":512},
          {"name":"b","image":"x","cpu":128,"memoryReservation":128}]}
        """);
    JsonNode overrides =
        json(
            """
        {"containerOverrides":[{"name":"a","cpu":1024,"memory":2048},{"name":"b","memoryReservation":64}]}
        """);

    assertEquals(
        new Demand(1152, 2112, Set.of(), Set.of()), TaskResources.demand(definition, overrides));
  }

  @Test
  void taskLevelOverridesReplaceTheTaskLevelValues() {
    JsonNode definition =
        json(
            """
        {"cpu":"256","memory":"512","containerDefinitions":[{"name":"a","image":"x"}]}
        """);
    JsonNode overrides = json("{\"cpu\":\"2 vCPU\",\"memory\":\"4096\"}");

    assertEquals(
        new Demand(2048, 4096, Set.of(), Set.of()), TaskResources.demand(definition, overrides));
  }

  @Test
  void overridesWithoutResourcesChangeNothing() {
    JsonNode definition =
        json(
            """
        {"containerDefinitions":[{"name":"a","image":"x","cpu":10,"memory":20}]}
        """);
    JsonNode overrides =
        json(
            """
        {"containerOverrides":[{"name":"a","command":["true"]},{"name":"unknown","cpu":4096}]}
        """);

    assertEquals(
        new Demand(10, 20, Set.of(), Set.of()), TaskResources.demand(definition, overrides));
  }

  // ---- ports ----

  @Test
  void hostModeReservesTheContainerPorts() {
    JsonNode definition =
        json(
            """
        {"networkMode":"host","containerDefinitions":[{"name":"a","image":"x","portMappings":[
          {"containerPort":80},{"containerPort":443,"hostPort":443,"protocol":"tcp"}]}]}
        """);

    assertEquals(Set.of(80, 443), TaskResources.demand(definition, null).tcpPorts());
  }

  @Test
  void awsvpcModeReservesNoHostPorts_eachTaskHasItsOwnAddress() {
    JsonNode definition =
        json(
            """
        {"networkMode":"awsvpc","containerDefinitions":[{"name":"a","image":"x","portMappings":[
          {"containerPort":8080}]}]}
        """);

    assertEquals(Set.of(), TaskResources.demand(definition, null).tcpPorts());
  }

  @Test
  void bridgeModeReservesOnlyStaticHostPorts() {
    JsonNode definition =
        json(
            """
        {"networkMode":"bridge","containerDefinitions":[{"name":"a","image":"x","portMappings":[
          {"containerPort":80,"hostPort":8080},
          {"containerPort":81,"hostPort":0},
          {"containerPort":82}]}]}
        """);

    assertEquals(Set.of(8080), TaskResources.demand(definition, null).tcpPorts());
  }

  @Test
  void networkModeDefaultsToBridge() {
    JsonNode definition =
        json(
            """
        {"containerDefinitions":[{"name":"a","image":"x","portMappings":[
          {"containerPort":80},{"containerPort":443,"hostPort":8443}]}]}
        """);

    assertEquals(Set.of(8443), TaskResources.demand(definition, null).tcpPorts());
  }

  @Test
  void noneModeReservesNoPorts() {
    JsonNode definition =
        json(
            """
        {"networkMode":"none","containerDefinitions":[{"name":"a","image":"x","portMappings":[
          {"containerPort":80,"hostPort":80}]}]}
        """);

    Demand demand = TaskResources.demand(definition, null);

    assertEquals(Set.of(), demand.tcpPorts());
    assertEquals(Set.of(), demand.udpPorts());
  }

  @Test
  void udpPortsAreReservedApartFromTcpPorts() {
    JsonNode definition =
        json(
            """
        {"networkMode":"host","containerDefinitions":[
          {"name":"dns","image":"x","portMappings":[
            {"containerPort":53,"protocol":"udp"},{"containerPort":53,"protocol":"tcp"}]},
          {"name":"syslog","image":"x","portMappings":[{"containerPort":514,"protocol":"udp"}]}]}
        """);

    Demand demand = TaskResources.demand(definition, null);

    assertEquals(Set.of(53), demand.tcpPorts());
    assertEquals(Set.of(53, 514), demand.udpPorts());
  }

  @Test
  void portsOfEveryContainerAreReserved() {
    JsonNode definition =
        json(
            """
        {"networkMode":"bridge","containerDefinitions":[
          {"name":"a","image":"x","portMappings":[{"containerPort":80,"hostPort":8080}]},
          {"name":"b","image":"x","portMappings":[{"containerPort":80,"hostPort":8081}]}]}
        """);

    assertEquals(Set.of(8080, 8081), TaskResources.demand(definition, null).tcpPorts());
  }
}
