package io.conductorvx.tasks;

import io.conductorvx.model.WorkflowTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SWITCH: {@code evaluatorType} value-param ({@code expression} names an input parameter) or
 * javascript/graaljs ({@code expression} is a script over {@code $} = the input). The result, as a
 * string, picks {@code decisionCases[result]} or {@code defaultCase}; output
 * {@code {evaluationResult: [case], selectedCase: case}}.
 */
public final class SwitchTask extends CaseSelectingTask {
  @Override
  public String type() {
    return "SWITCH";
  }

  @Override
  String invalid(WorkflowTask node) {
    String t = evaluatorType(node);
    if (!SystemTaskSupport.VALUE_PARAM.equals(t) && !SystemTaskSupport.isJavaScript(t)) {
      return "Evaluator type " + t + " of SWITCH " + node.taskReferenceName
          + " is not supported (supported: value-param, javascript, graaljs)";
    }
    return node.expression == null || node.expression.isBlank()
        ? "SWITCH " + node.taskReferenceName + " has no expression" : null;
  }

  @Override
  String caseScript(WorkflowTask node) {
    return SystemTaskSupport.isJavaScript(evaluatorType(node)) ? node.expression : null;
  }

  @Override
  String caseParameter(WorkflowTask node) {
    return node.expression;
  }

  @Override
  Map<String, Object> output(String caseValue) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("evaluationResult", List.of(caseValue));
    out.put("selectedCase", caseValue);
    return out;
  }

  private static String evaluatorType(WorkflowTask node) {
    return node.evaluatorType == null || node.evaluatorType.isBlank() ? SystemTaskSupport.VALUE_PARAM : node.evaluatorType;
  }
}
