package io.harbormaster.api.ecs;

import static io.harbormaster.testing.Json.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class EcsExceptionTest {


    @Test
    void jsonBodyHasTypeAndMessage() throws Exception {
        EcsException e = EcsException.clusterNotFound("Cluster not found.");
        JsonNode body = JSON.readTree(e.toJson());
        assertEquals(2, body.size());
        assertEquals("ClusterNotFoundException", body.get("__type").asText());
        assertEquals("Cluster not found.", body.get("message").asText());
        assertEquals("{\"__type\":\"ClusterNotFoundException\",\"message\":\"Cluster not found.\"}", e.toJson());
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
        Map<String, Function<String, EcsException>> factories = Map.ofEntries(
                Map.entry("ClientException", EcsException::clientException),
                Map.entry("InvalidParameterException", EcsException::invalidParameter),
                Map.entry("SerializationException", EcsException::serialization),
                Map.entry("UnknownOperationException", EcsException::unknownOperation),
                Map.entry("ClusterNotFoundException", EcsException::clusterNotFound),
                Map.entry("ClusterContainsContainerInstancesException", EcsException::clusterContainsContainerInstances),
                Map.entry("ClusterContainsServicesException", EcsException::clusterContainsServices),
                Map.entry("ClusterContainsTasksException", EcsException::clusterContainsTasks),
                Map.entry("ResourceNotFoundException", EcsException::resourceNotFound),
                Map.entry("ResourceInUseException", EcsException::resourceInUse),
                Map.entry("LimitExceededException", EcsException::limitExceeded),
                Map.entry("AccessDeniedException", EcsException::accessDenied),
                Map.entry("ThrottlingException", EcsException::throttling),
                Map.entry("ServerException", EcsException::server));
        factories.forEach((type, factory) -> {
            EcsException e = factory.apply("m");
            assertEquals(type, e.errorType());
            assertEquals(type.equals("ServerException") ? 500 : 400, e.httpStatus(), type);
            assertEquals("m", e.getMessage());
            assertEquals(type + ": m", e.toString());
        });
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
    void constructorChecksItsArguments() {
        assertThrows(IllegalArgumentException.class, () -> new EcsException(" ", 400, "m"));
        assertThrows(IllegalArgumentException.class, () -> new EcsException("X", 200, "m"));
        assertEquals(503, new EcsException("ServiceUnavailableException", 503, "m").httpStatus());
    }
}
