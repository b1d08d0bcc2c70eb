package io.harbormaster.agent.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Link;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.VolumesFrom;
import io.harbormaster.agent.runtime.ContainerSpec;
import io.harbormaster.agent.runtime.ContainerSpec.LinuxParameters;
import io.harbormaster.agent.runtime.ContainerSpec.Mount;
import io.harbormaster.agent.runtime.ContainerSpec.PortMapping;
import io.harbormaster.agent.runtime.ContainerSpec.RuntimeOptions;
import io.harbormaster.agent.runtime.TaskNetworkSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ContainerSpec} → Docker's create request (config + HostConfig). Pure apart from the
 * command object.
 */
final class DockerContainerConfig {

  private static final long MIB = 1024L * 1024L;

  private DockerContainerConfig() {}

  static CreateContainerCmd createCommand(
      DockerClient client, ContainerSpec spec, TaskNetworkSettings network) {
    return configure(client.createContainerCmd(spec.image()), spec, network);
  }

  static CreateContainerCmd configure(
      CreateContainerCmd create, ContainerSpec spec, TaskNetworkSettings network) {
    create
        .withLabels(spec.allLabels())
        .withExposedPorts(exposedPorts(spec))
        .withHostConfig(hostConfig(spec, network))
        .withStopTimeout(
            (int) Math.min(Integer.MAX_VALUE, DockerRuntime.ceilSeconds(spec.stopTimeout())));
    if (spec.name() != null) {
      create.withName(spec.name());
    }
    // empty lists are left out so the image's own CMD / ENTRYPOINT apply
    if (!spec.command().isEmpty()) {
      create.withCmd(spec.command());
    }
    if (!spec.entryPoint().isEmpty()) {
      create.withEntrypoint(spec.entryPoint());
    }
    if (!spec.env().isEmpty()) {
      create.withEnv(spec.env());
    }
    if (spec.workingDirectory() != null) {
      create.withWorkingDir(spec.workingDirectory());
    }
    if (spec.user() != null) {
      create.withUser(spec.user());
    }
    if (spec.healthCheck() != null) {
      create.withHealthcheck(healthCheck(spec.healthCheck()));
    }
    RuntimeOptions options = spec.options();
    // An awsvpc container joins its pause container's namespace, whose hostname, DNS, hosts file
    // and links Docker will not let it set (ECS refuses these members for awsvpc too).
    if (options.hostname() != null && !joinsNamespace(spec)) {
      create.withHostName(options.hostname());
    }
    if (options.networkDisabled()) {
      create.withNetworkDisabled(true);
    }
    if (options.interactive()) {
      create.withStdinOpen(true);
    }
    if (options.pseudoTerminal()) {
      create.withTty(true);
    }
    return create;
  }

  static com.github.dockerjava.api.model.HealthCheck healthCheck(ContainerSpec.HealthCheck check) {
    return new com.github.dockerjava.api.model.HealthCheck()
        .withTest(check.command())
        .withInterval(check.intervalNanos())
        .withTimeout(check.timeoutNanos())
        .withRetries(check.retries())
        .withStartPeriod(check.startPeriodNanos());
  }

  static HostConfig hostConfig(ContainerSpec spec, TaskNetworkSettings network) {
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode(dockerNetworkMode(spec, network))
            .withCpuShares(spec.cpuShares())
            .withReadonlyRootfs(spec.readonlyRootFilesystem())
            .withLogConfig(
                new LogConfig(LogConfig.LoggingType.JSON_FILE, spec.logConfiguration().options()));
    if (spec.memoryHardMiB() != null) {
      host.withMemory(spec.memoryHardMiB() * MIB);
    }
    if (spec.memoryReservationMiB() != null) {
      host.withMemoryReservation(spec.memoryReservationMiB() * MIB);
    }
    if (spec.networkMode() == ContainerSpec.NetworkMode.BRIDGE && !spec.portMappings().isEmpty()) {
      host.withPortBindings(portBindings(spec.portMappings(), network.hostBindIp()));
    }
    if (!spec.mounts().isEmpty()) {
      host.withBinds(binds(spec.mounts()));
    }
    runtimeOptions(host, spec);
    if (!spec.ulimits().isEmpty()) {
      host.withUlimits(
          spec.ulimits().stream()
              .map(limit -> new Ulimit(limit.name(), limit.softLimit(), limit.hardLimit()))
              .toList());
    }
    return host;
  }

  private static boolean joinsNamespace(ContainerSpec spec) {
    return spec.networkMode() == ContainerSpec.NetworkMode.AWSVPC;
  }

