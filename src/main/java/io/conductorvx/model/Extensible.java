package io.conductorvx.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps JSON fields this server does not model, so definitions written by newer clients come back
 * unchanged when read.
 */
public abstract class Extensible {
  private Map<String, Object> unknownFields;

  @JsonAnySetter
  public void setUnknownField(String name, Object value) {
    if (unknownFields == null) {
      unknownFields = new LinkedHashMap<>();
    }
    unknownFields.put(name, value);
  }

  @JsonAnyGetter
  public Map<String, Object> unknownFields() {
    return unknownFields == null ? Map.of() : unknownFields;
  }
}
