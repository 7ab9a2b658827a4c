package io.tkms.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in the test JVM between the server and a real dependency (Postgres, Redis), which can
 * freeze: bytes stop flowing both ways on every connection, new and open (a black-holed peer:
 * nothing is refused, nothing answers), and flow again on thaw; reset every open connection (RST,
 * as a dying peer or a middlebox does); and black-hole only new connections (accepted, never
 * connected onwards), while open ones keep working.
 */
final class FreezableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean frozen;
  private volatile boolean blackholeNew;
  private volatile boolean closed;

  FreezableProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  void freeze() {
    frozen = true;
  }

  void thaw() {
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  /**
   * New connections are accepted and then never answered (open ones are untouched), as by a peer
   * whose process hangs while its kernel still accepts; turned off, the held connections are reset,
   * as they are when such a peer is restarted.
   */
  void blackholeNewConnections(boolean on) {
    blackholeNew = on;
    if (!on) {
      held.forEach(FreezableProxy::reset);
      held.clear();
    }
  }

  /** Every open connection is reset (RST on both sides); new ones are proxied as before. */
  void resetAll() {
    sockets.forEach(FreezableProxy::reset);
    sockets.clear();
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        if (blackholeNew) {
          held.add(client); // held open, never read
          continue;
        }
        Socket upstream;
        try {
          upstream = new Socket(targetHost, targetPort);
        } catch (IOException refused) {
          closeQuietly(client); // the target is down: the client sees its connection close
          continue;
        }
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  synchronized (gate) {
                    while (frozen && !closed) {
                      gate.wait();
                    }
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // a side went away: close both
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    thaw();
    try {
      listener.close();
    } catch (IOException e) {
      // already closed
    }
    sockets.forEach(FreezableProxy::closeQuietly);
    held.forEach(FreezableProxy::closeQuietly);
  }
}
