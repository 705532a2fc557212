package io.conductorvx.tasks;

import io.conductorvx.model.WorkflowTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DECISION (legacy SWITCH): {@code caseExpression} (a script over {@code $} = the input) or
 * {@code caseValueParam} (an input parameter name) gives the case; output {@code {caseOutput: [case]}}.
 */
public final class DecisionTask extends CaseSelectingTask {
  @Override
  public String type() {
    return "DECISION";
  }

  @Override
  String invalid(WorkflowTask node) {
    boolean hasScript = node.caseExpression != null && !node.caseExpression.isBlank();
    boolean hasParam = node.caseValueParam != null && !node.caseValueParam.isBlank();
    return hasScript || hasParam ? null
        : "DECISION " + node.taskReferenceName + " needs a caseValueParam or a caseExpression";
  }

  @Override
  String caseScript(WorkflowTask node) {
    return node.caseExpression != null && !node.caseExpression.isBlank() ? node.caseExpression : null;
  }

  @Override
  String caseParameter(WorkflowTask node) {
    return node.caseValueParam;
  }

  @Override
  Map<String, Object> output(String caseValue) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("caseOutput", List.of(caseValue));
    return out;
  }
}
