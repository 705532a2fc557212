package io.conductorvx.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.json.JsonGeneratorImpl;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import java.io.IOException;

/**
 * Writes a frozen {@link Extensible} as the JSON it was frozen with, and any other one as usual.
 * Only into a JSON text: a token buffer (convertValue, valueToTree) gets the object's fields, since
 * raw text there would not read back as the object.
 */
final class FrozenJsonSerializer extends JsonSerializer<Object> implements ContextualSerializer, ResolvableSerializer {
  /** Wraps the serializer of every Extensible type. */
  static final BeanSerializerModifier MODIFIER = new BeanSerializerModifier() {
    @Override
    @SuppressWarnings("unchecked")
    public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description, JsonSerializer<?> serializer) {
      return Extensible.class.isAssignableFrom(description.getBeanClass())
          ? new FrozenJsonSerializer((JsonSerializer<Object>) serializer) : serializer;
    }
  };

  private final JsonSerializer<Object> standard;

  private FrozenJsonSerializer(JsonSerializer<Object> standard) {
    this.standard = standard;
  }

  @Override
  public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
    SerializableString frozen = ((Extensible) value).frozenJson();
    if (frozen != null && gen instanceof JsonGeneratorImpl) {
      gen.writeRawValue(frozen);
    } else {
      standard.serialize(value, gen, provider);
    }
  }

  @Override
  public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer types)
      throws IOException {
    standard.serializeWithType(value, gen, provider, types);
  }

  @Override
  public boolean isEmpty(SerializerProvider provider, Object value) {
    return standard.isEmpty(provider, value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property) throws JsonMappingException {
    if (standard instanceof ContextualSerializer contextual) {
      JsonSerializer<?> made = contextual.createContextual(provider, property);
      return made == standard ? this : new FrozenJsonSerializer((JsonSerializer<Object>) made);
    }
    return this;
  }

  @Override
  public void resolve(SerializerProvider provider) throws JsonMappingException {
    if (standard instanceof ResolvableSerializer resolvable) {
      resolvable.resolve(provider);
    }
  }

  @Override
  public Class<Object> handledType() {
    return standard.handledType();
  }
}
