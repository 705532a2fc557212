package io.conductorvx.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP forwarder that plays a server of the other family for schedule pause and resume: a
 * request with the refused method is sent on as a POST, which our server answers with 405 and an
 * Allow header, so a client falls back to the other method exactly as it would against Conductor
 * OSS (PUT only) or Orkes (GET only). Everything else passes unchanged. Keeps one line per exchange.
 */
public final class MethodRefusingProxy {
  private final HttpServer server;
  private final HttpClient client;
  private final List<String> exchanges = new ArrayList<>();

  private MethodRefusingProxy(HttpServer server, HttpClient client) {
    this.server = server;
    this.client = client;
  }

  public static Future<MethodRefusingProxy> start(Vertx vertx, int targetPort, HttpMethod refused) {
    HttpClient client = vertx.createHttpClient();
    HttpServer server = vertx.createHttpServer();
    MethodRefusingProxy proxy = new MethodRefusingProxy(server, client);
    server.requestHandler(in -> {
      String path = in.path();
      boolean toggle = path.endsWith("/pause") || path.endsWith("/resume");
      HttpMethod method = toggle && in.method().equals(refused) ? HttpMethod.POST : in.method();
      RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(targetPort).setMethod(method).setURI(in.uri());
      in.body()
          .compose(body -> client.request(options).compose(out -> {
            in.headers().forEach(h -> {
              if (!h.getKey().equalsIgnoreCase("host") && !h.getKey().equalsIgnoreCase("content-length")) {
                out.putHeader(h.getKey(), h.getValue());
              }
            });
            return out.send(body);
          }))
          .compose(res -> res.body().map(body -> {
            if (toggle) {
              proxy.record(in.method() + " " + path + " -> " + res.statusCode());
            }
            in.response().setStatusCode(res.statusCode());
            res.headers().forEach(h -> {
              if (!h.getKey().equalsIgnoreCase("content-length") && !h.getKey().equalsIgnoreCase("transfer-encoding")) {
                in.response().putHeader(h.getKey(), h.getValue());
              }
            });
            return body;
          }))
          .onSuccess(body -> in.response().end(body))
          .onFailure(err -> in.response().setStatusCode(502).end(String.valueOf(err.getMessage())));
    });
    return server.listen(0, "127.0.0.1").map(proxy);
  }

  private synchronized void record(String line) {
    exchanges.add(line);
  }

  /** "METHOD path -> status" of every pause and resume request, in order. */
  public synchronized List<String> exchanges() {
    return List.copyOf(exchanges);
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close().eventually(client::close);
  }
}
