package io.conductorvx.error;

/**
 * The one error type of the server. It carries the HTTP status the API answers with, so every
 * layer can fail with the right code and only the API's error handler turns it into a response.
 */
public class ConductorException extends RuntimeException {
  private final int status;
  private final boolean retryable;
  private final java.util.List<String> validationErrors;

  public ConductorException(int status, String message, boolean retryable) {
    super(message, null, false, false);
    this.status = status;
    this.retryable = retryable;
    this.validationErrors = java.util.List.of();
  }

  private ConductorException(java.util.List<String> problems) {
    super("Validation failed, check below errors for detail.", null, false, false);
    this.status = 400;
    this.retryable = false;
    this.validationErrors = java.util.List.copyOf(problems);
  }

  public ConductorException(int status, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
    this.retryable = status == 503;
    this.validationErrors = java.util.List.of();
  }

  /** A 400 listing every rule the input broke, each as "path: message". */
  public static ConductorException invalid(java.util.List<String> problems) {
    return new ConductorException(problems);
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

  public java.util.List<String> validationErrors() {
    return validationErrors;
  }
}
