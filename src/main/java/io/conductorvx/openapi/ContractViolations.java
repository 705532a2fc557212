package io.conductorvx.openapi;

import io.conductorvx.error.ConductorException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a vertx-openapi validation failure into Conductor's validation error: message "Validation
 * failed, check below errors for detail." and one {path, message} per problem, the path naming the
 * parameter (its name) or the body field ({@code body.tasks.0.name}).
 */
final class ContractViolations {
  // vertx-openapi names the parameter in its messages: "... query parameter count ..."
  private static final Pattern PARAMETER = Pattern.compile("(?:path|query|header|cookie) parameter (\\S+?)[.,]?(?:\\s|$)");

  private ContractViolations() {}

  static ConductorException toConductor(ValidatorException e) {
    String where = where(e);
    List<ConductorException.Violation> items = new ArrayList<>();
    if (e instanceof SchemaValidationException se && se.getOutputUnit() != null) {
      collect(se.getOutputUnit(), where, e.getMessage(), items);
    }
    if (items.size() > 1) {
      // "Property x does not match schema" only wraps the errors listed beside it
      items.removeIf(v -> v.message().contains("does not match schema"));
    }
    if (items.isEmpty()) {
      items.add(new ConductorException.Violation(where, e.getMessage()));
    }
    return ConductorException.violations(items);
  }

  private static String where(ValidatorException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    Matcher m = PARAMETER.matcher(message);
    if (m.find()) {
      return m.group(1);
    }
    return message.contains("body") || message.contains("content type") ? "body" : "request";
  }

  /** The innermost errors, each at its place in the value. */
  private static void collect(OutputUnit unit, String where, String context, List<ConductorException.Violation> out) {
    List<OutputUnit> nested = unit.getErrors();
    if (nested != null && !nested.isEmpty()) {
      for (OutputUnit child : nested) {
        collect(child, where, context, out);
      }
      return;
    }
    if (unit.getError() == null) {
      return;
    }
    String at = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation().replaceFirst("^#", "");
    String path = at.isEmpty() || "/".equals(at) ? where : where + at.replace('/', '.');
    String rule = unit.getKeywordLocation() == null ? "" : " (rule " + unit.getKeywordLocation() + ")";
    String message = "body".equals(where) ? unit.getError() + rule : context;
    out.add(new ConductorException.Violation(path, message));
  }
}
