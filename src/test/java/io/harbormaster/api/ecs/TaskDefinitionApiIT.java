package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.harbormaster.testing.EcsClients;
import io.harbormaster.testing.SdkPojos;
import io.harbormaster.testing.ServerErrors;
import io.harbormaster.testing.ServerProcess;
import io.harbormaster.testing.SignedHttp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.CPUArchitecture;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.ContainerRestartPolicy;
import software.amazon.awssdk.services.ecs.model.DeleteTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Device;
import software.amazon.awssdk.services.ecs.model.DeviceCgroupPermission;
import software.amazon.awssdk.services.ecs.model.DockerVolumeConfiguration;
import software.amazon.awssdk.services.ecs.model.EnvironmentFile;
import software.amazon.awssdk.services.ecs.model.EnvironmentFileType;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.HostEntry;
import software.amazon.awssdk.services.ecs.model.HostVolumeProperties;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.IpcMode;
import software.amazon.awssdk.services.ecs.model.KernelCapabilities;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LinuxParameters;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.MountPoint;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.OSFamily;
import software.amazon.awssdk.services.ecs.model.PidMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RepositoryCredentials;
import software.amazon.awssdk.services.ecs.model.ResourceRequirement;
import software.amazon.awssdk.services.ecs.model.ResourceType;
import software.amazon.awssdk.services.ecs.model.RuntimePlatform;
import software.amazon.awssdk.services.ecs.model.Scope;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.SystemControl;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionPlacementConstraint;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionPlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.Tmpfs;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;
import software.amazon.awssdk.services.ecs.model.Ulimit;
import software.amazon.awssdk.services.ecs.model.UlimitName;
import software.amazon.awssdk.services.ecs.model.VersionConsistency;
import software.amazon.awssdk.services.ecs.model.Volume;
import software.amazon.awssdk.services.ecs.model.VolumeFrom;

/**
 * The task definition operations through the real AWS SDK v2 client, against one server process and
 * a real Cassandra. Tests that list a whole account make a tenant of their own, so the listing
 * holds exactly their data.
 */
