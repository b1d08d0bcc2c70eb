package io.harbormaster.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.harbormaster.auth.SigV4Signer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Webhook latency under churn: a hollow fleet runs short tasks (`sleep 2`: PENDING, RUNNING,
 * STOPPED by themselves) at a fixed RunTask rate; a webhook rule for ECS Task State Change points
 * at a receiver in this JVM. Latency is receipt time minus the event's detail.updatedAt (when the
 * entity persisted the change; same machine, same clock). Each phase runs a rate for DURATION, then
 * waits for the stragglers. A printed figure, not a test.
 *
 * <p>The drain mode measures the delivery path alone: {@code produce} churns tasks with the node's
 * hooks switched off (the rule exists, nothing is delivered), then the node restarts with hooks on
 * and {@code drain} receives the whole backlog as fast as the dispatchers deliver it.
 *
 * <pre>
 *   EventLatencyBenchmark prepare ENV_FILE CLUSTER
 *   EventLatencyBenchmark run ENV_FILE CLUSTER HOSTS DURATION_S TASKS_PER_S[,TASKS_PER_S...]
 *   EventLatencyBenchmark produce ENV_FILE CLUSTER HOSTS DURATION_S TASKS_PER_S RECEIVER_PORT
 *   EventLatencyBenchmark drain ENV_FILE CLUSTER RECEIVER_PORT QUIET_S
 * </pre>
 */
