package io.conductorvx.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scrape of a server's Prometheus endpoint, parsed into series (name, labels, value). */
public record Scrape(int status, String contentType, String text, List<Series> series) {
  public record Series(String name, Map<String, String> labels, double value) {
    boolean has(Map<String, String> wanted) {
      for (Map.Entry<String, String> w : wanted.entrySet()) {
        if (!w.getValue().equals(labels.get(w.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Conductor's and our series only (Vert.x's and the JVM's would drown a failure message). */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Scrape[" + status + ", " + series.size() + " series]");
    for (Series s : series) {
      if (!s.name().startsWith("vertx_") && !s.name().startsWith("jvm_") && !s.name().endsWith("_bucket")) {
        b.append("\n  ").append(s.name()).append(s.labels()).append(' ').append(s.value());
      }
    }
    return b.toString();
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static Scrape of(int port, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      String type = r.headers().firstValue("Content-Type").orElse("");
      boolean exposition = r.statusCode() == 200 && (type.startsWith("text/plain") || type.startsWith("application/openmetrics-text"));
      return new Scrape(r.statusCode(), type, r.body(), exposition ? parse(r.body()) : List.of());
    } catch (IOException e) {
      throw new IllegalStateException("scrape of " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The sum of every series named {@code name} whose labels include {@code labels}; 0 when none. */
  public double sum(String name, Map<String, String> labels) {
    double total = 0;
    for (Series s : series) {
      if (s.name().equals(name) && s.has(labels)) {
        total += s.value();
      }
    }
    return total;
  }

  /** Whether a series named {@code name} with these labels exists. */
  public boolean exists(String name, Map<String, String> labels) {
    return series.stream().anyMatch(s -> s.name().equals(name) && s.has(labels));
  }

  public List<Series> named(String name) {
    return series.stream().filter(s -> s.name().equals(name)).toList();
  }

  static List<Series> parse(String text) {
    List<Series> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        int close = line.lastIndexOf('}');
        parseLabels(line.substring(brace + 1, close), labels);
      } else {
        name = line.substring(0, space);
      }
      out.add(new Series(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return out;
  }

  /** {@code a="x",b="y \" z"} into a map. */
  private static void parseLabels(String s, Map<String, String> into) {
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      String key = s.substring(i, eq).trim();
      StringBuilder value = new StringBuilder();
      int j = eq + 2; // past ="
      while (s.charAt(j) != '"') {
        if (s.charAt(j) == '\\') {
          j++;
        }
        value.append(s.charAt(j));
        j++;
      }
      into.put(key, value.toString());
      i = j + 1;
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
      }
    }
  }
}
