package io.conductorvx.error;

/** Short, one-line descriptions of backend failures, for messages an operator reads. */
public final class BackendFailure {
  private BackendFailure() {}

  /** The innermost cause's message on one line, without Netty's trailing address. */
  public static String describe(Throwable err) {
    Throwable root = err;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() != null ? root.getMessage() : err.getMessage();
    if (msg == null) {
      return root.getClass().getSimpleName();
    }
    // Netty says "Connection refused: /127.0.0.1:5432"; the caller already says where.
    int address = msg.indexOf(": /");
    return (address > 0 ? msg.substring(0, address) : msg).replace('\n', ' ').trim();
  }
}
