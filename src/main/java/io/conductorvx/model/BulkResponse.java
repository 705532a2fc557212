package io.conductorvx.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Outcome of a bulk operation: each id succeeded or failed on its own. */
public record BulkResponse(List<Object> bulkSuccessfulResults, Map<String, String> bulkErrorResults, String message) {
  public BulkResponse() {
    this(new ArrayList<>(), new LinkedHashMap<>(), "Bulk Request has been processed.");
  }
}
