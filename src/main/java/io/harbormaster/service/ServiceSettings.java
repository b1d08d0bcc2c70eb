package io.harbormaster.service;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How often a service looks at its world without news, and how long it waits for things that should
 * have happened.
 *
 * @param reconcileInterval how often a service runs its reconciler without a task notification
 *     (instances joining, draining or losing their agent reach services this way at the latest)
 * @param taskRefreshInterval how often a service asks its live tasks for their state, so a lost
 *     notification heals
 * @param lostHostTimeout how long an instance's agent may stay disconnected before its service
 *     tasks are replaced
 * @param recreateAfter a launched task whose Task entity still does not exist this long after the
 *     launch (the node crashed between recording the launch and creating the task) is created again
 * @param repeatedEventInterval the same service event (e.g. a placement failure) is recorded again
 *     only after this
 * @param launchBatchSize at most this many tasks go to placement at once; the rest follow when they
 *     are recorded (one placement of thousands of tasks outlasts the ask timeout, and its
 *     reservations outlive the timed-out launch)
 */
public record ServiceSettings(
    Duration reconcileInterval,
    Duration taskRefreshInterval,
    Duration lostHostTimeout,
    Duration recreateAfter,
    Duration repeatedEventInterval,
    int launchBatchSize) {

  public static final int DEFAULT_LAUNCH_BATCH_SIZE = 500;

  public ServiceSettings(
      Duration reconcileInterval,
      Duration taskRefreshInterval,
      Duration lostHostTimeout,
      Duration recreateAfter,
      Duration repeatedEventInterval) {
    this(
        reconcileInterval,
        taskRefreshInterval,
        lostHostTimeout,
        recreateAfter,
        repeatedEventInterval,
        DEFAULT_LAUNCH_BATCH_SIZE);
  }

  public static ServiceSettings from(Config config) {
    Config c = config.getConfig("harbormaster.service");
    return new ServiceSettings(
        c.getDuration("reconcile-interval"),
        c.getDuration("task-refresh-interval"),
        c.getDuration("lost-host-timeout"),
        c.getDuration("recreate-after"),
        c.getDuration("repeated-event-interval"),
        c.getInt("launch-batch-size"));
  }
}
