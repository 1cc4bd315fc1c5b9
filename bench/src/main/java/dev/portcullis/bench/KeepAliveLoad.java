package dev.portcullis.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;
import javax.net.ssl.SSLSocketFactory;

/**
 * An open-loop load generator the way a Kubernetes API server calls a webhook: a fixed pool of
 * keep-alive TLS connections (the API server multiplexes its webhook calls over HTTP/2, or keeps
 * HTTP/1.1 connections alive; it does not open a connection per call). Requests fall due at a fixed
 * rate whether or not earlier ones were answered; each waits for a free connection, and its
 * latency counts from when it was due, so a stalled server cannot hide behind a waiting client. A
 * connection that fails is opened again for the next request.
 */
final class KeepAliveLoad implements AutoCloseable {
  private final SSLSocketFactory tls;
  private final String host;
  private final int port;
  private final Socket[] sockets;
  private final BufferedInputStream[] inputs;

  KeepAliveLoad(SSLSocketFactory tls, String host, int port, int connections) {
    this.tls = tls;
    this.host = host;
    this.port = port;
    this.sockets = new Socket[connections];
    this.inputs = new BufferedInputStream[connections];
  }

  /** An HTTP/1.1 request as sent on a kept-alive connection. */
  static byte[] request(String method, String path, String host, byte[] body) {
    String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json\r\n"
        + (body.length == 0 ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + body.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(body, 0, out, h.length, body.length);
    return out;
  }

  /**
   * Sends {@code request} {@code rate} times a second for {@code window}; each latency (ms) from
   * when the request was due goes to {@code sample} (null: not kept). Returns how many requests
   * failed or were answered other than 200.
   */
  int run(byte[] request, int rate, Duration window, @org.jspecify.annotations.Nullable DoubleConsumer sample) throws InterruptedException {
    int total = (int) (rate * window.toMillis() / 1000);
    long interval = 1_000_000_000L / rate;
    BlockingQueue<Long> due = new ArrayBlockingQueue<>(total + sockets.length);
    AtomicInteger failed = new AtomicInteger();
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < sockets.length; i++) {
      int slot = i;
      workers.add(Thread.ofPlatform().daemon().name("bench-load-" + i).start(() -> {
        try {
          for (long at = due.take(); at >= 0; at = due.take()) {
            if (exchange(slot, request) == 200) {
              latencies.add((System.nanoTime() - at) / 1e6);
            } else {
              failed.incrementAndGet();
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    long start = System.nanoTime() + 20_000_000L;
    for (int i = 0; i < total; i++) {
      long at = start + i * interval;
      long wait = at - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      due.add(at);
    }
    for (int i = 0; i < sockets.length; i++) {
      due.add(-1L);
    }
    long stop = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Thread w : workers) {
      w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(stop - System.nanoTime())));
      if (w.isAlive()) {
        w.interrupt();
      }
    }
    int unanswered = due.size();
    if (sample != null) {
      latencies.forEach(sample::accept);
    }
    return failed.get() + unanswered;
  }

  /** One request and its answer on connection {@code slot}; the status, or -1 when the connection failed (it is closed). */
  private int exchange(int slot, byte[] request) {
    try {
      Socket s = sockets[slot];
      if (s == null || s.isClosed()) {
        s = tls.createSocket(host, port);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        sockets[slot] = s;
        inputs[slot] = new BufferedInputStream(s.getInputStream(), 16 << 10);
      }
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      return readResponse(inputs[slot]);
    } catch (IOException e) {
      closeQuietly(slot);
      return -1;
    }
  }

  /** Reads one response (Content-Length or chunked body) and returns its status. */
  private static int readResponse(InputStream in) throws IOException {
    String status = line(in);
    int code = Integer.parseInt(status.split(" ", 3)[1]);
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).split(";")[0].strip(), 16); size > 0; size = Long.parseLong(line(in).split(";")[0].strip(), 16)) {
        in.skipNBytes(size);
        line(in);
      }
      line(in);
    } else if (length >= 0) {
      in.skipNBytes(length);
    } else {
      throw new IOException("a response without a length on a kept-alive connection");
    }
    if (close) {
      throw new IOException("the server closed the connection");
    }
    return code;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the connection ended within a response");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  private void closeQuietly(int slot) {
    Socket s = sockets[slot];
    sockets[slot] = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already broken
      }
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < sockets.length; i++) {
      closeQuietly(i);
    }
  }
}
