package io.harbormaster.scheduler;

/**
 * Why one container instance could not take a task, shaped like an entry of RunTask's {@code
 * failures[]}: the instance's ARN and the ECS reason ({@code RESOURCE:MEMORY}, {@code AGENT}, …).
 */
public record PlacementFailure(String arn, String reason) {}
