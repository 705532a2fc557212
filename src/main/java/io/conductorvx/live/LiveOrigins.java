package io.conductorvx.live;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which web pages may open the feed. The server has no authentication, so a page of another site
 * must not drive it through a visitor's browser: a browser always sends the page's Origin, which
 * must then be this server itself or one configured ({@code liveAllowedOrigins}, {@code *} for
 * any). Clients that are not browsers send no Origin and are let in.
 */
final class LiveOrigins {
  private final boolean any;
  private final Set<String> allowed = new HashSet<>();

  LiveOrigins(String setting) {
    boolean star = false;
    for (String entry : setting.split(",")) {
      String o = normalize(entry);
      if (o.equals("*")) {
        star = true;
      } else if (!o.isEmpty()) {
        allowed.add(o);
      }
    }
    this.any = star;
  }

  boolean allows(String origin, HttpServerRequest request) {
    if (origin == null || any) {
      return true;
    }
    String o = normalize(origin);
    return allowed.contains(o) || sameHost(o, request);
  }

  private static String normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }

  /** The page was served by the host the request is addressed to (same host name and port). */
  private static boolean sameHost(String origin, HttpServerRequest request) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return false;
    }
    HostAndPort authority = request.authority();
    if (uri.getHost() == null || uri.getScheme() == null || authority == null) {
      return false;
    }
    int originPort = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
    int hostPort = authority.port() >= 0 ? authority.port() : (request.isSSL() ? 443 : 80);
    return strip(uri.getHost()).equalsIgnoreCase(strip(authority.host())) && originPort == hostPort;
  }

  private static String strip(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static int defaultPort(String scheme) {
    return "https".equals(scheme) || "wss".equals(scheme) ? 443 : 80;
  }
}