class TaskDefinitionApiIT {
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  private static final ServerErrors serverErrors = new ServerErrors();
  private static ServerProcess server;
  private static ServerProcess.Credentials account;
  private static EcsClient ecs;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.startFirst("taskdef-api");
    account = SignedHttp.createAccount(server, "taskdef-api-" + RUN);
    ecs = EcsClients.sync(server, account, serverErrors);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (ecs != null) ecs.close();
    if (server != null) server.close();
  }

  @AfterEach
  void noServerErrors() {
    serverErrors.assertNone();
  }

  private static String unique(String what) {
    return what + "-" + RUN;
  }

  private static String arn(String accountId, String family, int revision) {
    return "arn:aws:ecs:us-east-1:" + accountId + ":task-definition/" + family + ":" + revision;
  }

  private static String arn(String family, int revision) {
    return arn(account.accountId(), family, revision);
  }

  /** A small valid task definition of the family. */
  private static TaskDefinition register(EcsClient client, String family, Tag... tags) {
    return client
        .registerTaskDefinition(
            r ->
                r.family(family)
                    .tags(tags)
                    .containerDefinitions(
                        ContainerDefinition.builder()
                            .name("app")
                            .image("nginx:1.27")
                            .memory(128)
                            .build()))
        .taskDefinition();
  }

  private static TaskDefinition register(String family, Tag... tags) {
    return register(ecs, family, tags);
  }

  private static Map<String, String> tagMap(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b, TreeMap::new));
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  // ---- RegisterTaskDefinition / DescribeTaskDefinition: every member comes back ----

  /** A container definition with as many members as a bridge-mode EC2 task sensibly has. */
  private static ContainerDefinition richContainer() {
    return ContainerDefinition.builder()
        .name("app")
        .image("registry.example.com/team/app:1.2.3")
        .repositoryCredentials(
            RepositoryCredentials.builder()
                .credentialsParameter(
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry")
                .build())
        .cpu(512)
        .memory(1024)
        .memoryReservation(512)
        .links("init")
        .portMappings(
            PortMapping.builder()
                .containerPort(8080)
                .hostPort(0)
                .protocol(TransportProtocol.TCP)
                .name("http")
                .appProtocol("http")
                .build(),
            PortMapping.builder()
                .containerPort(8125)
                .hostPort(8125)
                .protocol(TransportProtocol.UDP)
                .build())
        .essential(true)
        .restartPolicy(
            ContainerRestartPolicy.builder()
                .enabled(true)
                .ignoredExitCodes(0, 143)
                .restartAttemptPeriod(120)
                .build())
        .entryPoint("/bin/sh", "-c")
        .command("exec /srv/app --port 8080")
        .environment(
            KeyValuePair.builder().name("MODE").value("production").build(),
            KeyValuePair.builder().name("EMPTY").value("").build())
        .environmentFiles(
            EnvironmentFile.builder()
                .value("arn:aws:s3:::config-bucket/app.env")
                .type(EnvironmentFileType.S3)
                .build())
        .mountPoints(
            MountPoint.builder().sourceVolume("data").containerPath("/data").readOnly(true).build(),
            MountPoint.builder()
                .sourceVolume("scratch")
                .containerPath("/scratch")
                .readOnly(false)
                .build())
        .volumesFrom(VolumeFrom.builder().sourceContainer("init").readOnly(true).build())
        .linuxParameters(
            LinuxParameters.builder()
                .capabilities(
                    KernelCapabilities.builder()
                        .add("NET_ADMIN", "SYS_PTRACE")
                        .drop("MKNOD")
                        .build())
                .devices(
                    Device.builder()
                        .hostPath("/dev/fuse")
                        .containerPath("/dev/fuse")
                        .permissions(DeviceCgroupPermission.READ, DeviceCgroupPermission.WRITE)
                        .build())
                .initProcessEnabled(true)
                .sharedMemorySize(128)
                .tmpfs(
                    Tmpfs.builder()
                        .containerPath("/run")
                        .size(64)
                        .mountOptions("rw", "noexec")
                        .build())
                .maxSwap(512)
                .swappiness(30)
                .build())
        .secrets(
            Secret.builder()
                .name("DB_PASSWORD")
                .valueFrom("arn:aws:ssm:us-east-1:123456789012:parameter/db-password")
                .build())
        .dependsOn(
            ContainerDependency.builder()
                .containerName("init")
                .condition(ContainerCondition.SUCCESS)
                .build())
        .startTimeout(60)
        .stopTimeout(45)
        .versionConsistency(VersionConsistency.DISABLED)
        .hostname("app.internal")
        .user("1000:1000")
        .workingDirectory("/srv")
        .disableNetworking(false)
        .privileged(false)
        .readonlyRootFilesystem(true)
        .dnsServers("10.0.0.2", "1.1.1.1")
        .dnsSearchDomains("internal.example.com")
        .extraHosts(HostEntry.builder().hostname("db").ipAddress("10.0.0.5").build())
        .dockerSecurityOptions("no-new-privileges")
        .interactive(true)
        .pseudoTerminal(true)
        .dockerLabels(Map.of("team", "platform", "com.example.tier", "web"))
        .ulimits(Ulimit.builder().name(UlimitName.NOFILE).softLimit(1024).hardLimit(4096).build())
        .logConfiguration(
            LogConfiguration.builder()
                .logDriver(LogDriver.JSON_FILE)
                .options(Map.of("max-size", "10m", "max-file", "3"))
                .secretOptions(
                    Secret.builder()
                        .name("token")
                        .valueFrom("arn:aws:ssm:us-east-1:123456789012:parameter/log-token")
                        .build())
                .build())
        .healthCheck(
            HealthCheck.builder()
                .command("CMD-SHELL", "curl -f http://localhost:8080/health || exit 1")
                .interval(10)
                .timeout(3)
                .retries(4)
                .startPeriod(20)
                .build())
        .systemControls(
            SystemControl.builder().namespace("net.core.somaxconn").value("1024").build())
        .resourceRequirements(
            ResourceRequirement.builder().type(ResourceType.GPU).value("1").build())
        .build();
  }

  private static RegisterTaskDefinitionRequest richTaskDefinition(String family) {
    return RegisterTaskDefinitionRequest.builder()
        .family(family)
        .taskRoleArn("arn:aws:iam::123456789012:role/app-task")
        .executionRoleArn("arn:aws:iam::123456789012:role/app-execution")
        .networkMode(NetworkMode.BRIDGE)
        .containerDefinitions(
            richContainer(),
            ContainerDefinition.builder()
                .name("init")
                .image("busybox:1.36")
                .essential(false)
                .memoryReservation(64)
                .command("sh", "-c", "cp -r /seed/. /shared/")
                .build())
        .volumes(
            Volume.builder()
                .name("data")
                .host(HostVolumeProperties.builder().sourcePath("/var/lib/app").build())
                .build(),
            Volume.builder()
                .name("scratch")
                .dockerVolumeConfiguration(
                    DockerVolumeConfiguration.builder()
                        .scope(Scope.TASK)
                        .driver("local")
                        .driverOpts(Map.of("type", "tmpfs"))
                        .labels(Map.of("purpose", "scratch"))
                        .build())
                .build())
        .placementConstraints(
            TaskDefinitionPlacementConstraint.builder()
                .type(TaskDefinitionPlacementConstraintType.MEMBER_OF)
                .expression("attribute:ecs.instance-type =~ t3.*")
                .build())
        .requiresCompatibilities(Compatibility.EC2)
        .cpu("1024")
        .memory("2048")
        .pidMode(PidMode.TASK)
        .ipcMode(IpcMode.TASK)
        .runtimePlatform(
            RuntimePlatform.builder()
                .cpuArchitecture(CPUArchitecture.X86_64)
                .operatingSystemFamily(OSFamily.LINUX)
                .build())
        .tags(tag("service", "app"))
        .build();
  }

  @Test
  void registerTaskDefinitionReturnsEverySentMemberAndDescribeReturnsThemAgain() {
    String family = unique("rich");
    RegisterTaskDefinitionRequest request = richTaskDefinition(family);
    Instant before = Instant.now().minusSeconds(5);

    RegisterTaskDefinitionResponse registered = ecs.registerTaskDefinition(request);

    TaskDefinition td = registered.taskDefinition();
    SdkPojos.assertSetMembersEqual("registered", request, td, Set.of("tags"));
    assertEquals(arn(family, 1), td.taskDefinitionArn());
    assertEquals(1, td.revision());
    assertEquals(TaskDefinitionStatus.ACTIVE, td.status());
    assertEquals("arn:aws:iam::" + account.accountId() + ":root", td.registeredBy());
    assertTrue(
        td.registeredAt().isAfter(before)
            && td.registeredAt().isBefore(Instant.now().plusSeconds(5)),
        "registeredAt " + td.registeredAt());
    assertTrue(td.compatibilities().contains(Compatibility.EC2), td.compatibilities().toString());
    assertEquals(Map.of("service", "app"), tagMap(registered.tags()));

    DescribeTaskDefinitionResponse described =
        ecs.describeTaskDefinition(r -> r.taskDefinition(family));
    SdkPojos.assertSetMembersEqual(
        "described", request, described.taskDefinition(), Set.of("tags"));
    assertEquals(td, described.taskDefinition(), "describe shows what register answered");
  }

  @Test
  void describeFillsInTheDefaultsEcsShows() {
    String family = unique("defaults");
    TaskDefinition td =
        ecs.registerTaskDefinition(
                r ->
                    r.family(family)
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("web")
                                .image("nginx")
                                .memory(256)
                                .portMappings(PortMapping.builder().containerPort(80).build())
                                .healthCheck(HealthCheck.builder().command("CMD", "true").build())
                                .build()))
            .taskDefinition();

    ContainerDefinition web =
        ecs.describeTaskDefinition(r -> r.taskDefinition(family))
            .taskDefinition()
            .containerDefinitions()
            .get(0);
    assertEquals(td.containerDefinitions().get(0), web);
    assertEquals(0, web.cpu());
    assertEquals(true, web.essential());
    assertEquals(TransportProtocol.TCP, web.portMappings().get(0).protocol());
    assertEquals(30, web.healthCheck().interval());
    assertEquals(5, web.healthCheck().timeout());
    assertEquals(3, web.healthCheck().retries());
    assertEquals(List.of(), web.environment());
    assertEquals(List.of(), web.mountPoints());
    assertEquals(List.of(), td.volumes());
  }

  @Test
  void describeFindsARevisionByFamilyByFamilyAndRevisionAndByArn() {
    String family = unique("lookup");
    register(family);
    register(family);
    register(family);

    assertEquals(
        3,
        ecs.describeTaskDefinition(r -> r.taskDefinition(family)).taskDefinition().revision(),
        "a bare family means its latest ACTIVE revision");
    assertEquals(
        2,
        ecs.describeTaskDefinition(r -> r.taskDefinition(family + ":2"))
            .taskDefinition()
            .revision());
    TaskDefinition byArn =
        ecs.describeTaskDefinition(r -> r.taskDefinition(arn(family, 1))).taskDefinition();
    assertEquals(1, byArn.revision());
    assertEquals(arn(family, 1), byArn.taskDefinitionArn());
    assertEquals(family, byArn.family());
  }

  @Test
  void describeShowsTagsOnlyWithIncludeTags() {
    String family = unique("described-tags");
    register(family, tag("owner", "team-a"), tag("tier", "backend"));

    DescribeTaskDefinitionResponse without =
        ecs.describeTaskDefinition(r -> r.taskDefinition(family));
    assertEquals(List.of(), without.tags());
    DescribeTaskDefinitionResponse with =
        ecs.describeTaskDefinition(r -> r.taskDefinition(family).include(TaskDefinitionField.TAGS));
    assertEquals(Map.of("owner", "team-a", "tier", "backend"), tagMap(with.tags()));
  }

  @Test
  void describeOfAnUnknownFamilyOrRevisionIsAClientException() {
    String family = unique("describe-unknown");
    register(family);
    ClientException noRevision =
        assertThrows(
            ClientException.class,
            () -> ecs.describeTaskDefinition(r -> r.taskDefinition(family + ":2")));
    assertEquals(400, noRevision.statusCode());
    assertThrows(
        ClientException.class,
        () -> ecs.describeTaskDefinition(r -> r.taskDefinition(unique("no-family"))));
    assertThrows(
        ClientException.class,
        () -> ecs.describeTaskDefinition(r -> r.taskDefinition(arn(family, 7))));
  }

  // ---- ListTaskDefinitions ----

  /**
   * A tenant with families {@code api} (3 revisions, 2 deregistered) and {@code worker} (2
   * revisions).
   */
  private record Listing(ServerProcess.Credentials account, EcsClient client)
      implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }

    String arn(String family, int revision) {
      return TaskDefinitionApiIT.arn(account.accountId(), family, revision);
    }
  }

  private static Listing listingTenant(String name) {
    ServerProcess.Credentials tenant = SignedHttp.createAccount(server, unique(name));
    EcsClient client = EcsClients.sync(server, tenant, serverErrors);
    for (int i = 0; i < 3; i++) register(client, "api");
    for (int i = 0; i < 2; i++) register(client, "worker");
    client.deregisterTaskDefinition(r -> r.taskDefinition("api:2"));
    return new Listing(tenant, client);
  }

  private static List<String> listAll(
      EcsClient client,
      Consumer<software.amazon.awssdk.services.ecs.model.ListTaskDefinitionsRequest.Builder>
          request) {
    List<String> arns = new ArrayList<>();
    client.listTaskDefinitionsPaginator(request).taskDefinitionArns().forEach(arns::add);
    return arns;
  }

  @Test
  void listTaskDefinitionsFiltersByFamilyAndStatusAndSorts() {
    try (Listing t = listingTenant("list")) {
      assertEquals(
          List.of(t.arn("api", 1), t.arn("api", 3), t.arn("worker", 1), t.arn("worker", 2)),
          t.client().listTaskDefinitions(r -> {}).taskDefinitionArns(),
          "by default ACTIVE revisions, ascending by family then revision");
      assertEquals(
          List.of(t.arn("worker", 2), t.arn("worker", 1), t.arn("api", 3), t.arn("api", 1)),
          t.client().listTaskDefinitions(r -> r.sort(SortOrder.DESC)).taskDefinitionArns());
      assertEquals(
          List.of(t.arn("api", 2)),
          t.client()
              .listTaskDefinitions(r -> r.status(TaskDefinitionStatus.INACTIVE))
              .taskDefinitionArns());
      assertEquals(
          List.of(t.arn("api", 1), t.arn("api", 3)),
          t.client().listTaskDefinitions(r -> r.familyPrefix("api")).taskDefinitionArns());
      assertEquals(
          List.of(t.arn("worker", 2), t.arn("worker", 1)),
          t.client()
              .listTaskDefinitions(r -> r.familyPrefix("worker").sort(SortOrder.DESC))
              .taskDefinitionArns());
    }
  }

  @Test
  void listTaskDefinitionsFamilyPrefixIsTheFullFamilyName() {
    // The model: "The full family name to filter the ListTaskDefinitions results with."
    String family = unique("web");
    register(family);
    register(family + "-worker");
    assertEquals(
        List.of(arn(family, 1)),
        ecs.listTaskDefinitions(r -> r.familyPrefix(family)).taskDefinitionArns());
    assertEquals(
        List.of(), ecs.listTaskDefinitions(r -> r.familyPrefix(unique("we"))).taskDefinitionArns());
  }

  @Test
  void listTaskDefinitionsPagesWithNextTokenInEitherOrder() {
    try (Listing t = listingTenant("list-paging")) {
      List<ListTaskDefinitionsResponse> pages =
          t
              .client()
              .listTaskDefinitionsPaginator(r -> r.maxResults(3).sort(SortOrder.DESC))
              .stream()
              .toList();
      assertEquals(List.of(3, 1), pages.stream().map(p -> p.taskDefinitionArns().size()).toList());
      assertNotNull(pages.get(0).nextToken());
      assertNull(pages.get(1).nextToken(), "the last page has no nextToken");
      assertEquals(
          List.of(t.arn("worker", 2), t.arn("worker", 1), t.arn("api", 3), t.arn("api", 1)),
          pages.stream().flatMap(p -> p.taskDefinitionArns().stream()).toList());

      assertEquals(
          List.of(t.arn("api", 1), t.arn("api", 3), t.arn("worker", 1), t.arn("worker", 2)),
          listAll(t.client(), r -> r.maxResults(1)),
          "one per page, ascending");

      ListTaskDefinitionsResponse exact = t.client().listTaskDefinitions(r -> r.maxResults(4));
      assertEquals(4, exact.taskDefinitionArns().size());
      assertNull(exact.nextToken(), "a page that ends at the last revision has no nextToken");
    }
  }

  @Test
  void aRevisionDeregisteredBetweenPagesDoesNotRestartTheListing() {
    try (Listing t = listingTenant("list-moving")) {
      ListTaskDefinitionsResponse first = t.client().listTaskDefinitions(r -> r.maxResults(2));
      assertEquals(List.of(t.arn("api", 1), t.arn("api", 3)), first.taskDefinitionArns());
      // The revision the token points after leaves the ACTIVE listing before the next page is asked
      // for.
      t.client().deregisterTaskDefinition(r -> r.taskDefinition("api:3"));

      ListTaskDefinitionsResponse second =
          t.client().listTaskDefinitions(r -> r.maxResults(2).nextToken(first.nextToken()));
      assertEquals(List.of(t.arn("worker", 1), t.arn("worker", 2)), second.taskDefinitionArns());
      assertNull(second.nextToken());
    }
  }

  @Test
  void listTaskDefinitionsRefusesATamperedNextToken() {
    try (Listing t = listingTenant("list-token")) {
      String token = t.client().listTaskDefinitions(r -> r.maxResults(1)).nextToken();
      String tampered =
          token.substring(0, 3) + (token.charAt(3) == 'x' ? 'y' : 'x') + token.substring(4);
      assertThrows(
          InvalidParameterException.class,
          () -> t.client().listTaskDefinitions(r -> r.maxResults(1).nextToken(tampered)));
    }
  }

  // ---- ListTaskDefinitionFamilies ----

  @Test
  void listTaskDefinitionFamiliesFiltersByStatus() {
    String prefix = unique("fam");
    String active = prefix + "-active";
    String inactive = prefix + "-inactive";
    String mixed = prefix + "-mixed";
    register(active);
    register(inactive);
    ecs.deregisterTaskDefinition(r -> r.taskDefinition(inactive + ":1"));
    register(mixed);
    register(mixed);
    ecs.deregisterTaskDefinition(r -> r.taskDefinition(mixed + ":2"));

    assertEquals(
        List.of(active, inactive, mixed),
        ecs.listTaskDefinitionFamilies(r -> r.familyPrefix(prefix)).families(),
        "without status, both ACTIVE and INACTIVE families are listed");
    assertEquals(
        List.of(active, inactive, mixed),
        ecs.listTaskDefinitionFamilies(
                r -> r.familyPrefix(prefix).status(TaskDefinitionFamilyStatus.ALL))
            .families());
    assertEquals(
        List.of(active, mixed),
        ecs.listTaskDefinitionFamilies(
                r -> r.familyPrefix(prefix).status(TaskDefinitionFamilyStatus.ACTIVE))
            .families());
    assertEquals(
        List.of(inactive),
        ecs.listTaskDefinitionFamilies(
                r -> r.familyPrefix(prefix).status(TaskDefinitionFamilyStatus.INACTIVE))
            .families(),
        "families without any ACTIVE revision");
  }

  @Test
  void listTaskDefinitionFamiliesPages() {
    String prefix = unique("fpage");
    List<String> families = IntStream.rangeClosed(1, 5).mapToObj(i -> prefix + "-" + i).toList();
    families.forEach(TaskDefinitionApiIT::register);

    List<String> listed = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    ecs.listTaskDefinitionFamiliesPaginator(r -> r.familyPrefix(prefix).maxResults(2))
        .forEach(
            page -> {
              listed.addAll(page.families());
              sizes.add(page.families().size());
            });
    assertEquals(families, listed);
    assertEquals(List.of(2, 2, 1), sizes);
  }

  // ---- DeregisterTaskDefinition, DeleteTaskDefinitions ----

  @Test
  void deregisteringTheLatestRevisionMakesTheFamilyResolveToTheLatestActiveOne() {
    String family = unique("deregister");
    register(family);
    register(family);

    TaskDefinition deregistered =
        ecs.deregisterTaskDefinition(r -> r.taskDefinition(family + ":2")).taskDefinition();

    assertEquals(TaskDefinitionStatus.INACTIVE, deregistered.status());
    assertNotNull(deregistered.deregisteredAt());
    assertEquals(
        1, ecs.describeTaskDefinition(r -> r.taskDefinition(family)).taskDefinition().revision());
    TaskDefinition two =
        ecs.describeTaskDefinition(r -> r.taskDefinition(family + ":2")).taskDefinition();
    assertEquals(
        TaskDefinitionStatus.INACTIVE, two.status(), "an INACTIVE revision is still describable");
    assertEquals(deregistered.deregisteredAt(), two.deregisteredAt());
    assertEquals(
        TaskDefinitionStatus.INACTIVE,
        ecs.deregisterTaskDefinition(r -> r.taskDefinition(family + ":2"))
            .taskDefinition()
            .status(),
        "deregistering again answers with the revision as it is");

    ecs.deregisterTaskDefinition(r -> r.taskDefinition(arn(family, 1)));
    assertThrows(
        ClientException.class,
        () -> ecs.describeTaskDefinition(r -> r.taskDefinition(family)),
        "no ACTIVE revision left");
    assertEquals(3, register(family).revision(), "revision numbers are never reused");
  }

  @Test
  void deregisterNeedsARevision() {
    String family = unique("deregister-bare");
    register(family);
    ClientException e =
        assertThrows(
            ClientException.class,
            () -> ecs.deregisterTaskDefinition(r -> r.taskDefinition(family)));
    assertTrue(
        e.awsErrorDetails().errorMessage().toLowerCase().contains("revision"), e.getMessage());
    assertEquals(
        TaskDefinitionStatus.ACTIVE,
        ecs.describeTaskDefinition(r -> r.taskDefinition(family)).taskDefinition().status());
  }

  @Test
  void deleteTaskDefinitionsDeletesInactiveRevisionsAndReportsActiveOnesAsFailures() {
    String family = unique("delete");
    register(family);
    register(family);
    ecs.deregisterTaskDefinition(r -> r.taskDefinition(family + ":1"));

    DeleteTaskDefinitionsResponse response =
        ecs.deleteTaskDefinitions(r -> r.taskDefinitions(arn(family, 1), family + ":2"));

    assertEquals(1, response.taskDefinitions().size());
    TaskDefinition deleted = response.taskDefinitions().get(0);
    assertEquals(arn(family, 1), deleted.taskDefinitionArn());
    assertEquals(TaskDefinitionStatus.DELETE_IN_PROGRESS, deleted.status());
    assertNotNull(deleted.deleteRequestedAt(), "deleteRequestedAt");
    assertNotNull(deleted.deregisteredAt(), "deregisteredAt stays");
    assertEquals(1, response.failures().size());
    assertEquals(
        arn(family, 2),
        response.failures().get(0).arn(),
        "a failure names the revision by its ARN");
    assertTrue(
        response.failures().get(0).reason().contains("ACTIVE"), response.failures().toString());

    TaskDefinition described =
        ecs.describeTaskDefinition(r -> r.taskDefinition(family + ":1")).taskDefinition();
    assertEquals(TaskDefinitionStatus.DELETE_IN_PROGRESS, described.status());
    assertEquals(deleted.deleteRequestedAt(), described.deleteRequestedAt());
    assertEquals(
        TaskDefinitionStatus.ACTIVE,
        ecs.describeTaskDefinition(r -> r.taskDefinition(family + ":2")).taskDefinition().status());
    assertEquals(
        List.of(arn(family, 1)),
        ecs.listTaskDefinitions(
                r -> r.familyPrefix(family).status(TaskDefinitionStatus.DELETE_IN_PROGRESS))
            .taskDefinitionArns());
    assertEquals(
        List.of(),
        ecs.listTaskDefinitions(r -> r.familyPrefix(family).status(TaskDefinitionStatus.INACTIVE))
            .taskDefinitionArns());
  }

  @Test
  void deleteTaskDefinitionsReportsAnUnknownRevisionAsAFailure() {
    String family = unique("delete-unknown");
    register(family);
    DeleteTaskDefinitionsResponse response =
        ecs.deleteTaskDefinitions(r -> r.taskDefinitions(family + ":9"));
    assertEquals(List.of(), response.taskDefinitions());
    assertEquals(1, response.failures().size());
    assertEquals(arn(family, 9), response.failures().get(0).arn());
    assertNotNull(response.failures().get(0).reason());
  }

  // ---- tags ----

  @Test
  void taskDefinitionRevisionsAreTaggedOneByOne() {
    String family = unique("tagged");
    String one = register(family, tag("owner", "a")).taskDefinitionArn();
    String two = register(family).taskDefinitionArn();

    ecs.tagResource(r -> r.resourceArn(one).tags(tag("owner", "b"), tag("stage", "prod")));
    assertEquals(
        Map.of("owner", "b", "stage", "prod"),
        tagMap(ecs.listTagsForResource(r -> r.resourceArn(one)).tags()));
    assertEquals(
        List.of(),
        ecs.listTagsForResource(r -> r.resourceArn(two)).tags(),
        "other revisions untouched");

    ecs.untagResource(r -> r.resourceArn(one).tagKeys("owner"));
    assertEquals(
        Map.of("stage", "prod"), tagMap(ecs.listTagsForResource(r -> r.resourceArn(one)).tags()));
    assertEquals(
        Map.of("stage", "prod"),
        tagMap(
            ecs.describeTaskDefinition(
                    r -> r.taskDefinition(family + ":1").include(TaskDefinitionField.TAGS))
                .tags()));
  }

  @Test
  void taggingATaskDefinitionRefusesMoreThanFiftyTagsAndUnknownRevisions() {
    String family = unique("tag-limit");
    String revision = register(family).taskDefinitionArn();
    List<Tag> fifty = IntStream.range(0, 50).mapToObj(i -> tag("k" + i, "v")).toList();
    ecs.tagResource(r -> r.resourceArn(revision).tags(fifty));

    assertThrows(
        InvalidParameterException.class,
        () -> ecs.tagResource(r -> r.resourceArn(revision).tags(tag("one-more", "v"))));
    assertEquals(50, ecs.listTagsForResource(r -> r.resourceArn(revision)).tags().size());
    assertThrows(
        ClientException.class,
        () -> ecs.tagResource(r -> r.resourceArn(arn(family, 5)).tags(tag("k", "v"))));
  }

  @Test
  void registerRefusesMoreThanFiftyTags() {
    String family = unique("register-51-tags");
    Tag[] tags = IntStream.range(0, 51).mapToObj(i -> tag("k" + i, "v")).toArray(Tag[]::new);
    assertThrows(InvalidParameterException.class, () -> register(family, tags));
    assertThrows(
        ClientException.class,
        () -> ecs.describeTaskDefinition(r -> r.taskDefinition(family)),
        "nothing was registered");
  }
}
