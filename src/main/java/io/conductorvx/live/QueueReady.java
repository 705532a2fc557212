package io.conductorvx.live;

/**
 * The body of {@link LiveEvents#QUEUE_READY}: {@code queue} got {@code count} messages.
 * {@code relayed}: heard from another cluster member, so not passed on again. Sent by reference
 * (the local codec): a push publishes one per queue and every HTTP verticle's poller hears it.
 */
public record QueueReady(String queue, int count, boolean relayed) {}
