package io.harbormaster.agent.runtime;

import static io.harbormaster.testing.Json.singleQuoted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.agent.runtime.ContainerSpec.DockerVolume;
import io.harbormaster.agent.runtime.ContainerSpec.HealthCheck;
import io.harbormaster.agent.runtime.ContainerSpec.HostPath;
import io.harbormaster.agent.runtime.ContainerSpec.LogConfiguration;
import io.harbormaster.agent.runtime.ContainerSpec.Mount;
import io.harbormaster.agent.runtime.ContainerSpec.NetworkMode;
import io.harbormaster.agent.runtime.ContainerSpec.PortMapping;
import io.harbormaster.agent.runtime.ContainerSpec.Protocol;
import io.harbormaster.agent.runtime.ContainerSpec.Ulimit;
import io.harbormaster.agent.runtime.ContainerSpec.VolumeScope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcsContainerSpecsTest {

  private static final String TASK_ARN =
      "arn:aws:ecs:us-east-1:000000000000:task/demo/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  private static final Map<String, String> LABELS =
      ContainerLabels.forTask(
          "arn:aws:ecs:us-east-1:000000000000:cluster/demo", TASK_ARN, "web", 3, "app");

  private static ContainerSpec map(String container) {
    return map(container, "{'family':'web'}");
  }

  private static ContainerSpec map(String container, String taskDefinition) {
    return EcsContainerSpecs.fromContainerDefinition(
        singleQuoted(container), singleQuoted(taskDefinition), LABELS);
  }

  @Test
  void minimal_takesTheImageDefaults() {
    ContainerSpec spec = map("{'name':'app','image':'busybox'}");

    assertEquals("busybox", spec.image());
    assertEquals(List.of(), spec.command());
    assertEquals(List.of(), spec.entryPoint());
    assertEquals(List.of(), spec.env());
    assertNull(spec.workingDirectory());
    assertNull(spec.user());
    assertNull(spec.memoryHardMiB());
    assertNull(spec.memoryReservationMiB());
    assertEquals(
        NetworkMode.BRIDGE, spec.networkMode(), "ECS's default network mode on EC2 is bridge");
    assertEquals(LogConfiguration.JSON_FILE, spec.logConfiguration());
    assertNull(spec.healthCheck());
    assertEquals(Duration.ofSeconds(30), spec.stopTimeout());
    assertEquals(List.of(), spec.notes());
  }

  @Test
  void name_isTaskUniqueAndReadable() {
    ContainerSpec spec = map("{'name':'app','image':'busybox'}");

    assertEquals("hm-web-3-app-0f1e2d3c4b5a69788796a5b4c3d2e1f0", spec.name());
  }

  @Test
  void name_withoutTaskArn_isLeftToTheRuntime() {
    ContainerSpec spec =
        EcsContainerSpecs.fromContainerDefinition(
            singleQuoted("{'name':'app','image':'busybox'}"), singleQuoted("{}"), Map.of());

    assertNull(spec.name());
  }

  @Test
  void labels_agentLabelsWinOverDockerLabels() {
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','dockerLabels':{'team':'a',"
                + "'com.amazonaws.ecs.task-arn':'spoofed'}}");

    assertEquals(Map.of("team", "a", "com.amazonaws.ecs.task-arn", "spoofed"), spec.dockerLabels());
    assertEquals(TASK_ARN, spec.labels().get(ContainerLabels.TASK_ARN));
    assertEquals(TASK_ARN, spec.allLabels().get(ContainerLabels.TASK_ARN));
    assertEquals("a", spec.allLabels().get("team"));
    assertEquals("app", spec.allLabels().get(ContainerLabels.CONTAINER_NAME));
    assertEquals("true", spec.allLabels().get(ContainerLabels.MANAGED));
  }

  @ParameterizedTest(name = "cpu {0} -> {1} shares")
  @CsvSource({"0, 2", "1, 2", "2, 2", "128, 128", "1024, 1024", "10240, 10240", "300000, 262144"})
  void cpu_unitsAreShares_withDockersMinimum(int cpu, int shares) {
    assertEquals(shares, map("{'name':'app','image':'busybox','cpu':" + cpu + "}").cpuShares());
  }

  @Test
  void cpu_absent_isTheMinimum() {
    assertEquals(2, map("{'name':'app','image':'busybox'}").cpuShares());
  }

  @Test
  void memory_hardAndSoft() {
    ContainerSpec spec =
        map("{'name':'app','image':'busybox','memory':512,'memoryReservation':128}");

    assertEquals(512, spec.memoryHardMiB());
    assertEquals(128, spec.memoryReservationMiB());
  }

  @Test
  void memory_softOnly() {
    ContainerSpec spec = map("{'name':'app','image':'busybox','memoryReservation':64}");

    assertNull(spec.memoryHardMiB());
    assertEquals(64, spec.memoryReservationMiB());
  }

  @Test
  void process_commandEntryPointEnvironmentUserWorkingDirectory() {
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','entryPoint':['sh','-c'],"
                + "'command':['echo $GREETING'],'environment':[{'name':'GREETING','value':'hi'},"
                + "{'name':'EMPTY','value':''},{'name':'NOVALUE'}],'user':'65534:65534','workingDirectory':'/tmp'}");

    assertEquals(List.of("sh", "-c"), spec.entryPoint());
    assertEquals(List.of("echo $GREETING"), spec.command());
    assertEquals(List.of("GREETING=hi", "EMPTY=", "NOVALUE="), spec.env());
    assertEquals("65534:65534", spec.user());
    assertEquals("/tmp", spec.workingDirectory());
  }

  @Nested
  class HealthChecks {

    @Test
    void ecsDefaults_forTheMembersLeftOut() {
      ContainerSpec spec =
          map("{'name':'app','image':'busybox','healthCheck':{'command':['CMD-SHELL','true']}}");

      HealthCheck check = spec.healthCheck();
      assertEquals(List.of("CMD-SHELL", "true"), check.command());
      assertEquals(Duration.ofSeconds(30), check.interval());
      assertEquals(Duration.ofSeconds(5), check.timeout());
      assertEquals(3, check.retries());
      assertEquals(Duration.ZERO, check.startPeriod());
      assertEquals(30_000_000_000L, check.intervalNanos(), "Docker takes nanoseconds");
      assertEquals(5_000_000_000L, check.timeoutNanos());
      assertEquals(0L, check.startPeriodNanos());
    }

    @Test
    void givenValues_inNanoseconds() {
      ContainerSpec spec =
          map(
              "{'name':'app','image':'busybox','healthCheck':{'command':['CMD','/bin/check','-q'],"
                  + "'interval':10,'timeout':2,'retries':5,'startPeriod':60}}");

      HealthCheck check = spec.healthCheck();
      assertEquals(List.of("CMD", "/bin/check", "-q"), check.command());
      assertEquals(10_000_000_000L, check.intervalNanos());
      assertEquals(2_000_000_000L, check.timeoutNanos());
      assertEquals(5, check.retries());
      assertEquals(60_000_000_000L, check.startPeriodNanos());
    }

    @Test
    void withoutCommand_isRejected() {
      assertThrows(
          IllegalArgumentException.class,
          () -> map("{'name':'app','image':'busybox','healthCheck':{'interval':10}}"));
    }
  }

  @Nested
  class Ports {

    @Test
    void bridge_missingOrZeroHostPort_isDynamic() {
      ContainerSpec spec =
          map(
              "{'name':'app','image':'busybox','portMappings':[{'containerPort':80},"
                  + "{'containerPort':8080,'hostPort':0},{'containerPort':53,'hostPort':5353,'protocol':'udp'}]}",
              "{'networkMode':'bridge'}");

      assertEquals(NetworkMode.BRIDGE, spec.networkMode());
      assertEquals(
          List.of(
              new PortMapping(80, 0, Protocol.TCP),
              new PortMapping(8080, 0, Protocol.TCP),
              new PortMapping(53, 5353, Protocol.UDP)),
          spec.portMappings());
      assertTrue(spec.portMappings().get(0).dynamicHostPort());
      assertFalse(spec.portMappings().get(2).dynamicHostPort());
    }

    @Test
    void host_hostPortIsTheContainerPort() {
      ContainerSpec spec =
          map(
              "{'name':'app','image':'busybox','portMappings':[{'containerPort':8080}]}",
              "{'networkMode':'host'}");

      assertEquals(NetworkMode.HOST, spec.networkMode());
      assertEquals(List.of(new PortMapping(8080, 8080, Protocol.TCP)), spec.portMappings());
    }

    @Test
    void none_hasNoPorts() {
      ContainerSpec spec = map("{'name':'app','image':'busybox'}", "{'networkMode':'none'}");

      assertEquals(NetworkMode.NONE, spec.networkMode());
      assertEquals(List.of(), spec.portMappings());
      assertThrows(
          IllegalArgumentException.class,
          () ->
              map(
                  "{'name':'app','image':'busybox','portMappings':[{'containerPort':80}]}",
                  "{'networkMode':'none'}"));
    }

    @Test
    void awsvpc_containerPortsAreTheTasksOwn_andTheAgentSetsThePauseContainer() {
      ContainerSpec spec =
          map(
              "{'name':'app','image':'busybox','portMappings':[{'containerPort':80}]}",
              "{'networkMode':'awsvpc'}");
      assertEquals(NetworkMode.AWSVPC, spec.networkMode());
      assertEquals(List.of(new PortMapping(80, 80, Protocol.TCP)), spec.portMappings());
      assertEquals(null, spec.networkNamespaceOf());
    }

    @Test
    void containerPortRange_isNotSupported() {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  map(
                      "{'name':'app','image':'busybox','portMappings':[{'containerPortRange':'8000-8010'}]}"));
      assertTrue(e.getMessage().contains("containerPortRange"), e.getMessage());
    }
  }

  @Nested
  class Volumes {

    private static final String TASK_VOLUMES =
        "{'volumes':["
            + "{'name':'logs','host':{'sourcePath':'/var/log/web'}},"
            + "{'name':'scratch'},"
            + "{'name':'emptyHost','host':{}},"
            + "{'name':'cache','dockerVolumeConfiguration':{'scope':'task','driver':'local',"
            + "'driverOpts':{'type':'tmpfs','device':'tmpfs'},'labels':{'purpose':'cache'}}},"
            + "{'name':'shared-data','dockerVolumeConfiguration':{'scope':'shared','autoprovision':true}},"
            + "{'name':'preexisting','dockerVolumeConfiguration':{'scope':'shared'}}]}";

    private ContainerSpec mounting(String mountPoints) {
      return map(
          "{'name':'app','image':'busybox','mountPoints':" + mountPoints + "}", TASK_VOLUMES);
    }

    @Test
    void hostSourcePath_isABindMount() {
      ContainerSpec spec =
          mounting("[{'sourceVolume':'logs','containerPath':'/logs','readOnly':true}]");

      assertEquals(List.of(new Mount(new HostPath("/var/log/web"), "/logs", true)), spec.mounts());
    }

    @Test
    void noHost_isATaskScopedDockerVolume() {
      ContainerSpec spec =
          mounting(
              "[{'sourceVolume':'scratch','containerPath':'/scratch'},"
                  + "{'sourceVolume':'emptyHost','containerPath':'/empty'}]");

      Mount scratch = spec.mounts().get(0);
      assertFalse(scratch.readOnly(), "readOnly defaults to false");
      DockerVolume volume = (DockerVolume) scratch.source();
      assertEquals("hm-0f1e2d3c4b5a69788796a5b4c3d2e1f0-scratch", volume.name());
      assertEquals(VolumeScope.TASK, volume.scope());
      assertTrue(volume.autoprovision());
      assertNull(volume.driver());
      assertEquals(
          TASK_ARN,
          volume.labels().get(ContainerLabels.TASK_ARN),
          "left-over task volumes are findable");
      assertEquals(
          "hm-0f1e2d3c4b5a69788796a5b4c3d2e1f0-emptyHost",
          ((DockerVolume) spec.mounts().get(1).source()).name());
    }

    @Test
    void dockerVolumeConfiguration_taskScope_keepsDriverOptionsAndLabels() {
      ContainerSpec spec = mounting("[{'sourceVolume':'cache','containerPath':'/cache'}]");

      DockerVolume volume = (DockerVolume) spec.mounts().get(0).source();
      assertEquals("hm-0f1e2d3c4b5a69788796a5b4c3d2e1f0-cache", volume.name());
      assertEquals("local", volume.driver());
      assertEquals(Map.of("type", "tmpfs", "device", "tmpfs"), volume.driverOptions());
      assertEquals("cache", volume.labels().get("purpose"));
      assertEquals(VolumeScope.TASK, volume.scope());
    }

    @Test
    void dockerVolumeConfiguration_sharedScope_keepsTheEcsName() {
      ContainerSpec spec =
          mounting(
              "[{'sourceVolume':'shared-data','containerPath':'/data'},"
                  + "{'sourceVolume':'preexisting','containerPath':'/pre','readOnly':true}]");

      DockerVolume shared = (DockerVolume) spec.mounts().get(0).source();
      assertEquals("shared-data", shared.name());
      assertEquals(VolumeScope.SHARED, shared.scope());
      assertTrue(shared.autoprovision());
      assertFalse(
          shared.labels().containsKey(ContainerLabels.TASK_ARN),
          "a shared volume belongs to no task");
      DockerVolume preexisting = (DockerVolume) spec.mounts().get(1).source();
      assertFalse(preexisting.autoprovision(), "autoprovision defaults to false");
      assertTrue(spec.mounts().get(1).readOnly());
    }

    @Test
    void unknownSourceVolume_isRejected() {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> mounting("[{'sourceVolume':'nope','containerPath':'/x'}]"));
      assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void efs_isNotSupported() {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              map(
                  "{'name':'app','image':'busybox','mountPoints':[{'sourceVolume':'efs','containerPath':'/efs'}]}",
                  "{'volumes':[{'name':'efs','efsVolumeConfiguration':{'fileSystemId':'fs-1'}}]}"));
    }
  }

  @Test
  void ulimits() {
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','ulimits':["
                + "{'name':'nofile','softLimit':1024,'hardLimit':4096},{'name':'nproc','softLimit':64,'hardLimit':64}]}");

    assertEquals(
        List.of(new Ulimit("nofile", 1024, 4096), new Ulimit("nproc", 64, 64)), spec.ulimits());
  }

  @Test
  void readonlyRootFilesystem() {
    assertTrue(
        map("{'name':'app','image':'busybox','readonlyRootFilesystem':true}")
            .readonlyRootFilesystem());
    assertFalse(map("{'name':'app','image':'busybox'}").readonlyRootFilesystem());
  }

  @Test
  void logConfiguration_jsonFile_keepsItsOptions() {
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','logConfiguration':{'logDriver':'json-file',"
                + "'options':{'max-size':'10m','max-file':'3'}}}");

    assertEquals(
        new LogConfiguration("json-file", Map.of("max-size", "10m", "max-file", "3")),
        spec.logConfiguration());
    assertEquals(List.of(), spec.notes());
  }

  @Test
  void logConfiguration_otherDriver_isJsonFileWithANote() {
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','logConfiguration':{'logDriver':'syslog',"
                + "'options':{'syslog-address':'udp://127.0.0.1:514'}}}");

    assertEquals(
        LogConfiguration.JSON_FILE,
        spec.logConfiguration(),
        "syslog options mean nothing to json-file");
    assertEquals(1, spec.notes().size());
    assertTrue(spec.notes().get(0).contains("syslog"), spec.notes().get(0));
  }

  @Test
  void logConfiguration_awslogs_isJsonFileThatTheAgentShips() {
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','logConfiguration':{'logDriver':'awslogs',"
                + "'options':{'awslogs-group':'/ecs/web','awslogs-stream-prefix':'web'}}}");

    assertEquals(
        LogConfiguration.JSON_FILE,
        spec.logConfiguration(),
        "Docker's awslogs driver would call AWS: the agent reads json-file and ships it");
    assertEquals(List.of(), spec.notes());
  }

  @Test
  void stopTimeout() {
    assertEquals(
        Duration.ofSeconds(2),
        map("{'name':'app','image':'busybox','stopTimeout':2}").stopTimeout());
  }

  @Test
  void notMappedMembers_becomeNotes_emptyOnesDoNot() {
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','secrets':[{'name':'A','valueFrom':'arn'}],"
                + "'repositoryCredentials':{'credentialsParameter':'arn'},"
                + "'links':[],'volumesFrom':[],'privileged':false,'linuxParameters':{'initProcessEnabled':true}}");

    assertEquals(2, spec.notes().size(), spec.notes().toString());
    assertTrue(spec.notes().get(0).startsWith("secrets"), spec.notes().toString());
    assertTrue(spec.notes().get(1).startsWith("repositoryCredentials"), spec.notes().toString());
    assertTrue(spec.options().linux().init());
  }

  @Test
  void dockerMembers_areMapped() {
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','memory':128,'hostname':'web-1',"
                + "'disableNetworking':true,'privileged':true,'interactive':true,'pseudoTerminal':true,"
                + "'dnsServers':['10.0.0.2'],'dnsSearchDomains':['example.internal'],"
                + "'extraHosts':[{'hostname':'db','ipAddress':'169.254.10.2'}],"
                + "'dockerSecurityOptions':['no-new-privileges'],"
                + "'systemControls':[{'namespace':'net.core.somaxconn','value':'1024'}],"
                + "'resourceRequirements':[{'type':'GPU','value':'2'}],"
                + "'links':['db:database','cache'],"
                + "'volumesFrom':[{'sourceContainer':'db','readOnly':true},{'sourceContainer':'cache'}],"
                + "'linuxParameters':{'capabilities':{'add':['NET_ADMIN'],'drop':['MKNOD']},"
                + "'devices':[{'hostPath':'/dev/fuse','permissions':['read','write']},"
                + "{'hostPath':'/dev/null','containerPath':'/dev/nothing'}],"
                + "'initProcessEnabled':true,'sharedMemorySize':256,'maxSwap':512,"
                + "'tmpfs':[{'containerPath':'/scratch','size':64,'mountOptions':['noexec']}]}}",
            "{'family':'web','containerDefinitions':[{'name':'app'},{'name':'db'},{'name':'cache'}]}");

    ContainerSpec.RuntimeOptions options = spec.options();
    assertEquals("web-1", options.hostname());
    assertTrue(options.networkDisabled());
    assertTrue(options.privileged());
    assertTrue(options.interactive());
    assertTrue(options.pseudoTerminal());
    assertEquals(List.of("10.0.0.2"), options.dnsServers());
    assertEquals(List.of("example.internal"), options.dnsSearchDomains());
    assertEquals(List.of("db:169.254.10.2"), options.extraHosts());
    assertEquals(List.of("no-new-privileges"), options.securityOptions());
    assertEquals(Map.of("net.core.somaxconn", "1024"), options.sysctls());
    assertEquals(2, options.gpus());
    String suffix = "-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    assertEquals(
        List.of(
            new ContainerSpec.Link("hm-web-3-db" + suffix, "database"),
            new ContainerSpec.Link("hm-web-3-cache" + suffix, "cache")),
        options.links(),
        "links name the other containers' Docker names");
    assertEquals(
        List.of(
            new ContainerSpec.VolumesFrom("hm-web-3-db" + suffix, true),
            new ContainerSpec.VolumesFrom("hm-web-3-cache" + suffix, false)),
        options.volumesFrom());
    ContainerSpec.LinuxParameters linux = options.linux();
    assertEquals(List.of("NET_ADMIN"), linux.capabilitiesAdded());
    assertEquals(List.of("MKNOD"), linux.capabilitiesDropped());
    assertEquals(
        List.of(
            new ContainerSpec.Device("/dev/fuse", "/dev/fuse", "rw"),
            new ContainerSpec.Device("/dev/null", "/dev/nothing", "rwm")),
        linux.devices());
    assertTrue(linux.init());
    assertEquals(Map.of("/scratch", "size=64m,noexec"), linux.tmpfs());
    assertEquals(256, linux.sharedMemoryMiB());
    assertEquals(512, linux.maxSwapMiB());
    assertEquals(60, linux.swappiness(), "ECS's default swappiness with maxSwap");
    assertEquals(List.of(), spec.notes());
  }

  @Test
  void maxSwap_withoutAHardLimit_isANote() {
    ContainerSpec spec =
        map("{'name':'app','image':'busybox','linuxParameters':{'maxSwap':100,'swappiness':10}}");

    assertNull(spec.options().linux().maxSwapMiB());
    assertNull(spec.options().linux().swappiness());
    assertTrue(spec.notes().get(0).contains("maxSwap"), spec.notes().toString());
  }

  @Test
  void links_toAContainerNotInTheTask_orOutsideBridgeMode_areRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            map(
                "{'name':'app','image':'busybox','links':['ghost']}",
                "{'family':'web','containerDefinitions':[{'name':'app'}]}"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            map(
                "{'name':'app','image':'busybox','links':['db']}",
                "{'family':'web','networkMode':'host','containerDefinitions':[{'name':'app'},{'name':'db'}]}"));
  }

  @Test
  void resourceRequirements_otherThanGpu_areRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            map(
                "{'name':'app','image':'busybox','resourceRequirements':"
                    + "[{'type':'InferenceAccelerator','value':'device_1'}]}"));
  }

  @Test
  void environmentFiles_firstFileWins_environmentWinsOverFiles() {
    ContainerSpec spec =
        EcsContainerSpecs.fromContainerDefinition(
            singleQuoted(
                "{'name':'app','image':'busybox','environment':[{'name':'A','value':'definition'}],"
                    + "'environmentFiles':[{'type':'s3','value':'/one.env'}]}"),
            singleQuoted("{'family':'web'}"),
            LABELS,
            List.of("A=file", "B=first", "B=second", "C=x=y"));

    assertEquals(List.of("A=definition", "B=first", "C=x=y"), spec.env());
  }

  @Test
  void environmentFiles_unread_areRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            map(
                "{'name':'app','image':'busybox','environmentFiles':[{'type':'s3','value':'/a.env'}]}"));
  }

  @Test
  void registeredDefinition_withTheDefaultsRegisterTaskDefinitionAdds() {
    // what TaskDefinitionRules stores: cpu 0, empty lists, protocol and health-check defaults
    // filled in
    ContainerSpec spec =
        map(
            "{'name':'app','image':'busybox','cpu':0,'essential':true,'portMappings':"
                + "[{'containerPort':80,'protocol':'tcp'}],'environment':[],'mountPoints':[],'volumesFrom':[],"
                + "'systemControls':[],'healthCheck':{'command':['CMD-SHELL','true'],'interval':30,'timeout':5,'retries':3}}",
            "{'family':'web','networkMode':'bridge','volumes':[],'placementConstraints':[],'compatibilities':['EC2']}");

    assertEquals(2, spec.cpuShares());
    assertEquals(List.of(new PortMapping(80, 0, Protocol.TCP)), spec.portMappings());
    assertEquals(HealthCheck.of(List.of("CMD-SHELL", "true")), spec.healthCheck());
    assertEquals(List.of(), spec.notes());
  }

  @Test
  void missingNameOrImage_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> map("{'image':'busybox'}"));
    assertThrows(IllegalArgumentException.class, () -> map("{'name':'app'}"));
  }
}
