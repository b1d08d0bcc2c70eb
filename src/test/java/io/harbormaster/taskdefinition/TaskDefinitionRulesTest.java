package io.harbormaster.taskdefinition;

import static io.harbormaster.testing.Json.JSON;
import static io.harbormaster.testing.Json.singleQuoted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.common.EcsException;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskDefinitionRulesTest {

  private static ObjectNode json(String text) {
    return (ObjectNode) singleQuoted(text);
  }

  /**
   * A minimal valid request: one container, memory set, so each test changes only what it is about.
   */
  private static ObjectNode minimal() {
    return json(
        "{'family':'web','containerDefinitions':[{'name':'app','image':'nginx:1.27','memory':128}]}");
  }

  private static ObjectNode container(ObjectNode request, int index) {
    return (ObjectNode) request.get("containerDefinitions").get(index);
  }

  private static ObjectNode addContainer(ObjectNode request, String containerJson) {
    ObjectNode container = json(containerJson);
    ((ArrayNode) request.get("containerDefinitions")).add(container);
    return container;
  }

  private static EcsException rejected(JsonNode request, String... messageParts) {
    EcsException e = assertThrows(EcsException.class, () -> TaskDefinitionRules.normalize(request));
    assertEquals("ClientException", e.errorType(), e.getMessage());
    assertEquals(400, e.httpStatus());
    for (String part : messageParts) {
      assertTrue(
          e.getMessage().contains(part),
          () -> "'" + e.getMessage() + "' should contain '" + part + "'");
    }
    return e;
  }

  /**
   * Every member of expected is in actual with an equal value, recursively for objects (arrays
   * compare whole).
   */
  private static void assertContainsAll(JsonNode expected, JsonNode actual, String path) {
    if (expected.isObject()) {
      assertTrue(actual != null && actual.isObject(), path + " should be an object");
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        assertTrue(actual.has(field.getKey()), path + "." + field.getKey() + " is missing");
        assertContainsAll(
            field.getValue(), actual.get(field.getKey()), path + "." + field.getKey());
      }
    } else if (expected.isArray()) {
      assertEquals(expected.size(), actual.size(), path + " size");
      for (int i = 0; i < expected.size(); i++) {
        assertContainsAll(expected.get(i), actual.get(i), path + "[" + i + "]");
      }
    } else {
      assertEquals(expected, actual, path);
    }
  }

  // ---- round trip and defaults ----

  private static final String RICH =
      """
      {
        'family': 'shop-api_v2',
        'taskRoleArn': 'arn:aws:iam::123456789012:role/shop',
        'executionRoleArn': 'arn:aws:iam::123456789012:role/exec',
        'networkMode': 'bridge',
        'cpu': '1 vCPU',
        'memory': '2 GB',
        'pidMode': 'task',
        'ipcMode': 'none',
        'requiresCompatibilities': ['EC2'],
        'runtimePlatform': {'cpuArchitecture': 'X86_64', 'operatingSystemFamily': 'LINUX'},
        'volumes': [
          {'name': 'data', 'host': {'sourcePath': '/srv/data'}},
          {'name': 'scratch', 'dockerVolumeConfiguration': {'scope': 'task', 'driver': 'local'}}
        ],
        'placementConstraints': [{'type': 'memberOf', 'expression': 'attribute:ecs.instance-type =~ t3.*'}],
        'tags': [{'key': 'team', 'value': 'shop'}],
        'containerDefinitions': [
          {
            'name': 'api',
            'image': '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1.4.2',
            'cpu': 512,
            'memory': 1024,
            'memoryReservation': 512,
            'essential': true,
            'links': ['cache:redis'],
            'hostname': 'api',
            'portMappings': [
              {'containerPort': 8080, 'hostPort': 80, 'protocol': 'tcp', 'name': 'http', 'appProtocol': 'http'},
              {'containerPort': 8125, 'protocol': 'udp'}
            ],
            'entryPoint': ['/bin/sh', '-c'],
            'command': ['exec java -jar app.jar'],
            'environment': [{'name': 'MODE', 'value': 'prod'}, {'name': 'MODE', 'value': 'dup-is-fine'}],
            'environmentFiles': [{'value': 'arn:aws:s3:::bucket/app.env', 'type': 's3'}],
            'secrets': [{'name': 'DB_PASSWORD', 'valueFrom': 'arn:aws:ssm:eu-west-1:123456789012:parameter/db'}],
            'mountPoints': [{'sourceVolume': 'data', 'containerPath': '/data', 'readOnly': false}],
            'volumesFrom': [{'sourceContainer': 'init', 'readOnly': true}],
            'dependsOn': [{'containerName': 'init', 'condition': 'SUCCESS'},
                          {'containerName': 'cache', 'condition': 'HEALTHY'}],
            'startTimeout': 60,
            'stopTimeout': 90,
            'user': '1000:1000',
            'workingDirectory': '/app',
            'readonlyRootFilesystem': true,
            'dnsServers': ['10.0.0.2'],
            'extraHosts': [{'hostname': 'db', 'ipAddress': '10.0.0.9'}],
            'dockerLabels': {'com.example.team': 'shop'},
            'ulimits': [{'name': 'nofile', 'softLimit': 4096, 'hardLimit': 8192}],
            'logConfiguration': {'logDriver': 'awslogs', 'options': {'awslogs-group': '/shop/api'}},
            'healthCheck': {'command': ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'],
                            'interval': 10, 'timeout': 3, 'retries': 5, 'startPeriod': 20},
            'systemControls': [{'namespace': 'net.core.somaxconn', 'value': '1024'}],
            'linuxParameters': {'initProcessEnabled': true, 'capabilities': {'add': ['SYS_PTRACE']}}
          },
          {
            'name': 'init',
            'image': 'busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
            'memoryReservation': 32,
            'essential': false,
            'command': ['sh', '-c', 'echo ready']
          },
          {
            'name': 'cache',
            'image': 'redis:7',
            'memory': 256,
            'healthCheck': {'command': ['CMD', 'redis-cli', 'ping']}
          }
        ]
      }
      """;

  @Test
  void richDefinitionRoundTripsWithDefaultsOnlyWhereAbsent() {
    ObjectNode request = json(RICH);
    ObjectNode out = TaskDefinitionRules.normalize(request);

    ObjectNode withoutTags = request.deepCopy();
    withoutTags.remove("tags");
    assertContainsAll(withoutTags.without("containerDefinitions"), out, "$");
    assertFalse(out.has("tags"), "tags are returned separately, not in the definition");
    assertEquals(json(RICH), request, "the input must not be modified");

    // api: everything it sent is unchanged; in its port mappings only the absent protocol is added.
    ObjectNode api = (ObjectNode) out.get("containerDefinitions").get(0);
    assertContainsAll(container(request, 0).deepCopy().without("portMappings"), api, "api");
    assertEquals(
        singleQuoted(
            "[{'containerPort':8080,'hostPort':80,'protocol':'tcp','name':'http','appProtocol':'http'},"
                + "{'containerPort':8125,'protocol':'udp'}]"),
        api.get("portMappings"),
        "bridge mode: no hostPort is invented for a dynamic mapping");
    assertEquals(
        json(
            "{'command':['CMD-SHELL','curl -f http://localhost:8080/ || exit 1'],"
                + "'interval':10,'timeout':3,'retries':5,'startPeriod':20}"),
        api.get("healthCheck"));

    // init: the defaults ECS shows in Describe.
    ObjectNode init = (ObjectNode) out.get("containerDefinitions").get(1);
    assertContainsAll(request.get("containerDefinitions").get(1), init, "init");
    assertEquals(0, init.get("cpu").intValue());
    assertFalse(init.get("essential").booleanValue(), "a sent essential=false is kept");
    for (String list :
        new String[] {
          "portMappings", "environment", "mountPoints", "volumesFrom", "systemControls"
        }) {
      assertEquals(JSON.createArrayNode(), init.get(list), list);
    }

    // cache: essential defaults to true, health check gets ECS's interval/timeout/retries but no
    // startPeriod.
    ObjectNode cache = (ObjectNode) out.get("containerDefinitions").get(2);
    assertTrue(cache.get("essential").booleanValue());
    assertEquals(
        json("{'command':['CMD','redis-cli','ping'],'interval':30,'timeout':5,'retries':3}"),
        cache.get("healthCheck"));

    assertEquals(singleQuoted("['EC2']"), out.get("compatibilities"));
    assertEquals("1 vCPU", out.get("cpu").asText(), "task cpu keeps the user's string");
    assertEquals("2 GB", out.get("memory").asText(), "task memory keeps the user's string");
    assertFalse(out.has("requiresAttributes"));
  }

  @Test
  void minimalDefinitionGetsTaskLevelDefaults() {
    ObjectNode out = TaskDefinitionRules.normalize(minimal());
    assertEquals(JSON.createArrayNode(), out.get("volumes"));
    assertEquals(JSON.createArrayNode(), out.get("placementConstraints"));
    assertEquals("EC2", out.get("compatibilities").get(0).asText());
    ObjectNode app = (ObjectNode) out.get("containerDefinitions").get(0);
    assertEquals(
        json(
            "{'name':'app','image':'nginx:1.27','memory':128,'cpu':0,'essential':true,"
                + "'portMappings':[],'environment':[],'mountPoints':[],'volumesFrom':[],'systemControls':[]}"),
        app);
    assertFalse(out.has("networkMode"), "no network mode is invented");
  }

  @ParameterizedTest
  @ValueSource(strings = {"host", "awsvpc"})
  void hostPortDefaultsToContainerPortInStaticModes(String mode) {
    ObjectNode request = minimal().put("networkMode", mode);
    container(request, 0)
        .set(
            "portMappings",
            singleQuoted(
                "[{'containerPort':8080},"
                    + "{'containerPort':9090,'hostPort':9090,'protocol':'udp'}]"));
    JsonNode mappings =
        TaskDefinitionRules.normalize(request)
            .get("containerDefinitions")
            .get(0)
            .get("portMappings");
    assertEquals(
        singleQuoted(
            "[{'containerPort':8080,'protocol':'tcp','hostPort':8080},"
                + "{'containerPort':9090,'hostPort':9090,'protocol':'udp'}]"),
        mappings);
  }

  @Test
  void tagsAreIgnoredAndTheInputIsNotModified() {
    ObjectNode request = minimal();
    request.set("tags", singleQuoted("[{'key':'a','value':'b'}]"));
    ObjectNode before = request.deepCopy();
    ObjectNode out = TaskDefinitionRules.normalize(request);
    assertFalse(out.has("tags"));
    assertEquals(before, request);
  }

  // ---- family ----

  @Nested
  class Family {
    @Test
    void isRequired() {
      ObjectNode request = minimal();
      request.remove("family");
      rejected(request, "Family can not be blank");
      rejected(minimal().put("family", ""), "Family can not be blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"my family", "web:1", "wëb", "a/b"})
    void allowsOnlyLettersDigitsHyphensUnderscores(String family) {
      rejected(minimal().put("family", family), "Family contains invalid characters");
    }

    @Test
    void isAtMost255Characters() {
      TaskDefinitionRules.normalize(minimal().put("family", "f".repeat(255)));
      rejected(minimal().put("family", "f".repeat(256)), "Family", "255");
    }
  }

  // ---- containers ----

  @Nested
  class Containers {
    @Test
    void listMustNotBeEmpty() {
      rejected(
          json("{'family':'web','containerDefinitions':[]}"), "Container list cannot be empty");
      rejected(json("{'family':'web'}"), "Container list cannot be empty");
    }

    @Test
    void atMostTenContainers() {
      ObjectNode request = minimal();
      for (int i = 2; i <= 10; i++) {
        addContainer(request, "{'name':'c" + i + "','image':'busybox','memory':16}");
      }
      TaskDefinitionRules.normalize(request);
      addContainer(request, "{'name':'c11','image':'busybox','memory':16}");
      rejected(request, "Too many containers", "10", "11");
    }

    @Test
    void nameIsRequired() {
      ObjectNode request = minimal();
      container(request, 0).remove("name");
      rejected(request, "Container.name should not be null or empty", "containerDefinitions[0]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"my app", "app.1", "app:web"})
    void nameAllowsOnlyLettersDigitsHyphensUnderscores(String name) {
      ObjectNode request = minimal();
      container(request, 0).put("name", name);
      rejected(request, "Container.name contains invalid characters", name);
    }

    @Test
    void nameIsAtMost255Characters() {
      ObjectNode request = minimal();
      container(request, 0).put("name", "n".repeat(256));
      rejected(request, "Container.name");
    }

    @Test
    void namesAreUnique() {
      ObjectNode request = minimal();
      addContainer(request, "{'name':'app','image':'busybox','memory':16}");
      rejected(request, "Duplicate container name 'app'");
    }

    @Test
    void imageIsRequired() {
      ObjectNode request = minimal();
      container(request, 0).remove("image");
      rejected(request, "Container.image should not be null or empty", "'app'");
      container(request, 0).put("image", " ");
      rejected(request, "Container.image should not be null or empty");
    }

    @Test
    void imageNameIsAtMost255CharactersBeforeTheDigest() {
      ObjectNode request = minimal();
      container(request, 0).put("image", "r/" + "i".repeat(253));
      TaskDefinitionRules.normalize(request);
      container(request, 0).put("image", "r/" + "i".repeat(253) + "@sha256:" + "a".repeat(64));
      TaskDefinitionRules.normalize(request);
      container(request, 0).put("image", "r/" + "i".repeat(254));
      rejected(request, "'image'", "'app'", "255");
    }

    @Test
    void imageCharactersAndDigestFollowEcs() {
      ObjectNode request = minimal();
      container(request, 0).put("image", "nginx latest");
      rejected(request, "'image'", "'app'");
      container(request, 0).put("image", "nginx@sha256:abc");
      rejected(request, "digest", "'app'");
      container(request, 0).put("image", "localhost:5000/team/nginx:1.27#build");
      TaskDefinitionRules.normalize(request);
    }
  }

  // ---- memory and cpu ----

  @Nested
  class Memory {
    @Test
    void withoutTaskMemoryEachContainerNeedsMemoryOrReservation() {
      ObjectNode request = minimal();
      container(request, 0).remove("memory");
      rejected(
          request,
          "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' "
              + "must be specified.");
      container(request, 0).put("memoryReservation", 64);
      TaskDefinitionRules.normalize(request);
    }

    @Test
    void taskMemoryIsEnoughOnItsOwn() {
      ObjectNode request = minimal().put("memory", "512");
      container(request, 0).remove("memory");
      TaskDefinitionRules.normalize(request);
    }

    @Test
    void reservationMayEqualButNotExceedMemory() {
      ObjectNode request = minimal();
      container(request, 0).put("memoryReservation", 128);
      TaskDefinitionRules.normalize(request);
      container(request, 0).put("memoryReservation", 129);
      rejected(
          request,
          "container 'app'",
          "'memory' (128) must be greater than or equal to 'memoryReservation' " + "(129)");
    }

    @Test
    void containerMemoryIsAtLeastSixMiB() {
      ObjectNode request = minimal();
      container(request, 0).put("memory", 6);
      TaskDefinitionRules.normalize(request);
      container(request, 0).put("memory", 5);
      rejected(request, "Invalid 'memory' setting for container 'app'", "minimum is 6 MiB");
    }

    @Test
    void reservationMustBePositive() {
      ObjectNode request = minimal();
      container(request, 0).put("memoryReservation", 0);
      rejected(request, "'memoryReservation'", "'app'");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"1024", "2 GB", "2GB", "1 gb", "0.5 GB", "512 MiB", "512MiB", "512 MB", "1 GiB"})
    void taskMemoryAcceptsMibAndUnitForms(String memory) {
      ObjectNode out = TaskDefinitionRules.normalize(minimal().put("memory", memory));
      assertEquals(memory, out.get("memory").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "1.5", "2 TB", "-512", "0.0001 GB", "512 MiB extra"})
    void taskMemoryRejectsOtherForms(String memory) {
      rejected(minimal().put("memory", memory), "Invalid 'memory' setting for task");
    }

    @Test
    void containerMemoryFitsInTaskMemory() {
      ObjectNode request = minimal().put("memory", "0.125 GB");
      TaskDefinitionRules.normalize(request);
      container(request, 0).put("memory", 129);
      rejected(request, "container 'app'", "cannot be greater than the task memory (128 MiB)");
    }

    @Test
    void reservationsAddUpWithinTaskMemory() {
      ObjectNode request = minimal().put("memory", "256");
      addContainer(request, "{'name':'side','image':'busybox','memoryReservation':129}");
      rejected(request, "sum of all container memory reservations (257 MiB)", "256 MiB");
    }
  }

  @Nested
  class Cpu {
    @ParameterizedTest
    @ValueSource(
        strings = {"1024", "1 vCPU", "1 vcpu", "0.5 vCPU", "0.125vcpu", "2 VCPU", "128", "196608"})
    void taskCpuAcceptsUnitsAndVcpus(String cpu) {
      ObjectNode out = TaskDefinitionRules.normalize(minimal().put("cpu", cpu));
      assertEquals(cpu, out.get("cpu").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fast", "1.5", "1 core", "0.3 vCPU", "-1024"})
    void taskCpuRejectsOtherForms(String cpu) {
      rejected(minimal().put("cpu", cpu), "Invalid 'cpu' setting for task");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127", "196609", "0.0625 vCPU", "200 vCPU"})
    void taskCpuIsWithinEcsRange(String cpu) {
      rejected(minimal().put("cpu", cpu), "Invalid 'cpu' setting for task", "128 to 196608");
    }

    @Test
    void containerCpuAddsUpWithinTaskCpu() {
      ObjectNode request = minimal().put("cpu", "0.25 vCPU");
      container(request, 0).put("cpu", 200);
      addContainer(request, "{'name':'side','image':'busybox','memory':16,'cpu':57}");
      rejected(
          request,
          "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'",
          "257 > 256");
    }

    @Test
    void containerCpuIsNotNegative() {
      ObjectNode request = minimal();
      container(request, 0).put("cpu", -1);
      rejected(request, "Invalid 'cpu' setting for container 'app'");
    }
  }

  // ---- essential ----

  @Test
  void atLeastOneContainerIsEssential() {
    ObjectNode request = minimal();
    container(request, 0).put("essential", false);
    addContainer(request, "{'name':'side','image':'busybox','memory':16,'essential':false}");
    rejected(request, "doesn't have any essential container", "At least one essential container");
    ((ObjectNode) request.get("containerDefinitions").get(1)).remove("essential");
    TaskDefinitionRules.normalize(request);
  }

  // ---- ports ----

  @Nested
  class Ports {
    private ObjectNode withMappings(String mode, String mappingsJson) {
      ObjectNode request = minimal();
      if (mode != null) {
        request.put("networkMode", mode);
      }
      container(request, 0).set("portMappings", singleQuoted(mappingsJson));
      return request;
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536})
    void containerPortIsAPort(int port) {
      rejected(
          withMappings(null, "[{'containerPort':" + port + "}]"),
          "Invalid 'containerPort' setting for " + "container 'app'",
          "between 0 and 65535");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536})
    void hostPortIsAPort(int port) {
      rejected(
          withMappings(null, "[{'containerPort':80,'hostPort':" + port + "}]"),
          "Invalid 'hostPort' setting " + "for container 'app'",
          "between 0 and 65535");
    }

    @Test
    void containerPortIsRequiredWithoutARange() {
      rejected(
          withMappings(null, "[{'hostPort':80}]"),
          "Invalid 'containerPort' setting for container 'app'");
      TaskDefinitionRules.normalize(withMappings("awsvpc", "[{'containerPortRange':'8000-8010'}]"));
    }

    @Test
    void sameContainerPortAndProtocolTwiceInAContainerIsRefused() {
      rejected(
          withMappings(
              null, "[{'containerPort':80,'hostPort':8080},{'containerPort':80,'hostPort':8081}]"),
          "Container 'app' maps containerPort 80/tcp more than once");
      TaskDefinitionRules.normalize(
          withMappings(null, "[{'containerPort':53},{'containerPort':53," + "'protocol':'udp'}]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "awsvpc"})
    void staticModesNeedHostPortEqualToContainerPort(String mode) {
      rejected(
          withMappings(mode, "[{'containerPort':80,'hostPort':8080}]"),
          "When networkMode="
              + mode
              + ", the host ports and container ports in port mappings must match",
          "'app'");
      TaskDefinitionRules.normalize(withMappings(mode, "[{'containerPort':80,'hostPort':80}]"));
    }

    @Test
    void bridgeModeMayRemapPorts() {
      TaskDefinitionRules.normalize(
          withMappings(
              "bridge",
              "[{'containerPort':80,'hostPort':8080}," + "{'containerPort':443,'hostPort':0}]"));
    }

    @Test
    void aHostPortIsUsedOnlyOnceInTheTask() {
      ObjectNode request = withMappings(null, "[{'containerPort':80,'hostPort':8080}]");
      ObjectNode side = addContainer(request, "{'name':'side','image':'busybox','memory':16}");
      side.set("portMappings", singleQuoted("[{'containerPort':81,'hostPort':8080}]"));
      rejected(
          request, "Host port 8080/tcp of container 'side' is already used by container 'app'");

      side.set(
          "portMappings", singleQuoted("[{'containerPort':81,'hostPort':8080,'protocol':'udp'}]"));
      TaskDefinitionRules.normalize(request);
      side.set(
          "portMappings", singleQuoted("[{'containerPort':81,'hostPort':0},{'containerPort':82}]"));
      TaskDefinitionRules.normalize(request);
    }

    @Test
    void inStaticModesTheContainerPortIsTheHostPort() {
      ObjectNode request = withMappings("awsvpc", "[{'containerPort':80}]");
      addContainer(
          request,
          "{'name':'side','image':'busybox','memory':16,'portMappings':[{'containerPort':80}]}");
      rejected(request, "Host port 80/tcp of container 'side' is already used by container 'app'");
    }

    @Test
    void networkModeNoneHasNoPortMappings() {
      rejected(withMappings("none", "[{'containerPort':80}]"), "networkMode=none", "'app'");
    }
  }

  // ---- network mode restrictions ----

  @ParameterizedTest
  @ValueSource(strings = {"host", "awsvpc"})
  void linksNeedBridgeMode(String mode) {
    ObjectNode request = minimal().put("networkMode", mode);
    addContainer(request, "{'name':'side','image':'busybox','memory':16,'links':['app:web']}");
    rejected(request, "Links are not supported when networkMode=" + mode, "'side'");
    request.put("networkMode", "bridge");
    TaskDefinitionRules.normalize(request);
  }

  @ParameterizedTest
  @ValueSource(strings = {"host", "awsvpc"})
  void hostnameNeedsItsOwnNetworkNamespace(String mode) {
    ObjectNode request = minimal().put("networkMode", mode);
    container(request, 0).put("hostname", "web");
    rejected(request, "hostname is not supported on container when networkMode=" + mode, "'app'");
    request.remove("networkMode");
    TaskDefinitionRules.normalize(request);
  }

  // ---- dependsOn ----

  @Nested
  class DependsOn {
    private ObjectNode twoContainers(String dependency, String targetExtra) {
      ObjectNode request = minimal();
      container(request, 0).set("dependsOn", singleQuoted("[" + dependency + "]"));
      addContainer(request, "{'name':'side','image':'busybox','memory':16" + targetExtra + "}");
      return request;
    }

    @Test
    void targetMustBeAnotherContainerOfTheTask() {
      rejected(
          twoContainers("{'containerName':'ghost','condition':'START'}", ""),
          "'dependsOn'",
          "container 'app'",
          "'ghost'");
      rejected(
          twoContainers("{'containerName':'app','condition':'START'}", ""), "'dependsOn'", "'app'");
    }

    @Test
    void conditionIsKnown() {
      rejected(
          twoContainers("{'containerName':'side','condition':'READY'}", ""),
          "condition must be one of START, COMPLETE, SUCCESS, HEALTHY",
          "'READY'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMPLETE", "SUCCESS"})
    void completeAndSuccessCannotTargetAnEssentialContainer(String condition) {
      rejected(
          twoContainers("{'containerName':'side','condition':'" + condition + "'}", ""),
          "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container",
          "'side'");
      TaskDefinitionRules.normalize(
          twoContainers(
              "{'containerName':'side','condition':'" + condition + "'}", ",'essential':false"));
    }

    @Test
    void healthyNeedsAHealthCheckOnTheTarget() {
      rejected(
          twoContainers("{'containerName':'side','condition':'HEALTHY'}", ""),
          "Condition HEALTHY requires container 'side' to have a healthCheck");
      TaskDefinitionRules.normalize(
          twoContainers(
              "{'containerName':'side','condition':'HEALTHY'}",
              ",'healthCheck':{'command':['CMD-SHELL','true']}"));
    }

    @Test
    void cyclesAreRefused() {
      ObjectNode request =
          twoContainers(
              "{'containerName':'side','condition':'START'}",
              ",'dependsOn':[{'containerName':'third','condition':'START'}]");
      addContainer(
          request,
          "{'name':'third','image':'busybox','memory':16,"
              + "'dependsOn':[{'containerName':'app','condition':'START'}]}");
      rejected(request, "cycle", "app -> side -> third -> app");
    }

    @Test
    void aDiamondIsNotACycle() {
      ObjectNode request =
          twoContainers(
              "{'containerName':'side','condition':'START'},"
                  + "{'containerName':'third','condition':'START'}",
              ",'dependsOn':[{'containerName':'base','condition':'START'}]");
      addContainer(
          request,
          "{'name':'third','image':'busybox','memory':16,"
              + "'dependsOn':[{'containerName':'base','condition':'START'}]}");
      addContainer(request, "{'name':'base','image':'busybox','memory':16}");
      TaskDefinitionRules.normalize(request);
    }
  }

  // ---- health check ----

  @Nested
  class HealthCheck {
    private ObjectNode withHealthCheck(String healthCheckJson) {
      ObjectNode request = minimal();
      container(request, 0).set("healthCheck", json(healthCheckJson));
      return request;
    }

    @Test
    void commandIsNotEmpty() {
      rejected(
          withHealthCheck("{'command':[]}"), "Health check command for container 'app'", "empty");
    }

    @Test
    void commandStartsWithCmdCmdShellOrNone() {
      rejected(
          withHealthCheck("{'command':['curl','-f','http://localhost/']}"),
          "must start with CMD, CMD-SHELL or NONE",
          "'curl'",
          "'app'");
      rejected(withHealthCheck("{'command':['CMD-SHELL']}"), "nothing to run", "'app'");
      TaskDefinitionRules.normalize(withHealthCheck("{'command':['NONE']}"));
      TaskDefinitionRules.normalize(withHealthCheck("{'command':['CMD','true']}"));
    }

    @Test
    void rangesAreEcsRanges() {
      String cmd = "'command':['CMD','true'],";
      rejected(
          withHealthCheck("{" + cmd + "'interval':4}"),
          "Health check interval must be greater than or equal "
              + "to the minimum allowed value 5 for container 'app'",
          "5-300");
      rejected(
          withHealthCheck("{" + cmd + "'interval':301}"), "interval", "maximum allowed value 300");
      rejected(
          withHealthCheck("{" + cmd + "'timeout':1}"),
          "timeout",
          "minimum allowed value 2",
          "2-60");
      rejected(withHealthCheck("{" + cmd + "'timeout':61}"), "timeout", "maximum allowed value 60");
      rejected(
          withHealthCheck("{" + cmd + "'retries':0}"),
          "retries",
          "minimum allowed value 1",
          "1-10");
      rejected(
          withHealthCheck("{" + cmd + "'retries':11}"),
          "Health check retries must be less than or equal to "
              + "the maximum allowed value 10 for container 'app'");
      rejected(
          withHealthCheck("{" + cmd + "'startPeriod':-1}"),
          "startPeriod",
          "minimum allowed value 0");
      rejected(
          withHealthCheck("{" + cmd + "'startPeriod':301}"),
          "startPeriod",
          "maximum allowed value 300");
      TaskDefinitionRules.normalize(
          withHealthCheck(
              "{" + cmd + "'interval':5,'timeout':60,'retries':10," + "'startPeriod':0}"));
      TaskDefinitionRules.normalize(
          withHealthCheck(
              "{" + cmd + "'interval':300,'timeout':2,'retries':1," + "'startPeriod':300}"));
    }
  }

  // ---- volumes ----

  @Nested
  class Volumes {
    @Test
    void mountPointsNameAVolumeOfTheTask() {
      ObjectNode request = minimal();
      request.set("volumes", singleQuoted("[{'name':'data'}]"));
      container(request, 0)
          .set("mountPoints", singleQuoted("[{'sourceVolume':'logs','containerPath':'/logs'}]"));
      rejected(request, "'mountPoints'", "container 'app'", "sourceVolume 'logs'");
      container(request, 0)
          .set("mountPoints", singleQuoted("[{'sourceVolume':'data','containerPath':'/d'}]"));
      TaskDefinitionRules.normalize(request);
    }

    @Test
    void volumeNamesAreUniqueAndValid() {
      ObjectNode request = minimal();
      request.set("volumes", singleQuoted("[{'name':'data'},{'name':'data'}]"));
      rejected(request, "Duplicate volume name 'data'");
      request.set("volumes", singleQuoted("[{'name':'my data'}]"));
      rejected(request, "Volume name contains invalid characters", "'my data'");
      request.set("volumes", singleQuoted("[{'host':{'sourcePath':'/x'}}]"));
      rejected(request, "Volume name should not be null or empty");
    }

    @Test
    void volumesFromNamesAnotherContainer() {
      ObjectNode request = minimal();
      container(request, 0).set("volumesFrom", singleQuoted("[{'sourceContainer':'ghost'}]"));
      rejected(request, "'volumesFrom'", "container 'app'", "'ghost'");
      container(request, 0).set("volumesFrom", singleQuoted("[{'sourceContainer':'app'}]"));
      rejected(request, "'volumesFrom'", "sourceContainer 'app' must be another container");
      addContainer(request, "{'name':'data','image':'busybox','memory':16}");
      container(request, 0).set("volumesFrom", singleQuoted("[{'sourceContainer':'data'}]"));
      TaskDefinitionRules.normalize(request);
    }
  }

  // ---- ulimits and timeouts ----

  @Test
  void ulimitSoftLimitIsAtMostHardLimit() {
    ObjectNode request = minimal();
    container(request, 0)
        .set("ulimits", singleQuoted("[{'name':'nofile','softLimit':2048,'hardLimit':1024}]"));
    rejected(request, "'ulimits'", "container 'app'", "'nofile'", "2048", "1024");
    container(request, 0)
        .set("ulimits", singleQuoted("[{'name':'nofile','softLimit':1024,'hardLimit':1024}]"));
    TaskDefinitionRules.normalize(request);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 121, 0, -5})
  void stopTimeoutIsBetween2And120(int seconds) {
    ObjectNode request = minimal();
    container(request, 0).put("stopTimeout", seconds);
    rejected(request, "Invalid 'stopTimeout' setting for container 'app'", "between 2 and 120");
  }

  @Test
  void stopTimeoutBoundsAreAllowed() {
    ObjectNode request = minimal();
    container(request, 0).put("stopTimeout", 2);
    TaskDefinitionRules.normalize(request);
    container(request, 0).put("stopTimeout", 120);
    TaskDefinitionRules.normalize(request);
  }

  @Test
  void startTimeoutIsAtLeast2() {
    ObjectNode request = minimal();
    container(request, 0).put("startTimeout", 1);
    rejected(request, "Invalid 'startTimeout' setting for container 'app'", "minimum of 2");
    container(request, 0).put("startTimeout", 2);
    TaskDefinitionRules.normalize(request);
  }

  // ---- size ----

  @Test
  void definitionOver64KiBIsRefused() throws Exception {
    ObjectNode request = minimal();
    ArrayNode environment = container(request, 0).putArray("environment");
    environment.addObject().put("name", "BIG").put("value", "");
    int base = JSON.writeValueAsBytes(request).length;
    ((ObjectNode) environment.get(0)).put("value", "x".repeat(65_536 - base));
    assertEquals(65_536, JSON.writeValueAsBytes(request).length);
    TaskDefinitionRules.normalize(request);

    ((ObjectNode) environment.get(0)).put("value", "x".repeat(65_536 - base + 1));
    rejected(request, "Actual length: '65537'. Max allowed length is '65536' bytes.");
  }

  @Test
  void tagsDoNotCountTowardsTheSize() {
    ObjectNode request = minimal();
    request.putArray("tags").addObject().put("key", "big").put("value", "x".repeat(70_000));
    TaskDefinitionRules.normalize(request);
  }

  @Test
  void aNonObjectRequestIsAClientError() {
    rejected(JSON.createArrayNode(), "JSON object");
    rejected(null, "JSON object");
  }

  @Test
  void restartPolicy_attemptPeriodOutsideEcsRange_isRefused() {
    ObjectNode request = minimal();
    container(request, 0).set("restartPolicy", json("{'enabled':true,'restartAttemptPeriod':30}"));
    rejected(request, "restartAttemptPeriod", "'app'", "60 and 1800");

    container(request, 0).set("restartPolicy", json("{'enabled':true,'restartAttemptPeriod':60}"));
    TaskDefinitionRules.normalize(request);
  }

  private static ObjectNode fargate(String taskMembers) {
    return json(
        "{'family':'web','requiresCompatibilities':['FARGATE'],"
            + taskMembers
            + ",'containerDefinitions':[{'name':'app','image':'nginx:1.27'}]}");
  }

  @Test
  void fargate_refusesWhatFargateCannotRun() {
    rejected(
        fargate("'networkMode':'bridge','cpu':'256','memory':'512'"),
        "Fargate only supports network mode 'awsvpc'.");
    rejected(
        fargate("'networkMode':'awsvpc','memory':'512'"),
        "Fargate requires that 'cpu' be defined at the task level.");
    rejected(
        fargate("'networkMode':'awsvpc','cpu':'512','memory':'512'"),
        "No Fargate configuration exists for given values: 512 CPU, 512 memory.");
    rejected(
        fargate("'networkMode':'awsvpc','cpu':'256','memory':'1536'"),
        "No Fargate configuration exists");
    rejected(
        fargate("'networkMode':'awsvpc','cpu':'256','memory':'512','pidMode':'host'"),
        "pidMode 'host'");
  }

  @Test
  void compatibilities_includeFargate_whenTheDefinitionQualifies() {
    JsonNode fargate =
        TaskDefinitionRules.normalize(
            fargate("'networkMode':'awsvpc','cpu':'1 vCPU','memory':'3 GB'"));
    assertEquals(singleQuoted("['EC2','FARGATE']"), fargate.get("compatibilities"));

    JsonNode qualifiesWithoutAsking =
        TaskDefinitionRules.normalize(
            json(
                "{'family':'web','networkMode':'awsvpc','cpu':'256','memory':'512',"
                    + "'containerDefinitions':[{'name':'app','image':'nginx:1.27'}]}"));
    assertEquals(singleQuoted("['EC2','FARGATE']"), qualifiesWithoutAsking.get("compatibilities"));

    assertEquals(
        singleQuoted("['EC2']"),
        TaskDefinitionRules.normalize(minimal()).get("compatibilities"),
        "bridge mode is EC2 only");
  }

  @Test
  void gpuRequirement_isAWholeNumber() {
    ObjectNode request = minimal();
    container(request, 0)
        .set("resourceRequirements", singleQuoted("[{'type':'GPU','value':'one'}]"));
    rejected(request, "GPU", "'app'", "'one'");

    container(request, 0).set("resourceRequirements", singleQuoted("[{'type':'GPU','value':'2'}]"));
    TaskDefinitionRules.normalize(request);
  }
}
