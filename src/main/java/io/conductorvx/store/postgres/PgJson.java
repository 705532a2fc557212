package io.conductorvx.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import io.conductorvx.model.Json;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;

/** Model objects to and from the JSON text of json columns, with the server's one mapper. */
final class PgJson {
  private PgJson() {}

  static String write(Object value) {
    return Json.toString(value);
  }

  /** Reads our own rows; a failure is corruption or a bug, not bad input, hence not a 4xx. */
  static <T> T read(String json, Class<T> type) {
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored " + type.getSimpleName() + " is not readable: " + e.getOriginalMessage(), e);
    }
  }

  static <T> List<T> readList(String json, Class<T> elementType) {
    JavaType type = Json.MAPPER.getTypeFactory().constructCollectionType(ArrayList.class, elementType);
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored " + elementType.getSimpleName() + " list is not readable: " + e.getOriginalMessage(), e);
    }
  }

  /** The first row's first column read as {@code type}, or null without rows. */
  static <T> T first(RowSet<Row> rows, Class<T> type) {
    var it = rows.iterator();
    return it.hasNext() ? read(it.next().getString(0), type) : null;
  }

  /** Every row's first column read as {@code type}. */
  static <T> List<T> all(RowSet<Row> rows, Class<T> type) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(read(row.getString(0), type));
    }
    return out;
  }
}
