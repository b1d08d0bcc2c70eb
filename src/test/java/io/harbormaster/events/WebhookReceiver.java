package io.harbormaster.events;

import static io.harbormaster.testing.Json.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.harbormaster.events.hooks.WebhookClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook target on loopback: records every POST (the event, whether its signature checks out)
 * and answers 200, or 500 while {@link #failing} is set. {@code delayMillis} makes each answer
 * slow, so deliveries are in flight.
 */
final class WebhookReceiver implements AutoCloseable {

  record Received(String eventId, JsonNode event, boolean signatureValid) {
    String resource() {
      return event.path("resources").path(0).asText();
    }

    long version() {
      return event.path("detail").path("version").asLong();
    }
  }

  private final HttpServer server;
  private final String secret;
  final List<Received> received = new CopyOnWriteArrayList<>();
  volatile boolean failing;
  volatile int failures;
  volatile long delayMillis;

  WebhookReceiver(String secret) throws IOException {
    this.secret = secret;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          try {
            if (delayMillis > 0) Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          int status;
          if (failing) {
            failures++;
            status = 500;
          } else {
            String signature =
                exchange.getRequestHeaders().getFirst(WebhookClient.SIGNATURE_HEADER);
            boolean valid = WebhookClient.signature(secret, body).equals(signature);
            received.add(
                new Received(
                    exchange.getRequestHeaders().getFirst(WebhookClient.EVENT_ID_HEADER),
                    JSON.readTree(new String(body, StandardCharsets.UTF_8)),
                    valid));
            status = 200;
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /**
   * First deliveries only (a redelivery has an id seen before), grouped by resource, in arrival
   * order.
   */
  Map<String, List<Long>> firstDeliveryVersionsByResource() {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Received r : received) {
      if (!seen.add(r.eventId())) continue;
      out.computeIfAbsent(r.resource(), k -> new ArrayList<>()).add(r.version());
    }
    return out;
  }

  java.util.Set<String> ids() {
    java.util.Set<String> out = new java.util.HashSet<>();
    received.forEach(r -> out.add(r.eventId()));
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
