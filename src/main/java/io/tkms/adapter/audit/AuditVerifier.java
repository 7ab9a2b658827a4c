package io.tkms.adapter.audit;

import io.tkms.crypto.Hmacs;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar kms.jar audit verify FILE}: checks the hash chains ({@link AuditChain}) of the
 * audit lines in a file, which may be a server's whole standard output (lines that are not chained
 * audit events are skipped) and may hold several chains (one per start). Reports the first line
 * where a chain breaks: a line edited (the next line's {@code prev} does not match it), removed or
 * reordered (a {@code seq} out of turn), or missing from the start of a chain.
 */
public final class AuditVerifier {
  /** Exit code of an intact file. */
  public static final int INTACT = 0;

  /** Exit code of a file whose chain is broken. */
  public static final int BROKEN = 1;

  /** Exit code of a usage error or an unreadable file. */
  public static final int USAGE = 2;

  private AuditVerifier() {}

  /** The outcome: the chained lines and chains checked, and the first break (null when intact). */
  public record Result(long lines, int chains, String problem) {
    public boolean intact() {
      return problem == null;
    }
  }

  private static final class Link {
    long seq;
    String hash;
    long line;
  }

  /** Runs {@code args} (what follows {@code audit}); returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2 || !args[0].equals("verify")) {
      err.println("usage: java -jar kms.jar audit verify FILE");
      err.println("  checks the hash chain of the audit lines in FILE (a server's stdout will do)");
      err.println("  exit 0: intact; 1: a line was edited, removed or reordered; 2: usage or I/O");
      return USAGE;
    }
    Result r;
    try (BufferedReader in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
      r = verify(in);
    } catch (IOException | RuntimeException e) {
      err.println("cannot read " + args[1] + ": " + e.getClass().getSimpleName());
      return USAGE;
    }
    if (r.intact()) {
      out.println("intact: " + r.lines() + " audit lines in " + r.chains() + " chain(s)");
      return INTACT;
    }
    out.println("BROKEN: " + r.problem());
    return BROKEN;
  }

  /** Checks every chained audit line {@code in} holds, in order. */
  public static Result verify(BufferedReader in) throws IOException {
    Map<String, Link> chains = new HashMap<>();
    long lines = 0;
    long n = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      n++;
      if (!line.startsWith("{") || !line.contains("\"chain\"")) {
        continue;
      }
      JsonObject node;
      try {
        node = new JsonObject(line);
      } catch (DecodeException e) {
        return new Result(lines, chains.size(), "line " + n + " is not valid JSON: it was edited");
      }
      Object chainValue = node.getValue("chain");
      Object seqValue = node.getValue("seq");
      Object prevValue = node.getValue("prev");
      if (!(chainValue instanceof String chain)
          || !(seqValue instanceof Number seqNumber)
          || !(prevValue instanceof String prev)) {
        return new Result(
            lines, chains.size(), "line " + n + " lacks chain, seq or prev: it was edited");
      }
      long seq = seqNumber.longValue();
      lines++;
      Link last = chains.get(chain);
      if (last == null) {
        if (seq != 1) {
          return new Result(
              lines,
              chains.size() + 1,
              "line "
                  + n
                  + " (seq "
                  + seq
                  + ") is the first of chain "
                  + chain
                  + " in the file: its first "
                  + (seq - 1)
                  + " line(s) were removed");
        }
        if (!prev.equals(chain)) {
          return new Result(
              lines,
              chains.size() + 1,
              "line " + n + " (seq 1) was edited: prev is not the chain id");
        }
        last = new Link();
        chains.put(chain, last);
      } else if (seq != last.seq + 1) {
        return new Result(
            lines,
            chains.size(),
            "line "
                + n
                + " has seq "
                + seq
                + " after seq "
                + last.seq
                + " (line "
                + last.line
                + "): lines were removed or reordered between them");
      } else if (!prev.equals(last.hash)) {
        return new Result(
            lines,
            chains.size(),
            "line "
                + last.line
                + " (seq "
                + last.seq
                + ") was edited: line "
                + n
                + "'s prev does not match it");
      }
      last.seq = seq;
      last.hash = Hmacs.sha256Hex(line.getBytes(StandardCharsets.UTF_8));
      last.line = n;
    }
    return new Result(lines, chains.size(), null);
  }
}
