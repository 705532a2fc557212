package io.conductorvx.store.memory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A finished workflow's stored parts in one byte array: the workflow's JSON without tasks and
 * definition, its input, and its tasks' JSON, framed by lengths and deflated when that makes it
 * smaller. The bytes read back are exactly those written, so a workflow read back is identical.
 * Deflating a finished 5-task workflow takes tens of microseconds: callers do it off the event
 * loops (see MemoryExecutionStore's compaction).
 */
final class PackedWorkflow {
  private static final byte STORED = 0;
  private static final byte DEFLATED = 1;
  /** Fast and still most of the gain on JSON of this kind (benchmarks/README.md has the numbers). */
  private static final int LEVEL = 1;

  /** What a packed workflow holds; {@code input} may be null. */
  record Parts(byte[] rest, byte[] input, List<byte[]> tasks) {}

  private PackedWorkflow() {}

  /** Packs with the given deflater (reset here; one per thread or batch, as deflaters are costly to create). */
  static byte[] pack(Parts parts, Deflater deflater) {
    int size = 12 + parts.rest().length + (parts.input() == null ? 0 : parts.input().length);
    for (byte[] t : parts.tasks()) {
      size += 4 + t.length;
    }
    ByteBuffer raw = ByteBuffer.allocate(size);
    raw.putInt(parts.rest().length).put(parts.rest());
    raw.putInt(parts.input() == null ? -1 : parts.input().length);
    if (parts.input() != null) {
      raw.put(parts.input());
    }
    raw.putInt(parts.tasks().size());
    for (byte[] t : parts.tasks()) {
      raw.putInt(t.length).put(t);
    }
    byte[] bytes = raw.array();

    deflater.reset();
    deflater.setLevel(LEVEL);
    deflater.setInput(bytes);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 16);
    out.write(DEFLATED);
    out.write(bytes.length >>> 24);
    out.write(bytes.length >>> 16);
    out.write(bytes.length >>> 8);
    out.write(bytes.length);
    byte[] buf = new byte[Math.min(bytes.length + 64, 16 * 1024)];
    while (!deflater.finished()) {
      int n = deflater.deflate(buf);
      out.write(buf, 0, n);
      if (out.size() >= bytes.length) {
        break; // does not pay: keep the bytes as they are
      }
    }
    if (!deflater.finished()) {
      byte[] stored = new byte[bytes.length + 1];
      stored[0] = STORED;
      System.arraycopy(bytes, 0, stored, 1, bytes.length);
      return stored;
    }
    return out.toByteArray();
  }

  static Parts unpack(byte[] packed) {
    byte[] bytes;
    if (packed[0] == STORED) {
      bytes = Arrays.copyOfRange(packed, 1, packed.length);
    } else {
      int length = ByteBuffer.wrap(packed, 1, 4).getInt();
      bytes = new byte[length];
      Inflater inflater = new Inflater();
      try {
        inflater.setInput(packed, 5, packed.length - 5);
        int n = 0;
        while (n < length) {
          int read = inflater.inflate(bytes, n, length - n);
          if (read == 0 && (inflater.finished() || inflater.needsInput())) {
            break;
          }
          n += read;
        }
        if (n != length) {
          throw new IllegalStateException("packed workflow is truncated");
        }
      } catch (DataFormatException e) {
        throw new IllegalStateException("packed workflow is corrupt", e);
      } finally {
        inflater.end();
      }
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte[] rest = new byte[in.getInt()];
    in.get(rest);
    int inputLength = in.getInt();
    byte[] input = null;
    if (inputLength >= 0) {
      input = new byte[inputLength];
      in.get(input);
    }
    int count = in.getInt();
    List<byte[]> tasks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] t = new byte[in.getInt()];
      in.get(t);
      tasks.add(t);
    }
    return new Parts(rest, input, tasks);
  }
}
