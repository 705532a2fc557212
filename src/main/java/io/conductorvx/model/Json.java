package io.conductorvx.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.conductorvx.error.ConductorException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The one JSON mapper of the server, configured as Conductor's is: unknown fields ignored, nulls omitted. */
public final class Json {
  /**
   * How deep a request body may nest. Our documents hold request values a few levels down (a
   * workflow its input, its tasks theirs), so this stays below Jackson's default limit of 1000:
   * what we store and answer remains readable by clients that keep that default.
   */
  private static final int REQUEST_MAX_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH - 100;
  /** Our own documents: whatever a request was allowed to carry must still be writable and readable. */
  private static final int DOCUMENT_MAX_DEPTH = 2 * StreamReadConstraints.DEFAULT_MAX_DEPTH;

  public static final ObjectMapper MAPPER = build(DOCUMENT_MAX_DEPTH, false);
  /** Reads request bodies: one JSON document and nothing after it, at most REQUEST_MAX_DEPTH deep. */
  private static final ObjectMapper REQUESTS = build(REQUEST_MAX_DEPTH, true);

  private Json() {}

  private static ObjectMapper build(int maxDepth, boolean request) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
        .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(maxDepth).build())
        .build();
    ObjectMapper m = JsonMapper.builder(factory)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, request)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .addMixIn(WorkflowTask.class, WorkflowTaskChildren.class)
        .addModule(new com.fasterxml.jackson.module.afterburner.AfterburnerModule())
        .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("frozen-json").setSerializerModifier(FrozenJsonSerializer.MODIFIER))
        .build();
    // "" for a number or an enum is a client mistake, not a null.
    m.coercionConfigFor(LogicalType.Enum).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    return m;
  }

  /**
   * A null list of child tasks means none, as an absent one does; a null case or fork branch is
   * not a list of tasks and makes the body invalid.
   */
  private abstract static class WorkflowTaskChildren {
    @JsonSetter(nulls = Nulls.AS_EMPTY, contentNulls = Nulls.FAIL)
    Map<String, List<WorkflowTask>> decisionCases;

    @JsonSetter(nulls = Nulls.AS_EMPTY)
    List<WorkflowTask> defaultCase;

    @JsonSetter(nulls = Nulls.AS_EMPTY, contentNulls = Nulls.FAIL)
    List<List<WorkflowTask>> forkTasks;

    @JsonSetter(nulls = Nulls.AS_EMPTY)
    List<WorkflowTask> loopOver;
  }

  public static byte[] toBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  public static String toString(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /** Reads trusted bytes (our own stores); a failure here is a bug or corruption, not bad input. */
  public static <T> T fromBytes(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new IllegalStateException("Stored " + type.getSimpleName() + " is not readable: " + e.getMessage(), e);
    }
  }

  /** Reads trusted text (our own stores), as {@link #fromBytes}. */
  public static <T> T fromText(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new IllegalStateException("Stored " + type.getSimpleName() + " is not readable: " + e.getMessage(), e);
    }
  }

  /** Reads a request body; malformed JSON or wrong types become a 400. */
  public static <T> T parseRequest(byte[] bytes, Class<T> type) {
    try {
      T value = REQUESTS.readValue(bytes, type);
      if (value == null) {
        throw ConductorException.badRequest("Request body must not be empty");
      }
      return value;
    } catch (IOException e) {
      throw ConductorException.badRequest("Invalid request body: " + describe(e));
    }
  }

  public static <T> T parseRequest(byte[] bytes, TypeReference<T> type) {
    try {
      T value = REQUESTS.readValue(bytes, type);
      if (value == null) {
        throw ConductorException.badRequest("Request body must not be empty");
      }
      return value;
    } catch (IOException e) {
      throw ConductorException.badRequest("Invalid request body: " + describe(e));
    }
  }

  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(Object value) {
    return MAPPER.convertValue(value, Map.class);
  }

  /** A deep copy through JSON: the copy shares nothing with the original. */
  public static <T> T copy(T value, Class<T> type) {
    return fromBytes(toBytes(value), type);
  }

  /** A deep copy of JSON-like data (empty for null), so two workflows never share a mutable map. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> copyMap(Map<?, ?> map) {
    return map == null || map.isEmpty() ? new java.util.LinkedHashMap<>() : copy(new java.util.LinkedHashMap<>(map), java.util.LinkedHashMap.class);
  }

  private static String describe(IOException e) {
    String msg = e.getMessage();
    if (msg == null) {
      return e.getClass().getSimpleName();
    }
    int cut = msg.indexOf("\n at [Source");
    if (cut > 0) {
      msg = msg.substring(0, cut);
    }
    return msg.length() > 300 ? msg.substring(0, 300) + "…" : msg;
  }
}
