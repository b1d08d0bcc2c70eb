package io.harbormaster.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Resource;

/**
 * The container instances of a benchmark's cluster, which the scripts fill with `harbormaster agent
 * --runtime hollow` processes: created, waited for, listed, described, and checked for over-commit.
 */
final class HollowFleet {
  private final EcsAsyncClient ecs;
  private final String cluster;

  HollowFleet(EcsAsyncClient ecs, String cluster) {
    this.ecs = ecs;
    this.cluster = cluster;
  }

  /** What a hollow-fleet benchmark does in a mode other than {@code prepare}. */
  interface Mode {
    void run(Map<String, String> env, EcsAsyncClient ecs, String cluster) throws Exception;
  }

  /**
   * The command line of a hollow-fleet benchmark: {@code MODE ENV_FILE CLUSTER ...}. {@code
   * prepare} creates the cluster the hollow agents join; any other mode runs {@code mode} with the
   * SDK client of that `up`.
   */
  static void commandLine(String[] args, Mode mode) throws Exception {
    Map<String, String> env = BenchmarkSupport.readEnv(Path.of(args[1]));
    String cluster = args[2];
    try (EcsAsyncClient ecs = BenchmarkSupport.ecsAsyncClient(env)) {
      if (args[0].equals("prepare")) {
        ecs.createCluster(r -> r.clusterName(cluster)).get(60, TimeUnit.SECONDS);
        System.out.println("cluster " + cluster + " created");
        return;
      }
      mode.run(env, ecs, cluster);
    }
  }

  /** Waits until {@code hosts} instances are registered and connected; their ARNs. */
  List<String> awaitConnected(int hosts, Duration timeout) throws Exception {
    long t0 = System.nanoTime();
    List<String> arns = List.of();
    while (true) {
      try {
        arns = list();
        if (arns.size() >= hosts) {
          List<String> connected =
              describe(arns).stream()
                  .filter(ContainerInstance::agentConnected)
                  .map(ContainerInstance::containerInstanceArn)
                  .toList();
          if (connected.size() >= hosts) {
            if (arns.size() > connected.size()) {
              System.out.println(
                  "fleet: "
                      + (arns.size() - connected.size())
                      + " instances in the cluster are "
                      + "not connected or not describable (registrations that timed out, then retried under a new id)");
            }
            return connected;
          }
          System.out.println(
              "fleet: " + arns.size() + " listed, " + connected.size() + " connected");
        } else {
          System.out.println("fleet: " + arns.size() + " registered");
        }
      } catch (ExecutionException e) {
        System.out.println("fleet: " + rootMessage(e)); // the server is busy with the registrations
      }
      if (System.nanoTime() - t0 > timeout.toNanos()) {
        throw new IllegalStateException("only " + arns.size() + " instances after " + timeout);
      }
      Thread.sleep(2000);
    }
  }

  /** Every container instance ARN of the cluster (ListContainerInstances, all pages). */
  List<String> list() throws Exception {
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      var out =
          ecs.listContainerInstances(r -> r.cluster(cluster).maxResults(100).nextToken(t)).get();
      arns.addAll(out.containerInstanceArns());
      token = out.nextToken();
    } while (token != null);
    return arns;
  }

  /** DescribeContainerInstances of the ARNs, 100 per call. */
  List<ContainerInstance> describe(List<String> arns) throws Exception {
    List<ContainerInstance> all = new ArrayList<>();
    for (int i = 0; i < arns.size(); i += 100) {
      List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
      all.addAll(
          ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(batch))
              .get()
              .containerInstances());
    }
    return all;
  }

  /** What {@link #checkOverCommit} found; {@code examples} holds at most 5 offending instances. */
  record OverCommitCheck(
      int instances,
      int negative,
      int mismatched,
      long tasks,
      int maxTasks,
      List<String> examples) {}

  /**
   * remaining ≥ 0, and registered − Σ(tasks' demand) = remaining, for CPU and MEMORY, on every
   * instance, when every task asks for {@code taskCpu} and {@code taskMemory}.
   */
  OverCommitCheck checkOverCommit(List<String> arns, int taskCpu, int taskMemory) throws Exception {
    int negative = 0;
    int mismatched = 0;
    long tasks = 0;
    int maxTasks = 0;
    List<String> examples = new ArrayList<>();
    List<ContainerInstance> all = describe(arns);
    for (ContainerInstance ci : all) {
      int n = ci.runningTasksCount() + ci.pendingTasksCount();
      tasks += n;
      maxTasks = Math.max(maxTasks, n);
      for (String name : List.of("CPU", "MEMORY")) {
        int registered = value(ci.registeredResources(), name);
        int remaining = value(ci.remainingResources(), name);
        int per = name.equals("CPU") ? taskCpu : taskMemory;
        if (remaining < 0) {
          negative++;
          if (examples.size() < 5)
            examples.add(ci.containerInstanceArn() + " " + name + " remaining " + remaining);
        }
        if (registered - n * per != remaining) {
          mismatched++;
          if (examples.size() < 5) {
            examples.add(
                ci.containerInstanceArn()
                    + " "
                    + name
                    + " registered "
                    + registered
                    + " tasks "
                    + n
                    + " remaining "
                    + remaining);
          }
        }
      }
    }
    return new OverCommitCheck(all.size(), negative, mismatched, tasks, maxTasks, examples);
  }

  private static int value(List<Resource> resources, String name) {
    return resources.stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .map(Resource::integerValue)
        .orElseThrow(() -> new IllegalStateException("no " + name));
  }

  /** The innermost cause's class and message (at most 120 characters of it). */
  static String rootMessage(Throwable t) {
    while (t.getCause() != null) t = t.getCause();
    String m = String.valueOf(t.getMessage());
    return t.getClass().getSimpleName() + ": " + (m.length() > 120 ? m.substring(0, 120) : m);
  }
}
