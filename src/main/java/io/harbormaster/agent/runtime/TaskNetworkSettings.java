package io.harbormaster.agent.runtime;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where the agent's {@code bridge} and {@code awsvpc} tasks live on the host: a Docker bridge
 * network the agent creates itself, the address published ports are bound to, and the image of the
 * pause container that holds an awsvpc task's network namespace.
 *
 * <p>The defaults keep everything on the machine: a link-local subnet (clear of 169.254.169.254 and
 * 169.254.170.2, the addresses AWS gives the instance and task metadata services) and ports
 * published on loopback only. A real host sets its own subnet and binds to 0.0.0.0 to be reachable.
 *
 * @param network the Docker network's name; {@code bridge} is the engine's own default bridge,
 *     which the agent uses as it is and never creates
 * @param subnet the network's IPv4 subnet in CIDR notation
 * @param gateway the host's address on it (the subnet's first address unless given)
 * @param bridgeInterface the name of the bridge device on the host
 * @param hostBindIp the host address that bridge-mode container ports are published on
 * @param pauseImage the image of awsvpc tasks' pause containers: it needs {@code sh} and {@code
 *     sleep} (any busybox); pulled when absent like a task's image
 */
public record TaskNetworkSettings(
    String network,
    String subnet,
    String gateway,
    String bridgeInterface,
    String hostBindIp,
    String pauseImage) {

  public static final String DEFAULT_NETWORK = "harbormaster";
  public static final String DEFAULT_SUBNET = "169.254.123.0/24";
  public static final String DEFAULT_BRIDGE_INTERFACE = "hm0";
  public static final String DEFAULT_HOST_BIND_IP = "127.0.0.1";
  public static final String DEFAULT_PAUSE_IMAGE = "busybox:1.36";

  /** The name of the engine's default network, which exists without the agent's help. */
  public static final String DOCKER_DEFAULT_BRIDGE = "bridge";

  public static final TaskNetworkSettings DEFAULT =
      of(
          DEFAULT_NETWORK,
          DEFAULT_SUBNET,
          DEFAULT_BRIDGE_INTERFACE,
          DEFAULT_HOST_BIND_IP,
          DEFAULT_PAUSE_IMAGE);

  public TaskNetworkSettings {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(hostBindIp, "hostBindIp");
    Objects.requireNonNull(pauseImage, "pauseImage");
    if (createdByAgent(network)) { // else the engine's bridge: its subnet is the engine's
      checkTaskNetwork(subnet, gateway, bridgeInterface);
    }
  }

  private static void checkTaskNetwork(String subnet, String gateway, String bridgeInterface) {
    Objects.requireNonNull(subnet, "subnet");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(bridgeInterface, "bridgeInterface");
    Cidr cidr = Cidr.parse(subnet);
    if (!cidr.contains(ipv4(gateway))) {
      throw new IllegalArgumentException("gateway " + gateway + " is not in subnet " + subnet);
    }
    if (bridgeInterface.isEmpty() || bridgeInterface.length() > 15) {
      throw new IllegalArgumentException(
          "a bridge interface name has 1 to 15 characters: " + bridgeInterface);
    }
  }

  /** Settings whose gateway is the subnet's first address. */
  public static TaskNetworkSettings of(
      String network, String subnet, String bridgeInterface, String hostBindIp, String pauseImage) {
    String gateway =
        createdByAgent(network) ? Cidr.parse(subnet).firstHost() : null; // engine's bridge: none
    return new TaskNetworkSettings(
        network, subnet, gateway, bridgeInterface, hostBindIp, pauseImage);
  }

  /** Whether the agent creates the network (any but the engine's default bridge). */
  public boolean createdByAgent() {
    return createdByAgent(network);
  }

  private static boolean createdByAgent(String network) {
    return !DOCKER_DEFAULT_BRIDGE.equals(network);
  }

  private static int ipv4(String address) {
    try {
      InetAddress parsed = InetAddress.getByName(address);
      if (!(parsed instanceof Inet4Address) || !address.matches("[0-9.]+")) {
        throw new IllegalArgumentException("not an IPv4 address: " + address);
      }
      byte[] b = parsed.getAddress();
      return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv4 address: " + address, e);
    }
  }

  /** An IPv4 subnet: its network address and prefix length. */
  record Cidr(int network, int prefix) {
    static Cidr parse(String cidr) {
      int slash = cidr.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("a subnet in CIDR notation (a.b.c.d/n): " + cidr);
      }
      int prefix;
      try {
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a subnet in CIDR notation (a.b.c.d/n): " + cidr, e);
      }
      if (prefix < 8 || prefix > 30) {
        throw new IllegalArgumentException("a subnet's prefix is within /8../30: " + cidr);
      }
      int address = ipv4(cidr.substring(0, slash));
      int mask = mask(prefix);
      if ((address & ~mask) != 0) {
        throw new IllegalArgumentException("host bits are set in subnet " + cidr);
      }
      return new Cidr(address, prefix);
    }

    boolean contains(int address) {
      return (address & mask(prefix)) == network && address != network && address != broadcast();
    }

    String firstHost() {
      return format(network + 1);
    }

    private int broadcast() {
      return network | ~mask(prefix);
    }

    private static int mask(int prefix) {
      return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static String format(int a) {
      return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }
  }
}
