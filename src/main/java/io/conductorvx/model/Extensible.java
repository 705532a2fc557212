package io.conductorvx.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps JSON fields this server does not model, so definitions written by newer clients come back
 * unchanged when read. A definition may also be frozen: see {@link #freeze}.
 */
public abstract class Extensible {
  private Map<String, Object> unknownFields;
  @JsonIgnore
  private transient volatile SerializedString frozenJson;

  /**
   * Declares this object shared and never changed again (the engine's prepared definitions and
   * their nodes): its JSON is made once here, and {@link Json} writes those bytes from then on
   * instead of serializing the object each time it appears in a task or workflow.
   */
  public final void freeze() {
    frozenJson = new SerializedString(Json.toString(this));
  }

  /** The JSON made by {@link #freeze}, or null while this object is not frozen. */
  public final SerializableString frozenJson() {
    return frozenJson;
  }

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
