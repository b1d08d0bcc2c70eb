package io.harbormaster.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ArnsTest {

  @Test
  void containerArnEndsInAStableIdNotTheName() {
    String arn = Arns.container("us-east-1", "123456789012", "prod", "abc123", "web");
    String id = arn.substring(arn.lastIndexOf('/') + 1);

    assertTrue(arn.startsWith("arn:aws:ecs:us-east-1:123456789012:container/prod/abc123/"), arn);
    assertEquals(id, UUID.fromString(id).toString(), "the id is a UUID");
    assertEquals(arn, Arns.container("us-east-1", "123456789012", "prod", "abc123", "web"));
    assertNotEquals(arn, Arns.container("us-east-1", "123456789012", "prod", "abc123", "db"));
    assertNotEquals(arn, Arns.container("us-east-1", "123456789012", "prod", "abc124", "web"));
  }
}
