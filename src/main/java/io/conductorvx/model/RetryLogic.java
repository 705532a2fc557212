package io.conductorvx.model;

/** How the delay before a retry grows with the attempt number. */
public enum RetryLogic {
  FIXED,
  EXPONENTIAL_BACKOFF,
  LINEAR_BACKOFF
}
