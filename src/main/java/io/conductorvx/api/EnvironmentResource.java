package io.conductorvx.api;

import io.conductorvx.error.ConductorException;
import io.conductorvx.secrets.EnvironmentVariables;
import io.conductorvx.secrets.Secrets;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/environment and /api/secrets as Conductor OSS serves them: read-only, from the server's
 * settings and process environment. Environment values are listed; secrets by name only.
 */
final class EnvironmentResource {
  private final EnvironmentVariables environment;
  private final Secrets secrets;

  EnvironmentResource(EnvironmentVariables environment, Secrets secrets) {
    this.environment = environment;
    this.secrets = secrets;
  }

  void mount(Router r) {
    Routes.handle(r.get("/api/environment"), ctx -> {
      List<Map<String, String>> all = new ArrayList<>();
      environment.all().forEach(e -> {
        Map<String, String> item = new LinkedHashMap<>();
        item.put("name", e.getKey());
        item.put("value", e.getValue());
        all.add(item);
      });
      return Future.succeededFuture(Reply.json(all));
    });
    Routes.handle(r.get("/api/environment/:key"), ctx -> {
      String key = Requests.path(ctx, "key");
      String value = environment.get(key);
      if (value == null) {
        throw ConductorException.notFound("No environment variable named " + key);
      }
      return Future.succeededFuture(Reply.text(value));
    });
    Routes.handle(r.get("/api/secrets"), ctx -> Future.succeededFuture(Reply.json(secrets.names())));
  }
}
