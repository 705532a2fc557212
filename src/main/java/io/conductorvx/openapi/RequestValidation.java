package io.conductorvx.openapi;

import io.conductorvx.error.ConductorException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks each request against the documented operation before a resource sees it (mounted after
 * the BodyHandler). vertx-openapi's RequestValidator runs the checks on a worker thread (the two
 * hot routes are checked by hand instead, see {@link HandChecks}); a
 * violation fails the context with Conductor's validation error (400). Requests no operation
 * documents pass through to the router's 404/405.
 */
public final class RequestValidation implements Handler<RoutingContext> {
  /** An operation extension: {@code x-conductor-validation: false} leaves it unchecked (the WebSocket upgrade). */
  static final String SKIP_EXTENSION = "x-conductor-validation";

  private static final Pattern WORD = Pattern.compile("\\w+");

  private final OperationMatcher matcher;
  private final RequestValidator validator;
  private final Set<String> unchecked = new HashSet<>();
  private final HandChecks hot;

  private RequestValidation(Vertx vertx, OpenAPIContract contract, JsonObject document) {
    this.matcher = new OperationMatcher(contract);
    this.hot = new HandChecks(document);
    this.validator = RequestValidator.create(vertx, contract);
    for (Operation op : contract.operations()) {
      if (Boolean.FALSE.equals(op.getExtensions().get(SKIP_EXTENSION))) {
        unchecked.add(op.getOperationId());
      }
    }
  }

  /** A validator over the document; each HTTP verticle builds its own (contracts are not shared across loops). */
  public static Future<RequestValidation> create(Vertx vertx, ApiDocument document) {
    return OpenAPIContract.from(vertx, document.tree().copy())
        .map(contract -> new RequestValidation(vertx, contract, document.tree()));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Operation op = matcher.find(ctx.request().method(), ctx.normalizedPath());
    if (op == null || unchecked.contains(op.getOperationId())) {
      ctx.next();
      return;
    }
    if (HandChecks.OPERATIONS.contains(op.getOperationId())) {
      ConductorException problems = hot.check(op.getOperationId(), ctx);
      if (problems == null) {
        ctx.next();
      } else {
        ctx.fail(problems);
      }
      return;
    }
    validatable(ctx, op)
        .compose(request -> validator.validate(request, op.getOperationId()))
        .onSuccess(valid -> ctx.next())
        .onFailure(e -> ctx.fail(e instanceof ValidatorException ve ? ContractViolations.toConductor(ve) : e));
  }

  private static Future<ValidatableRequest> validatable(RoutingContext ctx, Operation op) {
    HttpServerRequest request = ctx.request();
    return RequestUtils.extract(request, op, () -> Future.succeededFuture(Buffer.buffer())).map(extracted -> {
      RequestBody body = op.getRequestBody();
      RequestParameter bodyParameter = new RequestParameterImpl(null);
      String contentType = null;
      if (body != null) {
        Buffer buffer = ctx.body().buffer();
        if (buffer != null && buffer.length() > 0 && !absent(buffer, body)) {
          bodyParameter = new RequestParameterImpl(buffer);
        }
        contentType = contentType(request.getHeader("Content-Type"), body);
      }
      return new ValidatableRequestImpl(extracted.getCookies(), extracted.getHeaders(),
          asRead(op, Location.PATH, extracted.getPathParameters()), asRead(op, Location.QUERY, extracted.getQuery()),
          bodyParameter, contentType);
    });
  }

  /** Blank, or a JSON null where the body is optional: the resources read both as no body. */
  private static boolean absent(Buffer buffer, RequestBody body) {
    if (buffer.length() > 16) {
      return false;
    }
    String text = buffer.toString().trim();
    return text.isEmpty() || (!body.isRequired() && "null".equals(text));
  }

  /**
   * The resources read a body whatever its label (as Conductor does), so a label the operation
   * does not list is checked as the operation's first type (JSON for all but the task log).
   */
  private static String contentType(String given, RequestBody body) {
    if (given != null && body.determineContentType(given) != null) {
      return given;
    }
    return body.getContent().containsKey("application/json")
        ? "application/json"
        : body.getContent().keySet().stream().findFirst().orElse(given);
  }

  /**
   * Parameter values as the resources read them. A blank query value is absent (count= means the
   * default). A string value goes to the validator JSON-encoded unless it is a plain word: its
   * decoder reads a non-word value as JSON, so quotes or backslashes (a search query such as
   * workflowType="a") would otherwise fail to decode, and "1.5" would become a number.
   */
  private static Map<String, RequestParameter> asRead(Operation op, Location in, Map<String, RequestParameter> values) {
    Map<String, RequestParameter> out = null;
    for (Parameter p : op.getParameters()) {
      if (p.getIn() != in || !(values.get(p.getName()) != null && values.get(p.getName()).get() instanceof String value)) {
        continue;
      }
      RequestParameter replacement = null;
      if (in == Location.QUERY && value.isBlank()) {
        replacement = new RequestParameterImpl(null);
      } else if (p.getSchemaType() == SchemaType.STRING && !WORD.matcher(value).matches()) {
        replacement = new RequestParameterImpl(Json.encode(value));
      }
      if (replacement != null) {
        if (out == null) {
          out = new HashMap<>(values);
        }
        out.put(p.getName(), replacement);
      }
    }
    return out == null ? values : out;
  }
}
