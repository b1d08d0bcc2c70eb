package io.harbormaster.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleRouteTest {
  @TempDir Path resources;
  private ConsoleRoute route;

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(resources.resolve("console/assets"));
    Files.writeString(resources.resolve("console/index.html"), "<!doctype html><title>x</title>");
    Files.writeString(resources.resolve("console/assets/index-abc.js"), "console.log(1)");
    Files.writeString(resources.resolve("secret.conf"), "not for the browser");
    route = new ConsoleRoute(new URLClassLoader(new URL[] {resources.toUri().toURL()}, null));
  }

  private static String body(HttpResponse response) {
    return new String(
        ((HttpEntity.Strict) response.entity()).getData().toArray(), StandardCharsets.UTF_8);
  }

  private static String header(HttpResponse response, String name) {
    return response.getHeader(name).map(h -> h.value()).orElse("");
  }

  @Test
  void theFolderServesItsIndexAsHtmlThatIsAlwaysRevalidated() {
    HttpResponse response = route.handle(HttpRequest.GET("/console/"));
    assertEquals(200, response.status().intValue());
    assertEquals("text/html; charset=UTF-8", response.entity().getContentType().toString());
    assertEquals("no-cache", header(response, "Cache-Control"));
    assertTrue(body(response).contains("<title>x</title>"));
  }

  @Test
  void hashedAssetsAreJavaScriptCachedForever() {
    HttpResponse response = route.handle(HttpRequest.GET("/console/assets/index-abc.js"));
    assertEquals(200, response.status().intValue());
    assertTrue(
        response.entity().getContentType().toString().startsWith("application/javascript"),
        response.entity().getContentType().toString());
    assertTrue(header(response, "Cache-Control").contains("immutable"));
  }

  @Test
  void thePathWithoutSlashRedirectsToTheFolder() {
    HttpResponse response = route.handle(HttpRequest.GET("/console"));
    assertEquals(301, response.status().intValue());
    assertEquals("/console/", header(response, "Location"));
  }

  @Test
  void nothingOutsideTheConsoleFolderIsServed() {
    assertEquals(404, route.handle(HttpRequest.GET("/console/../secret.conf")).status().intValue());
    assertEquals(404, route.handle(HttpRequest.GET("/console/missing.js")).status().intValue());
    assertEquals(404, route.handle(HttpRequest.GET("/console//etc/passwd")).status().intValue());
  }

  @Test
  void onlyGetAndHeadAreAnswered() {
    assertEquals(405, route.handle(HttpRequest.POST("/console/index.html")).status().intValue());
  }

  @Test
  void theRouteClaimsOnlyItsOwnPaths() {
    assertTrue(ConsoleRoute.serves("/console"));
    assertTrue(ConsoleRoute.serves("/console/assets/a.js"));
    assertFalse(ConsoleRoute.serves("/"));
    assertFalse(ConsoleRoute.serves("/consoles"));
    assertFalse(ConsoleRoute.serves("/events/v1/stream"));
  }
}
