package io.conductorvx.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The embedded dashboard: the files of {@code webroot/} (copied into the jar by Maven) under
 * {@code /}, and the app's index.html for every other page path so deep links such as
 * {@code /execution/{id}} open in the app. Mounted last: API routes, /health and /metrics win,
 * and an unknown {@code /api/...} path still gets Conductor's 404.
 */
public final class Dashboard {
  /** Only our own origin; the live feed's WebSocket is named explicitly for older browsers. */
  private static final String CSP = "default-src 'self'; connect-src 'self' %s; img-src 'self' data:; "
      + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

  /** Every path but the server's own: /api..., /health..., /metrics, /actuator... */
  private static final String PAGE_PATHS = "^(?!/api(?:/|$)|/health(?:/|$)|/metrics$|/actuator(?:/|$)).*";

  private final Vertx vertx;
  private Buffer index;

  public Dashboard(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Reads index.html once, so the fallback answers from memory. */
  public Future<Dashboard> load() {
    return vertx.fileSystem().readFile("webroot/index.html").map(b -> {
      index = b;
      return this;
    });
  }

  public void mount(Router router) {
    StaticHandler files = StaticHandler.create("webroot")
        .setCachingEnabled(true)
        .setDefaultContentEncoding("UTF-8")
        .setIncludeHidden(false)
        .setDirectoryListing(false);
    // a regex, not a check inside the handler: a POST to an unknown /api path must stay a 404
    // rather than a 405 from a GET route that matched its path
    router.routeWithRegex(PAGE_PATHS).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      secure(ctx);
      // files are not fingerprinted: the browser revalidates each (a 304 when unchanged), so a new
      // server version never runs against stale modules
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
      ctx.next();
    }).handler(files).handler(this::page);
  }

  /** Any page path that is not a file: the app, which reads the path and shows that page. */
  private void page(RoutingContext ctx) {
    if (index == null) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8");
    if (ctx.request().method() == HttpMethod.HEAD) {
      ctx.response().end();
    } else {
      ctx.response().end(index);
    }
  }

  private static void secure(RoutingContext ctx) {
    String host = ctx.request().authority() == null ? null : ctx.request().authority().toString();
    String ws = host == null ? "" : "ws://" + host + " wss://" + host;
    ctx.response().headers()
        .set("Content-Security-Policy", CSP.formatted(ws))
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer");
  }
}
