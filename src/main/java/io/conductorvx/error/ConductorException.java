package io.conductorvx.error;

/**
 * The one error type of the server. It carries the HTTP status the API answers with, so every
 * layer can fail with the right code and only the API's error handler turns it into a response.
 */
public class ConductorException extends RuntimeException {
  private final int status;
  private final boolean retryable;
  private final java.util.List<Violation> validationErrors;

  /** One broken rule of a request: where ({@code path}, e.g. {@code tasks[2].sink}) and what. */
  public record Violation(String path, String message) {
    /** Reads the "path: message" form; text without a path becomes a message with an empty path. */
    public static Violation parse(String problem) {
      int colon = problem.indexOf(": ");
      return colon > 0 && problem.lastIndexOf(' ', colon - 1) < 0
          ? new Violation(problem.substring(0, colon), problem.substring(colon + 2))
          : new Violation("", problem);
    }
  }

  public ConductorException(int status, String message, boolean retryable) {
    super(message, null, false, false);
    this.status = status;
    this.retryable = retryable;
    this.validationErrors = java.util.List.of();
  }

  private ConductorException(java.util.List<Violation> violations, boolean ignored) {
    super("Validation failed, check below errors for detail.", null, false, false);
    this.status = 400;
    this.retryable = false;
    this.validationErrors = java.util.List.copyOf(violations);
  }

  public ConductorException(int status, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
    this.retryable = status == 503;
    this.validationErrors = java.util.List.of();
  }

  /** A 400 listing every rule the input broke, each as "path: message". */
  public static ConductorException invalid(java.util.List<String> problems) {
    return new ConductorException(problems.stream().map(Violation::parse).toList(), true);
  }

  /** A 400 listing every rule the input broke, each with its own path. */
  public static ConductorException violations(java.util.List<Violation> violations) {
    return new ConductorException(violations, true);
  }

  public static ConductorException badRequest(String message) {
    return new ConductorException(400, message, false);
  }

  public static ConductorException notFound(String message) {
    return new ConductorException(404, message, false);
  }

  public static ConductorException conflict(String message) {
    return new ConductorException(409, message, false);
  }

  /** A backend could not be reached or answered with an error: the caller may try again. */
  public static ConductorException unavailable(String message, Throwable cause) {
    return new ConductorException(503, message, cause);
  }

  public int status() {
    return status;
  }

  public boolean retryable() {
    return retryable;
  }

  public java.util.List<Violation> validationErrors() {
    return validationErrors;
  }
}
