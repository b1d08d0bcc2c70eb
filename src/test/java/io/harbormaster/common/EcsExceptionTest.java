package io.harbormaster.common;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

class EcsExceptionTest {

  @Test
  void jsonBodyHasTypeAndMessage() throws Exception {
    EcsException e = EcsException.clusterNotFound("Cluster not found.");
    JsonNode body = JSON.readTree(e.toJson());
    assertEquals(2, body.size());
    assertEquals("ClusterNotFoundException", body.get("__type").asText());
    assertEquals("Cluster not found.", body.get("message").asText());
    assertEquals(
        "{\"__type\":\"ClusterNotFoundException\",\"message\":\"Cluster not found.\"}", e.toJson());
  }

  @Test
  void messagesAreEscaped() throws Exception {
    EcsException e = EcsException.invalidParameter("bad \"value\"\n\\ </script>");
    assertEquals("bad \"value\"\n\\ </script>", JSON.readTree(e.toJson()).get("message").asText());
  }

  @Test
  void nullMessageBecomesEmpty() throws Exception {
    assertEquals("", JSON.readTree(EcsException.server(null).toJson()).get("message").asText());
  }

  @Test
  void factoriesUseEcsErrorNamesAndStatuses() {
    Map<String, Function<String, EcsException>> factories =
        Map.ofEntries(
            Map.entry("ClientException", EcsException::clientException),
            Map.entry("InvalidParameterException", EcsException::invalidParameter),
            Map.entry("SerializationException", EcsException::serialization),
            Map.entry("UnknownOperationException", EcsException::unknownOperation),
            Map.entry("ClusterNotFoundException", EcsException::clusterNotFound),
            Map.entry("ResourceNotFoundException", EcsException::resourceNotFound),
            Map.entry("ServerException", EcsException::server));
    factories.forEach(
        (type, factory) -> {
          EcsException e = factory.apply("m");
          assertEquals(type, e.errorType());
          assertEquals(type.equals("ServerException") ? 500 : 400, e.httpStatus(), type);
          assertEquals("m", e.getMessage());
          assertEquals(type + ": m", e.toString());
        });
  }

  /**
   * Only the factories the code uses: an unused one is a trap (accessDenied gave 400 where the
   * endpoint answers AccessDeniedException with 403). Errors raised in one place (the endpoint's
   * 403s, the entities' refusals) use the constructor or their Rejection type.
   */
  @Test
  void theFactoriesAreTheOnesInUse() {
    Set<String> factories = new TreeSet<>();
    for (Method m : EcsException.class.getDeclaredMethods()) {
      if (Modifier.isStatic(m.getModifiers())
          && Modifier.isPublic(m.getModifiers())
          && m.getReturnType() == EcsException.class) {
        factories.add(m.getName());
      }
    }
    assertEquals(
        new TreeSet<>(
            Set.of(
                "clientException",
                "invalidParameter",
                "serialization",
                "unknownOperation",
                "clusterNotFound",
                "resourceNotFound",
                "server")),
        factories);
  }

  @Test
  void clientFaultsCarryNoStackTraceServerFaultsDo() {
    assertEquals(0, EcsException.invalidParameter("x").getStackTrace().length);
    assertTrue(EcsException.server("x").getStackTrace().length > 0);
    IllegalStateException cause = new IllegalStateException("boom");
    assertEquals(cause, EcsException.server("x", cause).getCause());
    assertNull(EcsException.server("x").getCause());
  }

  @Test
  void errorTypesHaveOneWireNameAndStatusEach() {
    Set<String> codes = new TreeSet<>();
    for (ErrorType type : ErrorType.values()) {
      assertTrue(codes.add(type.code()), "two error types named " + type.code());
      assertEquals(Optional.of(type), ErrorType.ofCode(type.code()));
      assertTrue(type.httpStatus() >= 400 && type.httpStatus() <= 599, type.toString());
    }
    // The signature and credential errors and AccessDenied are 403, as the endpoint answers them
    // (an unused
    // factory once gave AccessDeniedException 400).
    for (ErrorType type :
        List.of(
            ErrorType.ACCESS_DENIED,
            ErrorType.UNRECOGNIZED_CLIENT,
            ErrorType.INVALID_SIGNATURE,
            ErrorType.INCOMPLETE_SIGNATURE,
            ErrorType.MISSING_AUTHENTICATION_TOKEN)) {
      assertEquals(403, new EcsException(type, "m").httpStatus(), type.code());
    }
    assertEquals(500, new EcsException(ErrorType.SERVER, "m").httpStatus());
    assertEquals(Optional.empty(), ErrorType.ofCode("NoSuchException"));
  }

  @Test
  void aRefusalCrossesNodesAsTextAndComesBackTyped() {
    StatusReply<Object> reply = Rejection.reply(ErrorType.CLUSTER_NOT_FOUND, "Cluster not found.");
    assertEquals(
        Optional.of(new Rejection(ErrorType.CLUSTER_NOT_FOUND, "Cluster not found.")),
        Rejection.of(reply.getError()));
    EcsException e = Entities.asEcsException(reply.getError());
    assertEquals(ErrorType.CLUSTER_NOT_FOUND, e.type());
    assertEquals(400, e.httpStatus());
  }
}
