package io.conductorvx.store;

/**
 * The ownership a write is made under: the workflow's cluster partition and the epoch of the lease
 * its writer holds. A store that knows partitions (PostgreSQL) refuses the write, in the same
 * transaction, when the partition's epoch has moved on ({@link FencedWriteException}).
 */
public record Fence(int partition, long epoch) {}
