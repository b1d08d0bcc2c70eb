package io.harbormaster.api.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.harbormaster.common.EcsException;
import io.harbormaster.instance.ContainerInstance.Registration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RegisterContainerInstance decoded once: the identity document, optional resources. */
class InstanceRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestContext CTX =
      new RequestContext("123456789012", "us-east-1", "request-1", Instant.EPOCH);

  private static Registration register(String input) throws Exception {
    return RegisterContainerInstanceRequest.decode(CTX, JSON.readTree(input)).registration();
  }

  @Test
  void theIdentityDocumentGivesTheEc2InstanceId() throws Exception {
    JsonNode input =
        JSON.createObjectNode()
            .put(
                "instanceIdentityDocument",
                "{\"instanceId\":\"i-0abc123\",\"availabilityZone\":\"us-east-1a\"}");

    assertEquals(
        "i-0abc123",
        RegisterContainerInstanceRequest.decode(CTX, input).registration().ec2InstanceId());
    assertNull(register("{}").ec2InstanceId());
  }

  @Test
  void aBrokenIdentityDocumentIsAnInvalidParameter() {
    EcsException e =
        assertThrows(
            EcsException.class, () -> register("{\"instanceIdentityDocument\":\"{not json\"}"));
    assertEquals("InvalidParameterException", e.errorType());
  }

  @Test
  void totalResourcesAreOptional() throws Exception {
    Registration registration = register("{}");

    assertEquals(0, registration.total().cpu());
    assertEquals(0, registration.total().memory());
    assertEquals(
        2048,
        register(
                "{\"totalResources\":[{\"name\":\"CPU\",\"type\":\"INTEGER\",\"integerValue\":2048},"
                    + "{\"name\":\"MEMORY\",\"type\":\"INTEGER\",\"integerValue\":4096}]}")
            .total()
            .cpu());
  }

  @Test
  void gpusAreCountedFromTheirIds() throws Exception {
    Registration registration =
        register(
            "{\"totalResources\":[{\"name\":\"CPU\",\"type\":\"INTEGER\",\"integerValue\":2048},"
                + "{\"name\":\"MEMORY\",\"type\":\"INTEGER\",\"integerValue\":4096},"
                + "{\"name\":\"GPU\",\"type\":\"STRINGSET\",\"stringSetValue\":[\"GPU-a\",\"GPU-b\"]}]}");

    assertEquals(2, registration.total().gpus());
    assertEquals(0, register("{}").total().gpus());
  }
}
