package io.conductorvx.validation;

import io.conductorvx.tasks.script.ScriptEvaluator;

/**
 * Parses scripts with the engine that will run them, so a definition that could
 * never run is refused when it is registered. Setting the engine up takes a moment: only call
 * this off the event loop (validation runs on a worker thread).
 */
final class Syntax {
  private Syntax() {}

  /** The syntax error of a JavaScript source, or null when it parses. */
  static String javaScript(String source) {
    return ScriptEvaluator.shared().syntaxError(source);
  }
}
