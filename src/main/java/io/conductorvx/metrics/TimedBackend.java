package io.conductorvx.metrics;

import io.vertx.core.Future;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Wraps a backend interface (ExecutionStore, QueueStore…) so that every method answering a
 * {@link Future} is timed per operation (the method name) and outcome. A dynamic proxy rather than
 * a hand-written decorator per interface: a method added to a store interface is timed without
 * touching this package, and no decorator can forget to forward one. The cost is a reflective call
 * (an argument array and a looked-up timer) per operation, small beside any backend round trip.
 */
final class TimedBackend implements InvocationHandler {
  private final Object target;
  /** Read-only once built, so lookups from any event loop need no locking. */
  private final Map<Method, OperationTimers.Op> ops;

  private TimedBackend(Object target, Map<Method, OperationTimers.Op> ops) {
    this.target = target;
    this.ops = ops;
  }

  static <T> T wrap(Class<T> type, T target, OperationTimers timers) {
    Map<Method, OperationTimers.Op> ops = new HashMap<>();
    for (Method m : type.getMethods()) {
      if (Future.class.isAssignableFrom(m.getReturnType()) && !m.getName().equals("close")) {
        ops.put(m, timers.op(m.getName()));
      }
    }
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new TimedBackend(target, ops)));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "timed " + target;
      };
    }
    OperationTimers.Op op = ops.get(method);
    long start = op == null ? 0 : System.nanoTime();
    Object result;
    try {
      result = method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    return op == null || result == null ? result : op.time(start, (Future<?>) result);
  }
}