  private static void runtimeOptions(HostConfig host, ContainerSpec spec) {
    RuntimeOptions options = spec.options();
    if (options.privileged()) {
      host.withPrivileged(true);
    }
    if (!options.links().isEmpty() && !joinsNamespace(spec)) {
      host.withLinks(
          options.links().stream().map(link -> new Link(link.container(), link.alias())).toList());
    }
    if (!options.volumesFrom().isEmpty()) {
      host.withVolumesFrom(
          options.volumesFrom().stream()
              .map(
                  from ->
                      new VolumesFrom(
                          from.container(), from.readOnly() ? AccessMode.ro : AccessMode.rw))
              .toList());
    }
    if (!options.dnsServers().isEmpty() && !joinsNamespace(spec)) {
      host.withDns(options.dnsServers());
    }
    if (!options.dnsSearchDomains().isEmpty() && !joinsNamespace(spec)) {
      host.withDnsSearch(options.dnsSearchDomains());
    }
    if (!options.extraHosts().isEmpty() && !joinsNamespace(spec)) {
      host.withExtraHosts(options.extraHosts().toArray(String[]::new));
    }
    if (!options.securityOptions().isEmpty()) {
      host.withSecurityOpts(options.securityOptions());
    }
    if (!options.sysctls().isEmpty()) {
      host.withSysctls(options.sysctls());
    }
    if (options.gpus() > 0) {
      host.withDeviceRequests(
          List.of(
              new DeviceRequest()
                  .withCount(options.gpus())
                  .withCapabilities(List.of(List.of("gpu")))));
    }
    LinuxParameters linux = options.linux();
    if (!linux.capabilitiesAdded().isEmpty()) {
      host.withCapAdd(capabilities(linux.capabilitiesAdded()));
    }
    if (!linux.capabilitiesDropped().isEmpty()) {
      host.withCapDrop(capabilities(linux.capabilitiesDropped()));
    }
    if (!linux.devices().isEmpty()) {
      host.withDevices(
          linux.devices().stream()
              .map(
                  device ->
                      new Device(device.permissions(), device.containerPath(), device.hostPath()))
              .toList());
    }
    if (linux.init()) {
      host.withInit(true);
    }
    if (!linux.tmpfs().isEmpty()) {
      host.withTmpFs(linux.tmpfs());
    }
    if (linux.sharedMemoryMiB() != null) {
      host.withShmSize(linux.sharedMemoryMiB() * MIB);
    }
    if (linux.maxSwapMiB() != null && spec.memoryHardMiB() != null) {
      // Docker's MemorySwap is memory and swap together
      host.withMemorySwap((spec.memoryHardMiB() + (long) linux.maxSwapMiB()) * MIB);
      if (linux.swappiness() != null) {
        host.withMemorySwappiness(linux.swappiness().longValue());
      }
    }
  }

  /** ECS's capability names are Docker's without {@code CAP_}; {@code ALL} is one too. */
  private static Capability[] capabilities(List<String> names) {
    Capability[] capabilities = new Capability[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).toUpperCase(java.util.Locale.ROOT);
      try {
        capabilities[i] = Capability.valueOf(name.startsWith("CAP_") ? name.substring(4) : name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown Linux capability " + names.get(i), e);
      }
    }
    return capabilities;
  }

  /**
   * Bridge mode: the agent's task network; awsvpc: the network namespace of the task's pause
   * container (which is on the task network).
   */
  static String dockerNetworkMode(ContainerSpec spec, TaskNetworkSettings network) {
    return switch (spec.networkMode()) {
      case HOST -> "host";
      case NONE -> "none";
      case BRIDGE -> network.network();
      case AWSVPC -> {
        if (spec.networkNamespaceOf() == null) {
          throw new IllegalArgumentException(
              "an awsvpc container needs its task's pause container");
        }
        yield "container:" + spec.networkNamespaceOf();
      }
    };
  }

  /**
   * Bridge mode, published on {@code hostIp} only: host port 0 is published without a port, so the
   * engine picks a free one at start.
   */
  static Ports portBindings(List<PortMapping> mappings, String hostIp) {
    Ports ports = new Ports();
    for (PortMapping mapping : mappings) {
      ports.bind(
          exposedPort(mapping),
          mapping.dynamicHostPort()
              ? Ports.Binding.bindIp(hostIp)
              : Ports.Binding.bindIpAndPort(hostIp, mapping.hostPort()));
    }
    return ports;
  }

  static List<Bind> binds(List<Mount> mounts) {
    List<Bind> binds = new ArrayList<>();
    for (Mount mount : mounts) {
      binds.add(
          new Bind(
              mount.source().source(),
              new Volume(mount.containerPath()),
              mount.readOnly() ? AccessMode.ro : AccessMode.rw));
    }
    return binds;
  }

  /** None in awsvpc mode: Docker refuses exposed ports in another container's namespace. */
  private static List<ExposedPort> exposedPorts(ContainerSpec spec) {
    if (spec.networkMode() == ContainerSpec.NetworkMode.AWSVPC) {
      return List.of();
    }
    return spec.portMappings().stream().map(DockerContainerConfig::exposedPort).distinct().toList();
  }

  private static ExposedPort exposedPort(PortMapping mapping) {
    return switch (mapping.protocol()) {
      case TCP -> ExposedPort.tcp(mapping.containerPort());
      case UDP -> ExposedPort.udp(mapping.containerPort());
    };
  }
}
