package io.harbormaster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.harbormaster.events.stream.EventStreamClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code harbormaster events | history | hooks}: the event stream, a resource's history, webhook
 * rules.
 */
final class EventCommands {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventCommands() {}

  /** What every one of these commands needs: where the server is and whose key signs. */
  static class Connection {
    @Option(
        names = "--env",
        scope = ScopeType.INHERIT,
        description = "An env file written by `up` (default ~/.harbormaster/env).")
    Path envFile = Path.of(System.getProperty("user.home"), ".harbormaster", "env");

    @Option(
        names = "--endpoint-url",
        scope = ScopeType.INHERIT,
        description = "The Harbormaster endpoint (default: HARBORMASTER_ENDPOINT).")
    String endpoint;
  }

  @Command(
      name = "events",
      description = "Print this account's events (EventBridge format), one JSON per line.")
  static final class Events extends Connection implements Callable<Integer> {
    @Option(
        names = "--follow",
        description = "Keep reading; reconnect with the last event id after a disconnect.")
    boolean follow;

    @Option(
        names = "--pattern",
        description = "An EventBridge event pattern (JSON) the events must match.")
    String pattern;

    @Option(names = "--since", description = "Start at this ISO-8601 instant instead of now.")
    String since;

    @Override
    public Integer call() throws Exception {
      SignedCalls.Credentials c = SignedCalls.credentials(envFile, endpoint);
      if (c == null) return 2;
      EventStreamClient client =
          new EventStreamClient(c.endpoint(), c.accessKeyId(), c.secret(), c.region());
      if (follow) {
        client.follow(pattern, since, e -> System.out.println(e.data()));
      } else {
        client.readOnce(pattern, since, null, e -> System.out.println(e.data()));
      }
      return 0;
    }
  }

  @Command(
      name = "history",
      description = "Every event of a resource (by ARN), or its state at an instant (--at).")
  static final class History extends Connection implements Callable<Integer> {
    @Option(
        names = "--arn",
        required = true,
        description = "A task, container instance, service, cluster or task definition ARN.")
    String arn;

    @Option(names = "--at", description = "An ISO-8601 instant: print the resource as it was then.")
    String at;

    @Option(
        names = "--next-token",
        description = "Continue a listing where the previous page stopped.")
    String nextToken;

    @Override
    public Integer call() throws Exception {
      ObjectNode input = JSON.createObjectNode().put("arn", arn);
      if (at != null) {
        return SignedCalls.callAndPrint(
            envFile, endpoint, "HarbormasterHistory.DescribeResourceAt", input.put("at", at));
      }
      if (nextToken != null) input.put("nextToken", nextToken);
      return SignedCalls.callAndPrint(
          envFile, endpoint, "HarbormasterHistory.ListResourceEvents", input);
    }
  }

  @Command(
      name = "hooks",
      description = "Webhook rules: events matching a pattern are POSTed to a URL, signed.",
      subcommands = {
        PutRule.class,
        ListRules.class,
        DeleteRule.class,
        ListDeadLetters.class,
        Redrive.class
      })
  static final class Hooks extends Connection implements Callable<Integer> {
    @Override
    public Integer call() {
      picocli.CommandLine.usage(this, System.out);
      return 0;
    }

    int call(String action, ObjectNode input) throws Exception {
      return SignedCalls.callAndPrint(envFile, endpoint, "HarbormasterEvents." + action, input);
    }
  }

  @Command(name = "put-rule", description = "Create or replace a rule.")
  static final class PutRule implements Callable<Integer> {
    @ParentCommand Hooks hooks;

    @Option(names = "--name", required = true)
    String name;

    @Option(
        names = "--pattern",
        required = true,
        description = "An EventBridge event pattern (JSON).")
    String pattern;

    @Option(
        names = "--target-url",
        required = true,
        description = "Where matching events are POSTed.")
    String targetUrl;

    @Option(
        names = "--secret",
        required = true,
        description = "Keys the X-Harbormaster-Signature HMAC.")
    String secret;

    @Override
    public Integer call() throws Exception {
      return hooks.call(
          "PutRule",
          JSON.createObjectNode()
              .put("name", name)
              .put("eventPattern", pattern)
              .put("targetUrl", targetUrl)
              .put("secret", secret));
    }
  }

  @Command(name = "list-rules", description = "This account's rules.")
  static final class ListRules implements Callable<Integer> {
    @ParentCommand Hooks hooks;

    @Override
    public Integer call() throws Exception {
      return hooks.call("ListRules", JSON.createObjectNode());
    }
  }

  @Command(name = "delete-rule", description = "Delete a rule and its dead letters.")
  static final class DeleteRule implements Callable<Integer> {
    @ParentCommand Hooks hooks;

    @Option(names = "--name", required = true)
    String name;

    @Override
    public Integer call() throws Exception {
      return hooks.call("DeleteRule", JSON.createObjectNode().put("name", name));
    }
  }

  @Command(
      name = "list-dead-letters",
      description = "Events a rule could not deliver, oldest first.")
  static final class ListDeadLetters implements Callable<Integer> {
    @ParentCommand Hooks hooks;

    @Option(names = "--name", required = true)
    String name;

    @Option(names = "--next-token")
    String nextToken;

    @Override
    public Integer call() throws Exception {
      ObjectNode input = JSON.createObjectNode().put("name", name);
      if (nextToken != null) input.put("nextToken", nextToken);
      return hooks.call("ListDeadLetters", input);
    }
  }

  @Command(name = "redrive", description = "Send a rule's dead letters again, oldest first.")
  static final class Redrive implements Callable<Integer> {
    @ParentCommand Hooks hooks;

    @Option(names = "--name", required = true)
    String name;

    @Override
    public Integer call() throws Exception {
      return hooks.call("RedriveDeadLetters", JSON.createObjectNode().put("name", name));
    }
  }
}
