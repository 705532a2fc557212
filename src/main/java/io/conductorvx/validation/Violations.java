package io.conductorvx.validation;

import io.conductorvx.error.ConductorException.Violation;
import java.util.ArrayList;
import java.util.List;

/** Collects every broken rule of one definition, each at its path, so all are reported at once. */
final class Violations {
  private final List<Violation> list = new ArrayList<>();

  void add(String path, String message) {
    list.add(new Violation(path, message));
  }

  void addAll(String prefix, List<Violation> nested) {
    for (Violation v : nested) {
      list.add(new Violation(v.path().isEmpty() ? prefix : prefix + "." + v.path(), v.message()));
    }
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  List<Violation> list() {
    return List.copyOf(list);
  }
}
