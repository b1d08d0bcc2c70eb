package io.harbormaster.api.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The web console's static files ({@code console/} on the classpath, built from the top-level
 * {@code console/} folder by the Maven build) at {@code /console/}. No authentication here: the
 * files hold no data, and every API call the page makes is SigV4-signed in the browser.
 */
public final class ConsoleRoute {
  public static final String PATH = "/console";
  private static final String RESOURCES = "console";

  private final ClassLoader loader;

  /** Files found, by name; misses are not kept, so asking for random names cannot grow it. */
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  public ConsoleRoute(ClassLoader loader) {
    this.loader = loader;
  }

  public static boolean serves(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  public HttpResponse handle(HttpRequest request) {
    String path = request.getUri().path();
    if (request.method() != HttpMethods.GET && request.method() != HttpMethods.HEAD) {
      return HttpResponse.create()
          .withStatus(StatusCodes.METHOD_NOT_ALLOWED)
          .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "The console's files take GET.");
    }
    if (path.equals(PATH)) {
      return HttpResponse.create()
          .withStatus(StatusCodes.MOVED_PERMANENTLY)
          .addHeader(Location.create(PATH + "/"));
    }
    String asked = path.substring(PATH.length() + 1);
    String file = asked.isEmpty() ? "index.html" : asked;
    if (file.contains("..") || file.contains("//") || file.startsWith("/")) {
      return notFound();
    }
    Optional<byte[]> bytes = Optional.ofNullable(cache.get(file)).or(() -> read(file));
    if (bytes.isEmpty()) return notFound();
    cache.putIfAbsent(file, bytes.get());
    // hashed asset names never change content; index.html must be fetched again after an upgrade
    String cacheControl =
        file.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    return HttpResponse.create()
        .withEntity(contentType(file), bytes.get())
        .addHeader(RawHeader.create("Cache-Control", cacheControl))
        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"));
  }

  private Optional<byte[]> read(String file) {
    try (InputStream in = loader.getResourceAsStream(RESOURCES + "/" + file)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static HttpResponse notFound() {
    return HttpResponse.create()
        .withStatus(StatusCodes.NOT_FOUND)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "Not found.");
  }

  static ContentType contentType(String file) {
    String ext = file.substring(file.lastIndexOf('.') + 1);
    return switch (ext) {
      case "html" -> ContentTypes.TEXT_HTML_UTF8;
      case "js", "mjs" ->
          MediaTypes.APPLICATION_JAVASCRIPT.toContentType(
              org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
      case "css" ->
          MediaTypes.TEXT_CSS.toContentType(org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
      case "svg" -> MediaTypes.IMAGE_SVG_XML.toContentType();
      case "png" -> MediaTypes.IMAGE_PNG.toContentType();
      case "json" -> ContentTypes.APPLICATION_JSON;
      case "ico" -> MediaTypes.IMAGE_X_ICON.toContentType();
      default -> ContentTypes.APPLICATION_OCTET_STREAM;
    };
  }
}
