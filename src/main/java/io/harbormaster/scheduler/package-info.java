/**
 * Task placement as pure functions, readable in one sentence: feasibility filters reject the
 * instances that cannot take the task (each with the reason ECS reports), strategies rank the rest,
 * and the best is picked.
 *
 * <p>Input is an immutable {@link io.harbormaster.scheduler.ClusterSnapshot}; output is a {@link
 * io.harbormaster.scheduler.PlacementResult}. Nothing here does I/O or knows about actors: the
 * placement actor keeps the snapshot fresh and asks the chosen ContainerInstance to reserve.
 *
 * <ul>
 *   <li>{@code filter/} one class per feasibility rule ({@code RESOURCE:CPU}, {@code AGENT}, …)
 *   <li>{@code strategy/} binpack, spread and random, each scoring candidates 0–100
 *   <li>{@code query/} the cluster query language of {@code memberOf} constraints
 * </ul>
 */
package io.harbormaster.scheduler;
