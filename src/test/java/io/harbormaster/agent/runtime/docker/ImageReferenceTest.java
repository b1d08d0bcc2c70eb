package io.harbormaster.agent.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "busybox, busybox, latest",
    "busybox:1.36, busybox, 1.36",
    "library/nginx:1.27-alpine, library/nginx, 1.27-alpine",
    "localhost:5000/app, localhost:5000/app, latest",
    "localhost:5000/team/app:v2, localhost:5000/team/app, v2",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:prod, 123456789012.dkr.ecr.us-east-1.amazonaws.com/web, prod",
    "nginx@sha256:abc123, nginx, sha256:abc123",
    "nginx:1.27@sha256:abc123, nginx, sha256:abc123",
    "localhost:5000/app:v1@sha256:abc123, localhost:5000/app, sha256:abc123",
  })
  void parse(String image, String repository, String tagOrDigest) {
    assertEquals(new ImageReference(repository, tagOrDigest), ImageReference.parse(image));
  }
}
