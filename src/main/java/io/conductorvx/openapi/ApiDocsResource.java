package io.conductorvx.openapi;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Serves the API document: /api-docs (the reference page), /api-docs/openapi.yaml and .json, and
 * Conductor's /swagger-ui/index.html from the Swagger UI webjar (no CDN).
 */
public final class ApiDocsResource {
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  // Swagger UI's own initializer loads the petstore; ours points it at our document.
  private static final Buffer INITIALIZER = Buffer.buffer("""
      window.onload = function () {
        window.ui = SwaggerUIBundle({
          url: "/api-docs/openapi.json",
          dom_id: "#swagger-ui",
          deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
          plugins: [SwaggerUIBundle.plugins.DownloadUrl],
          layout: "StandaloneLayout"
        });
      };
      """);

  private final ApiDocument document;

  public ApiDocsResource(ApiDocument document) {
    this.document = document;
  }

  public void mount(Router r) {
    r.get("/api-docs").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(document.page()));
    r.get("/api-docs/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(document.yaml()));
    r.get("/api-docs/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(document.json()));
    r.get("/swagger-ui").handler(ctx -> ctx.redirect("/swagger-ui/index.html"));
    r.get("/swagger-ui/swagger-initializer.js").handler(ctx ->
        ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8").end(INITIALIZER));
    r.get("/swagger-ui/*").handler(StaticHandler.create(WEBJAR + SwaggerUiVersion.VERSION).setCachingEnabled(true));
  }

  /** The webjar's version, read from its Maven metadata so an upgrade needs no code change. */
  private static final class SwaggerUiVersion {
    static final String VERSION = read();

    private static String read() {
      try (InputStream in = ApiDocsResource.class.getClassLoader()
          .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
        if (in == null) {
          throw new IllegalStateException("org.webjars:swagger-ui is missing from the classpath");
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
