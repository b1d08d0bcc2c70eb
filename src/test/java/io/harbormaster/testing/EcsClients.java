package io.harbormaster.testing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ListClustersResponse;

/** The real AWS SDK v2 ECS client, pointed at a Harbormaster endpoint. */
public final class EcsClients {
  private EcsClients() {}

  public static EcsClient sync(
      String endpoint, String accessKeyId, String secret, ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder config =
        ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60));
    for (ExecutionInterceptor interceptor : interceptors) {
      config.addExecutionInterceptor(interceptor);
    }
    return EcsClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
        .overrideConfiguration(config.build())
        .build();
  }

  /**
   * One attempt, no retries, a short deadline: for polling a node whose cluster is failing over.
   */
  public static EcsClient probe(
      String endpoint, String accessKeyId, String secret, Duration timeout) {
    return EcsClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallTimeout(timeout)
                .build())
        .build();
  }

  public static EcsClient sync(String endpoint, ServerProcess.Credentials credentials) {
    return sync(endpoint, credentials.accessKeyId(), credentials.secretAccessKey());
  }

  public static EcsClient sync(ServerProcess server) {
    return sync(server, server.credentials());
  }

  /**
   * A client for one account of the server, e.g. a tenant made with {@link
   * SignedHttp#createAccount}.
   */
  public static EcsClient sync(
      ServerProcess server, ServerProcess.Credentials as, ExecutionInterceptor... interceptors) {
    return sync(server.endpoint(), as.accessKeyId(), as.secretAccessKey(), interceptors);
  }

  /** Every cluster ARN of the client's account: ListClusters, page after page. */
  public static List<String> allClusterArns(EcsClient ecs) {
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      ListClustersResponse page = ecs.listClusters(r -> r.nextToken(t));
      arns.addAll(page.clusterArns());
      token = page.nextToken();
    } while (token != null);
    return arns;
  }

  /** The ARN of an existing cluster of the client's account, as DescribeClusters gives it. */
  public static String clusterArn(EcsClient ecs, String name) {
    return ecs.describeClusters(r -> r.clusters(name)).clusters().get(0).clusterArn();
  }
}
