package io.conductorvx.engine;

/**
 * Sees every command {@link WorkflowEngine#send} routes to an owner partition, once it is answered
 * (metrics). Called on the sender's thread, from any event loop: it must be cheap, thread-safe and
 * must neither keep nor change what it is given.
 */
public interface CommandObserver {
  CommandObserver NONE = (partition, command, reply, failure, nanos) -> {};

  /**
   * @param reply   what the owner answered (null on failure)
   * @param failure why the command failed, or null
   * @param nanos   from sending the command to its answer
   */
  void answered(int partition, Command command, Object reply, Throwable failure, long nanos);
}
