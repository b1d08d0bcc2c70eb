package io.harbormaster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code harbormaster admin ...}: accounts and access keys, through the server's HarbormasterAdmin
 * actions, signed with an administrator's key (the default account's, from the env file `up`
 * writes, unless AWS_* variables say).
 */
@Command(
    name = "admin",
    description = "Manage accounts and access keys (needs an administrator's credentials).",
    subcommands = {AdminCommands.CreateAccount.class, AdminCommands.CreateAccessKey.class})
final class AdminCommands implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  // INHERIT: `admin create-account --name x --env FILE` works as well as `admin --env FILE
  // create-account ...`.
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

  @Override
  public Integer call() {
    picocli.CommandLine.usage(this, System.out);
    return 0;
  }

  @Command(
      name = "create-account",
      description = "Create an account (tenant) and its first access key.")
  static final class CreateAccount implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Option(names = "--name", required = true, description = "The account's name.")
    String name;

    @Option(names = "--account-id", description = "12 digits; random when absent.")
    String accountId;

    @Override
    public Integer call() throws Exception {
      ObjectNode input = JSON.createObjectNode().put("name", name);
      if (accountId != null) input.put("accountId", accountId);
      return admin.callAndPrint("CreateAccount", input);
    }
  }

  @Command(name = "create-access-key", description = "Issue another access key for an account.")
  static final class CreateAccessKey implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Option(names = "--account-id", required = true)
    String accountId;

    @Override
    public Integer call() throws Exception {
      return admin.callAndPrint(
          "CreateAccessKey", JSON.createObjectNode().put("accountId", accountId));
    }
  }

  int callAndPrint(String action, JsonNode input) throws Exception {
    return SignedCalls.callAndPrint(envFile, endpoint, "HarbormasterAdmin." + action, input);
  }
}
