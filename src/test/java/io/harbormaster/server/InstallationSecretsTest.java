package io.harbormaster.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.harbormaster.api.ecs.EcsPaging;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The key of nextToken values: no public default; an installation generates its own once and every
 * node (and every later start) uses that one; an explicit setting wins. The store is an in-memory
 * stand-in for the Cassandra table.
 */
class InstallationSecretsTest {

  /** One installation's installation_secrets table. */
  private static final class FakeStore implements InstallationSecrets.Store {
    final Map<String, byte[]> kept = new ConcurrentHashMap<>();

    @Override
    public byte[] putIfAbsent(String name, byte[] value) {
      return kept.computeIfAbsent(name, k -> value.clone()).clone();
    }
  }

  @Test
  void theConfigHasNoPublicDefaultPagingSecret() {
    ConfigFactory.invalidateCaches();
    assertFalse(
        ConfigFactory.load().hasPath("harbormaster.api.paging-secret"),
        () ->
            "a default everybody can read: "
                + ConfigFactory.load().getString("harbormaster.api.paging-secret"));
    assertEquals(
        Optional.empty(), NodeSettings.ApiSettings.from(ConfigFactory.load()).pagingSecret());
  }

  @Test
  void everyNodeOfAnInstallationUsesTheSecretItsFirstNodeGenerated() {
    FakeStore installation = new FakeStore();
    byte[] first =
        InstallationSecrets.pagingSecret(Optional.empty(), installation, new SecureRandom());
    byte[] second =
        InstallationSecrets.pagingSecret(Optional.empty(), installation, new SecureRandom());
    byte[] restarted =
        InstallationSecrets.pagingSecret(Optional.empty(), installation, new SecureRandom());

    assertEquals(InstallationSecrets.GENERATED_BYTES, first.length);
    assertArrayEquals(first, second);
    assertArrayEquals(first, restarted);
    // a token one node hands out is accepted by another
    String token = new EcsPaging(first).encode("123456789012", "web");
    assertEquals(Optional.of("web"), new EcsPaging(second).decode("123456789012", token));
  }

  @Test
  void twoInstallationsHaveDifferentSecrets() {
    byte[] one =
        InstallationSecrets.pagingSecret(Optional.empty(), new FakeStore(), new SecureRandom());
    byte[] other =
        InstallationSecrets.pagingSecret(Optional.empty(), new FakeStore(), new SecureRandom());
    assertFalse(Arrays.equals(one, other));
    String token = new EcsPaging(one).encode("123456789012", "web");
    assertEquals(Optional.empty(), new EcsPaging(other).decode("123456789012", token));
  }

  @Test
  void anExplicitSettingWinsAndIsNotStored() {
    FakeStore installation = new FakeStore();
    byte[] secret =
        InstallationSecrets.pagingSecret(
            Optional.of("a-secret-the-operator-chose"), installation, new SecureRandom());
    assertArrayEquals("a-secret-the-operator-chose".getBytes(StandardCharsets.UTF_8), secret);
    assertTrue(installation.kept.isEmpty());
    assertEquals(
        Optional.of("from-the-environment-0123"),
        NodeSettings.ApiSettings.from(
                ConfigFactory.parseString("HARBORMASTER_PAGING_SECRET = from-the-environment-0123")
                    .withFallback(ConfigFactory.defaultApplication())
                    .resolve()
                    .withFallback(ConfigFactory.defaultReference()))
            .pagingSecret());
  }
}