public final class EventLatencyBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TICKS_PER_SECOND = 10;

  record Received(String id, long latencyMillis, long receivedAtNanos) {}

  public static void main(String[] args) throws Exception {
    HollowFleet.commandLine(
        args,
        (env, ecs, cluster) -> {
          if (args[0].equals("drain")) {
            drain(Integer.parseInt(args[3]), Duration.ofSeconds(Long.parseLong(args[4])));
            return;
          }
          int hosts = Integer.parseInt(args[3]);
          Duration duration = Duration.ofSeconds(Long.parseLong(args[4]));
          if (args[0].equals("produce")) {
            new EventLatencyBenchmark(env, ecs, cluster)
                .produce(hosts, duration, Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            return;
          }
          List<Integer> rates = new ArrayList<>();
          for (String r : args[5].split(",")) rates.add(Integer.parseInt(r));
          new EventLatencyBenchmark(env, ecs, cluster).run(hosts, duration, rates);
        });
  }

  private final Map<String, String> env;
  private final EcsAsyncClient ecs;
  private final String cluster;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger duplicates = new AtomicInteger();

  EventLatencyBenchmark(Map<String, String> env, EcsAsyncClient ecs, String cluster) {
    this.env = env;
    this.ecs = ecs;
    this.cluster = cluster;
  }

  void run(int hosts, Duration duration, List<Integer> rates) throws Exception {
    awaitFleet(hosts);
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newFixedThreadPool(8));
    receiver.createContext(
        "/hook",
        exchange -> {
          long nanos = System.nanoTime();
          long now = System.currentTimeMillis();
          byte[] body = exchange.getRequestBody().readAllBytes();
          JsonNode event = JSON.readTree(new String(body, StandardCharsets.UTF_8));
          String id = event.path("id").asText();
          if (seen.add(id)) {
            long updated =
                Instant.parse(event.path("detail").path("updatedAt").asText()).toEpochMilli();
            received.add(new Received(id, now - updated, nanos));
          } else {
            duplicates.incrementAndGet();
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    try {
      String rule = "bench-" + System.currentTimeMillis();
      call(
          "HarbormasterEvents.PutRule",
          JSON.createObjectNode()
              .put("name", rule)
              .put("eventPattern", "{\"detail-type\":[\"ECS Task State Change\"]}")
              .put("targetUrl", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")
              .put("secret", "benchmark-secret"));
      // Dispatchers sleep while no rule exists and look for rules every 2 s
      // (hooks.idle-check-interval): the
      // phases measure delivery once they read, not their wake-up.
      Thread.sleep(3000);
      String td =
          ecs.registerTaskDefinition(
                  r ->
                      r.family("events-bench")
                          .containerDefinitions(
                              ContainerDefinition.builder()
                                  .name("main")
                                  .image("harbormaster/busybox:test")
                                  .cpu(32)
                                  .memory(32)
                                  .essential(true)
                                  .command("sleep 2")
                                  .build()))
              .get()
              .taskDefinition()
              .taskDefinitionArn();
      System.out.printf(
          "%-12s %8s %8s %10s %10s %8s %8s %8s %8s %6s%n",
          "tasks/s",
          "tasks",
          "events",
          "events/s",
          "deliv/s",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "max ms",
          "dups");
      List<String> lines = new ArrayList<>();
      for (int rate : rates) lines.add(phase(td, rate, duration));
      System.out.println();
      System.out.println(
          "summary (events = task state changes received at the webhook, first deliveries):");
      lines.forEach(System.out::println);
      JsonNode dead =
          call("HarbormasterEvents.ListDeadLetters", JSON.createObjectNode().put("name", rule));
      System.out.println("dead letters: " + dead.path("deadLetters").size());
    } finally {
      receiver.stop(0);
      ((java.util.concurrent.ExecutorService) receiver.getExecutor()).shutdownNow();
    }
  }

  private String phase(String td, int tasksPerSecond, Duration duration) throws Exception {
    received.clear();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    int perTick = Math.max(1, tasksPerSecond / TICKS_PER_SECOND);
    long t0 = System.nanoTime();
    ticker.scheduleAtFixedRate(
        () ->
            ecs.runTask(
                    r ->
                        r.cluster(cluster)
                            .taskDefinition(td)
                            .count(perTick)
                            .startedBy("events-bench"))
                .whenComplete(
                    (out, failure) -> {
                      if (failure != null) failed.addAndGet(perTick);
                      else {
                        started.addAndGet(out.tasks().size());
                        failed.addAndGet(out.failures().size());
                      }
                    }),
        0,
        1000 / TICKS_PER_SECOND,
        TimeUnit.MILLISECONDS);
    Thread.sleep(duration.toMillis());
    ticker.shutdownNow();
    long t1 = System.nanoTime();
    // the tasks started last stop 2 s later; then the events need their delivery
    Thread.sleep(10_000);
    List<Received> inWindow = new ArrayList<>();
    for (Received r : received) if (r.receivedAtNanos() <= t1) inWindow.add(r);
    List<Long> lat = new ArrayList<>();
    for (Received r : received) lat.add(r.latencyMillis());
    Collections.sort(lat);
    double seconds = (t1 - t0) / 1e9;
    String line =
        String.format(
            "%-12s %8d %8d %10.1f %10.1f %8d %8d %8d %8d %6d",
            tasksPerSecond + " (" + failed + " failed)",
            started.get(),
            received.size(),
            received.size() / (seconds + 4.0),
            inWindow.size() / seconds,
            pct(lat, 50),
            pct(lat, 90),
            pct(lat, 99),
            lat.isEmpty() ? 0 : lat.get(lat.size() - 1),
            duplicates.getAndSet(0));
    System.out.println(line);
    return line;
  }

  /** Churn with the node's hooks off: the rule is there, its events wait in the journal. */
  void produce(int hosts, Duration duration, int tasksPerSecond, int receiverPort)
      throws Exception {
    awaitFleet(hosts);
    call(
        "HarbormasterEvents.PutRule",
        JSON.createObjectNode()
            .put("name", "drain-" + System.currentTimeMillis())
            .put("eventPattern", "{\"detail-type\":[\"ECS Task State Change\"]}")
            .put("targetUrl", "http://127.0.0.1:" + receiverPort + "/hook")
            .put("secret", "benchmark-secret"));
    String td =
        ecs.registerTaskDefinition(
                r ->
                    r.family("events-drain")
                        .containerDefinitions(
                            ContainerDefinition.builder()
                                .name("main")
                                .image("harbormaster/busybox:test")
                                .cpu(32)
                                .memory(32)
                                .essential(true)
                                .command("sleep 2")
                                .build()))
            .get()
            .taskDefinition()
            .taskDefinitionArn();
    AtomicInteger started = new AtomicInteger();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    int perTick = Math.max(1, tasksPerSecond / TICKS_PER_SECOND);
    ticker.scheduleAtFixedRate(
        () ->
            ecs.runTask(
                    r ->
                        r.cluster(cluster)
                            .taskDefinition(td)
                            .count(perTick)
                            .startedBy("events-drain"))
                .whenComplete(
                    (out, failure) -> {
                      if (out != null) started.addAndGet(out.tasks().size());
                    }),
        0,
        1000 / TICKS_PER_SECOND,
        TimeUnit.MILLISECONDS);
    Thread.sleep(duration.toMillis());
    ticker.shutdownNow();
    Thread.sleep(15_000); // the last tasks stop
    System.out.printf(
        "produced: %d tasks (about %d task state changes), hooks off%n",
        started.get(), started.get() * 6);
  }

  /** Receives the backlog; the delivery rate is events ÷ (last receipt − first receipt). */
  static void drain(int port, Duration quiet) throws Exception {
    ConcurrentLinkedQueue<Long> receipts = new ConcurrentLinkedQueue<>();
    Set<String> ids = ConcurrentHashMap.newKeySet();
    AtomicInteger dups = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    receiver.setExecutor(Executors.newFixedThreadPool(8));
    receiver.createContext(
        "/hook",
        exchange -> {
          JsonNode event = JSON.readTree(exchange.getRequestBody().readAllBytes());
          if (ids.add(event.path("id").asText())) receipts.add(System.nanoTime());
          else dups.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    long waitStart = System.nanoTime();
    try {
      while (true) {
        Thread.sleep(1000);
        Long last = null;
        for (Long r : receipts) last = r;
        if (last == null) {
          // the node is still starting: the receiver listens before it, so no first delivery fails
          if (System.nanoTime() - waitStart > Duration.ofMinutes(5).toNanos()) break;
          continue;
        }
        if (System.nanoTime() - last > quiet.toNanos()) break;
      }
      List<Long> all = new ArrayList<>(receipts);
      if (all.size() < 2) {
        System.out.println("drain: " + all.size() + " events received");
        return;
      }
      double seconds = (all.get(all.size() - 1) - all.get(0)) / 1e9;
      System.out.printf(
          "drain: %d events in %.1f s = %.0f events/s delivered (%d duplicates)%n",
          all.size(), seconds, all.size() / seconds, dups.get());
      // the rate in 5-s windows, to see whether it holds
      StringBuilder windows = new StringBuilder("per 5 s:");
      long t0 = all.get(0);
      int[] counts = new int[(int) (seconds / 5) + 1];
      for (long r : all) counts[(int) ((r - t0) / 5_000_000_000L)]++;
      for (int c : counts) windows.append(' ').append(c / 5);
      System.out.println(windows);
    } finally {
      receiver.stop(0);
      ((java.util.concurrent.ExecutorService) receiver.getExecutor()).shutdownNow();
    }
  }

  private static long pct(List<Long> sorted, double percent) {
    return sorted.isEmpty() ? 0 : BenchmarkSupport.percentile(sorted, percent);
  }

  private void awaitFleet(int hosts) throws Exception {
    long t0 = System.nanoTime();
    while (true) {
      int n =
          ecs.listContainerInstances(r -> r.cluster(cluster).maxResults(100))
              .get()
              .containerInstanceArns()
              .size();
      if (n >= Math.min(hosts, 100)) {
        System.out.printf("fleet: %d+ instances after %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        return;
      }
      if (System.nanoTime() - t0 > Duration.ofMinutes(5).toNanos())
        throw new IllegalStateException("no fleet");
      Thread.sleep(2000);
    }
  }

  private JsonNode call(String target, JsonNode input) throws Exception {
    URI uri = URI.create(env.get("HARBORMASTER_ENDPOINT") + "/");
    byte[] body = JSON.writeValueAsBytes(input);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-amz-json-1.1");
    headers.put("X-Amz-Target", target);
    Map<String, String> signed =
        SigV4Signer.sign(
            uri.getHost() + ":" + uri.getPort(),
            headers,
            body,
            env.get("AWS_ACCESS_KEY_ID"),
            env.get("AWS_SECRET_ACCESS_KEY"),
            env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"),
            "ecs",
            Instant.now());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed.forEach(request::header);
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200)
      throw new IllegalStateException(target + ": " + response.body());
    return JSON.readTree(response.body());
  }
}
