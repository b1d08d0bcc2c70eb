package io.harbormaster.testing;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/** The real AWS SDK v2 ECS client, pointed at a Harbormaster endpoint. */
public final class EcsClients {
  private EcsClients() {}

  public static EcsClient sync(String endpoint, String accessKeyId, String secret) {
    return EcsClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
        .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60)).build())
        .build();
  }

  /** One attempt, no retries, a short deadline: for polling a node whose cluster is failing over. */
  public static EcsClient probe(String endpoint, String accessKeyId, String secret, Duration timeout) {
    return EcsClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(timeout)
            .build())
        .build();
  }

  public static EcsClient sync(String endpoint, ServerProcess.Credentials credentials) {
    return sync(endpoint, credentials.accessKeyId(), credentials.secretAccessKey());
  }

  public static EcsClient sync(ServerProcess server) {
    ServerProcess.Credentials c = server.credentials();
    return sync(server.endpoint(), c.accessKeyId(), c.secretAccessKey());
  }
}
