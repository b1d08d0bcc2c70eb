package io.harbormaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.harbormaster.server.HarbormasterNode;
import io.harbormaster.server.NodeSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A command-line option overrides the config only when it is given: left out, the setting comes
 * from the config and its environment variables (HARBORMASTER_REGION, HARBORMASTER_CLUSTER_PORT,
 * harbormaster.api.*, ...), whose defaults are the ones the options used to have.
 */
class CommandLineSettingsTest {
  private static final Path HOME = Path.of("/opt/harbormaster");

  @Test
  void serverOptionsLeftOutAreNotSet() {
    Main.Server server = server();
    assertNull(server.region);
    assertNull(server.host);
    assertNull(server.port);
    assertNull(server.clusterPort);
    assertNull(server.cassandra);
  }

  @Test
  void upOptionsLeftOutAreNotSet() {
    Main.Up up = new Main.Up();
    new CommandLine(up).parseArgs();
    assertNull(up.region);
    assertNull(up.port);
    assertNull(up.clusterPort);
  }

  @Test
  void withoutOptionsOrSettingsTheDefaultsAreTheOnesTheOptionsHad() {
    NodeSettings resolved = resolve(server(), ConfigFactory.defaultApplication());
    assertEquals("us-east-1", resolved.region());
    assertEquals("127.0.0.1", resolved.apiHost());
    assertEquals(8642, resolved.apiPort());
    assertEquals(25520, resolved.clusterPort());
    assertEquals("127.0.0.1:9642", resolved.cassandraContactPoint());
  }

  @Test
  void theEnvironmentVariablesApplyWhenNoOptionIsGiven() {
    // ${?HARBORMASTER_REGION} looks in the config before the process environment: the same as
    // setting the variable
    Config environment =
        ConfigFactory.parseString(
            """
        HARBORMASTER_REGION = eu-north-1
        HARBORMASTER_CLUSTER_PORT = 25600
        """);
    NodeSettings resolved =
        resolve(server(), environment.withFallback(ConfigFactory.defaultApplication()));
    assertEquals("eu-north-1", resolved.region());
    assertEquals(25600, resolved.clusterPort());
  }

  @Test
  void theApiSettingsApplyWhenNoOptionIsGiven() {
    Config settings =
        ConfigFactory.parseString(
            """
        harbormaster.api.host = "0.0.0.0"
        harbormaster.api.port = 9000
        harbormaster.cassandra.contact-point = "10.0.0.5:9042"
        harbormaster.region = ap-south-1
        """);
    Config config =
        HarbormasterNode.config(
            server().settings(HOME), settings.withFallback(ConfigFactory.defaultApplication()));
    NodeSettings resolved = server().settings(HOME).resolvedBy(config);
    assertEquals("0.0.0.0", resolved.apiHost());
    assertEquals(9000, resolved.apiPort());
    assertEquals("10.0.0.5:9042", resolved.cassandraContactPoint());
    assertEquals("ap-south-1", resolved.region());
    // what the rest of the node reads from the config agrees (the journal's contact points, ...)
    assertEquals("ap-south-1", config.getString("harbormaster.region"));
    assertEquals(
        "10.0.0.5:9042", config.getStringList("datastax-java-driver.basic.contact-points").get(0));
  }

  @Test
  void anOptionGivenWinsOverTheEnvironmentAndTheSettings() {
    Config environment =
        ConfigFactory.parseString(
            """
        HARBORMASTER_REGION = eu-north-1
        HARBORMASTER_CLUSTER_PORT = 25600
        harbormaster.api.port = 9000
        harbormaster.api.host = "0.0.0.0"
        """);
    NodeSettings resolved =
        resolve(
            server(
                "--region",
                "us-west-2",
                "--port",
                "8700",
                "--host",
                "10.1.2.3",
                "--cluster-port",
                "25530",
                "--cassandra",
                "10.0.0.9:9642"),
            environment.withFallback(ConfigFactory.defaultApplication()));
    assertEquals("us-west-2", resolved.region());
    assertEquals(8700, resolved.apiPort());
    assertEquals("10.1.2.3", resolved.apiHost());
    assertEquals(25530, resolved.clusterPort());
    assertEquals("10.0.0.9:9642", resolved.cassandraContactPoint());
  }

  private static Main.Server server(String... args) {
    Main.Server server = new Main.Server();
    new CommandLine(server).parseArgs(args);
    return server;
  }

  private static NodeSettings resolve(Main.Server server, Config application) {
    NodeSettings given = server.settings(HOME);
    return given.resolvedBy(HarbormasterNode.config(given, application));
  }
}
