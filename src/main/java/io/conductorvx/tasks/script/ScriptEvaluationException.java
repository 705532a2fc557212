package io.conductorvx.tasks.script;

/** A script (or jq query) that could not produce a result: a script error, or its time limit ran out. */
public final class ScriptEvaluationException extends RuntimeException {
  private final boolean timedOut;

  public ScriptEvaluationException(String message, boolean timedOut) {
    super(message, null, false, false);
    this.timedOut = timedOut;
  }

  public static ScriptEvaluationException timeout(long limitMs) {
    return new ScriptEvaluationException("Script evaluation timed out: it ran longer than the limit of " + limitMs + " ms", true);
  }

  /** True when the time limit stopped it (Conductor fails such a task with a retriable FAILED). */
  public boolean timedOut() {
    return timedOut;
  }
}
