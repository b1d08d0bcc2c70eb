package io.harbormaster.api.ecs;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The table X-Amz-Target dispatches on: action name to handler. */
public final class EcsOperations {
  /**
   * Harbormaster's own administrative actions (accounts, keys) share the endpoint under this target
   * prefix.
   */
  public static final String ADMIN_PREFIX = "HarbormasterAdmin";

  private final Map<String, EcsOperation> byName = new TreeMap<>();
  private final Map<String, EcsOperation> adminByName = new TreeMap<>();

  /**
   * Harbormaster's own per-account actions (HarbormasterHistory.*, HarbormasterEvents.*), by full
   * target.
   */
  private final Map<String, EcsOperation> extensionsByTarget = new TreeMap<>();

  public EcsOperations register(String name, EcsOperation operation) {
    if (EcsApiModel.get().operation(name).isEmpty()) {
      throw new IllegalArgumentException("not an ECS operation: " + name);
    }
    if (byName.putIfAbsent(name, operation) != null) {
      throw new IllegalArgumentException("registered twice: " + name);
    }
    return this;
  }

  public EcsOperations registerAdmin(String name, EcsOperation operation) {
    if (adminByName.putIfAbsent(name, operation) != null) {
      throw new IllegalArgumentException("registered twice: " + name);
    }
    return this;
  }

  /** An action any account may call on its own resources, under a prefix of Harbormaster's own. */
  public EcsOperations registerExtension(String prefix, String name, EcsOperation operation) {
    if (prefix.equals(ADMIN_PREFIX)
        || extensionsByTarget.putIfAbsent(prefix + "." + name, operation) != null) {
      throw new IllegalArgumentException("registered twice: " + prefix + "." + name);
    }
    return this;
  }

  public Optional<EcsOperation> findExtension(String target) {
    return Optional.ofNullable(extensionsByTarget.get(target));
  }

  public Optional<EcsOperation> findAdmin(String name) {
    return Optional.ofNullable(adminByName.get(name));
  }

  public Optional<EcsOperation> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public java.util.Set<String> names() {
    return byName.keySet();
  }
}
