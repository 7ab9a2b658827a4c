package io.tkms.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/** Plain-text output helpers: aligned columns and readable times. */
final class Text {
  private Text() {}

  /**
   * Prints {@code rows} (the first is the header) as left-aligned columns, indented by {@code
   * indent}.
   */
  static void table(PrintWriter out, String indent, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder(indent);
      for (int i = 0; i < cols; i++) {
        sb.append(r[i]);
        if (i < cols - 1) {
          sb.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(sb);
    }
  }

  /** Unix seconds as an ISO-8601 UTC instant, or "" when absent. */
  static String time(Long epochSeconds) {
    return epochSeconds == null ? "" : Instant.ofEpochSecond(epochSeconds).toString();
  }
}
