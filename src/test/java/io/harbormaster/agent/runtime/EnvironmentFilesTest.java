package io.harbormaster.agent.runtime;

import static io.harbormaster.testing.Json.singleQuoted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentFilesTest {

  private final EnvironmentFiles files = EnvironmentFiles.withDefaultClient();

  private List<String> read(String... locations) {
    StringBuilder json = new StringBuilder("{'name':'app','environmentFiles':[");
    for (int i = 0; i < locations.length; i++) {
      json.append(i > 0 ? "," : "")
          .append("{'type':'s3','value':'")
          .append(locations[i])
          .append("'}");
    }
    return files.read(singleQuoted(json.append("]}").toString()));
  }

  @Test
  void parse_skipsCommentsAndBlankLines_keepsEqualsInValues() {
    assertEquals(
        List.of("A=1", "B=x=y", "EMPTY="),
        EnvironmentFiles.parse(
            "# comment\nA=1\n\n  B=x=y  \r\nEMPTY=\nnot a variable\n=nameless\n"));
  }

  @Test
  void pathsAndFileUrls_inOrder(@TempDir Path dir) throws Exception {
    Path one = Files.writeString(dir.resolve("one.env"), "A=1\nB=1\n");
    Path two = Files.writeString(dir.resolve("two.env"), "B=2\n");

    assertEquals(List.of("A=1", "B=1", "B=2"), read(one.toString(), two.toUri().toString()));
  }

  @Test
  void loopbackHttp() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/app.env",
        exchange -> {
          byte[] body = "FROM_HTTP=yes\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      assertEquals(List.of("FROM_HTTP=yes"), read(base + "/app.env"));
      IllegalArgumentException missing =
          assertThrows(IllegalArgumentException.class, () -> read(base + "/missing.env"));
      assertTrue(missing.getMessage().contains("404"), missing.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void s3ArnsAndMissingFiles_areRefused(@TempDir Path dir) {
    assertThrows(IllegalArgumentException.class, () -> read("arn:aws:s3:::bucket/app.env"));
    assertThrows(IllegalArgumentException.class, () -> read(dir.resolve("absent.env").toString()));
  }
}
