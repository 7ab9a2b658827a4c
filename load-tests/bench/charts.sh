#!/usr/bin/env bash
# Draws the charts of load-tests/bench.sh (SVG, with gnuplot) from the CSV files it writes, so they
# can be redrawn from saved CSV without running the benchmark again. bench.sh calls it at the end.
#
#   load-tests/bench/charts.sh SOURCE OUT_DIR
#
# SOURCE is a directory holding scenarios.csv, soak.csv and soak-events.csv (as --charts-dir keeps
# them, e.g. docs/charts), or the base of a report's files: <base>-scenarios.csv, <base>-soak.csv,
# <base>-soak-events.csv (bench.sh --out <base>.md writes those; <base>.md is accepted too).
# Into OUT_DIR (created if missing), for each CSV found:
#   scenarios.csv   throughput.svg   requests/s by scenario, /healthz and the reference handler
#                                    (ref-*, placed after the scenario it mirrors) alongside
#                   p99.svg          p99 latency by scenario, the same comparison
#                   percentiles.svg  p50/p90/p99/p99.9 per scenario (those the CSV has), log scale
#   soak.csv        soak-rss.svg     requests/s, p99 and server RSS over the soak; the restarts of
#                                    soak-events.csv as dashed lines
# The CSV columns are described in load-tests/README.md ("CSV and charts"). Lines starting with #
# are comments; "# run: TEXT" becomes the charts' subtitle and "# chart-note: TEXT" a line under it.
# Needs gnuplot 5 (Debian: apt-get install -y --no-install-recommends gnuplot-nox).
# Exit status: 0 when every chart of the CSV found was drawn, 1 when gnuplot is missing or failed
# or no CSV was found, 2 on wrong arguments.
set -euo pipefail

if [ $# -ne 2 ]; then
  awk 'NR > 1 && /^set -euo/ { exit } NR > 1' "$0" >&2
  exit 2
fi
SRC=$1 DEST=$2
if [ -d "$SRC" ]; then
  SCEN="$SRC/scenarios.csv" SOAKF="$SRC/soak.csv" EVENTS="$SRC/soak-events.csv"
else
  SRC=${SRC%.md}
  SCEN="$SRC-scenarios.csv" SOAKF="$SRC-soak.csv" EVENTS="$SRC-soak-events.csv"
fi
command -v gnuplot >/dev/null || { echo "charts: gnuplot is missing (apt-get install -y --no-install-recommends gnuplot-nox)" >&2; exit 1; }
[ -f "$SCEN" ] || [ -f "$SOAKF" ] || { echo "charts: neither $SCEN nor $SOAKF exists" >&2; exit 1; }
mkdir -p "$DEST"
TMP=$(mktemp -d /tmp/tkms-charts.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# A gnuplot double-quoted string of $1 (backslashes and quotes escaped; "\n" in $1 stays a line break).
gq() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/\\\\n/\\n/g')"; }
# The title block: the chart's title, then the CSV's "# run:" and "# chart-note:" lines, folded at
# 120 characters (the width of the charts).
heading() {
  local t=$1 line
  while IFS= read -r line; do t="$t\\n${line% }"; done < <(sed -n 's/^# run: //p; s/^# chart-note: //p' "$2" | fold -s -w 120)
  gq "$t"
}
# The CSV without its comment lines (gnuplot skips them too; awk needs them gone for the header).
data() { grep -v '^#' "$1" || true; }
# Gnuplot's SVG says <title>Gnuplot</title>: give the file its chart's title instead.
retitle() { if [ -f "$1" ]; then sed -i "s|<title>Gnuplot</title>|<title>$2</title>|" "$1"; fi; }
COMMON="set terminal svg size 1000,560 fixed noenhanced font 'sans,13' background rgb 'white'
set encoding utf8
set datafile separator comma
set datafile columnheaders
set key textcolor rgb 'black'
set border lc rgb 'black'
set grid ytics lc rgb 0xDDDDDD lw 1
set style fill solid 0.85 border lc rgb 0x444444"
FAILED=0
draw() { # NAME GNUPLOT_SCRIPT
  printf '%s\n' "$2" >"$TMP/$1.gp"
  rm -f "$DEST/$1.svg"
  if gnuplot "$TMP/$1.gp" 2>"$TMP/$1.err" && [ -s "$DEST/$1.svg" ]; then
    echo "charts: $DEST/$1.svg" >&2
  else
    cat "$TMP/$1.err" >&2
    echo "charts: gnuplot could not draw $1.svg (script: see above)" >&2
    FAILED=1
  fi
}

if [ -f "$SCEN" ]; then
  # Rows in run order, except that ref-X follows X (the reference handler beside its scenario).
  data "$SCEN" | awk -F, 'NR == 1 { print; next }
    { row[NR] = $0; name[NR] = $1; at[$1] = NR; last = NR }
    END {
      for (i = 2; i <= last; i++) {
        if (name[i] ~ /^ref-/ && (substr(name[i], 5) in at)) continue
        print row[i]
        if (("ref-" name[i]) in at) print row[at["ref-" name[i]]]
      }
    }' >"$TMP/scenarios.csv"
  N=$(($(wc -l <"$TMP/scenarios.csv") - 1))
  [ "$N" -ge 1 ] || { echo "charts: $SCEN has no rows" >&2; exit 1; }
  BARS="set boxwidth 0.7
set xrange [-0.6:$N - 0.4]
set xtics rotate by 30 right nomirror
set offsets 0, 0, graph 0.1, 0
set key bmargin center horizontal maxrows 1 width 2
kind(s) = s eq 'healthz' ? 0x999999 : (strstrt(s, 'ref-') == 1 ? 0xE69F00 : 0x0072B2)"
  LEGEND="NaN with boxes lc rgb 0x0072B2 title 'tkms', \\
  NaN with boxes lc rgb 0xE69F00 title 'reference handler (ref-*)', \\
  NaN with boxes lc rgb 0x999999 title '/healthz (ceiling)'"
  draw throughput "$COMMON
set output '$DEST/throughput.svg'
set title $(heading "Throughput by scenario (closed loop, wrk)" "$SCEN")
set ylabel 'requests/s (thousands)'
set yrange [0:*]
$BARS
plot '$TMP/scenarios.csv' using 0:(\$2 / 1000):(kind(strcol(1))):xtic(1) with boxes lc rgb variable notitle, \\
  '' using 0:(\$2 / 1000):(sprintf('%.1fk', \$2 / 1000)) with labels offset 0,0.7 font ',11' notitle, \\
  $LEGEND"
  retitle "$DEST/throughput.svg" "tkms benchmark: throughput by scenario"
  draw p99 "$COMMON
set output '$DEST/p99.svg'
set title $(heading "p99 latency by scenario (closed loop, wrk)" "$SCEN")
set ylabel 'p99 latency (ms)'
set yrange [0:*]
$BARS
plot '$TMP/scenarios.csv' using 0:5:(kind(strcol(1))):xtic(1) with boxes lc rgb variable notitle, \\
  '' using 0:5:(sprintf('%.2f', \$5)) with labels offset 0,0.7 font ',11' notitle, \\
  $LEGEND"
  retitle "$DEST/p99.svg" "tkms benchmark: p99 latency by scenario"
  # Only the percentiles the CSV has values for (a transcribed report may lack p90 and p99.9).
  PLOTS="" LOW="" HIGH=$(awk -F, 'NR > 1 { for (c = 3; c <= 6; c++) if ($c != "" && $c + 0 > m) m = $c + 0 } END { print m * 1.6 }' "$TMP/scenarios.csv")
  for spec in "3 p50 0x56B4E9" "4 p90 0x0072B2" "5 p99 0xE69F00" "6 p99.9 0xD55E00"; do
    read -r col label color <<<"$spec"
    low=$(awk -F, -v c="$col" 'NR > 1 && $c != "" && $c > 0 && (m == "" || $c + 0 < m) { m = $c + 0 } END { print m }' "$TMP/scenarios.csv")
    [ -n "$low" ] || continue
    if [ -z "$LOW" ] || awk -v a="$low" -v b="$LOW" 'BEGIN { exit !(a < b) }'; then LOW=$low; fi
    XTIC=""
    [ -n "$PLOTS" ] || XTIC=":xtic(1)"
    PLOTS="$PLOTS${PLOTS:+, }'$TMP/scenarios.csv' using $col$XTIC lc rgb $color title '$label'"
  done
  if [ -n "$PLOTS" ]; then
    BOTTOM=$(awk -v m="$LOW" 'BEGIN { e = 10 ^ int(log(m) / log(10) - (m < 1 ? 1 : 0)); print e }')
    draw percentiles "$COMMON
set output '$DEST/percentiles.svg'
set title $(heading "Latency percentiles by scenario (closed loop, wrk)" "$SCEN")
set ylabel 'latency (ms, log scale)'
set logscale y
set yrange [$BOTTOM:$HIGH]
set xtics rotate by 30 right nomirror
set style data histograms
set style histogram clustered gap 1
set key bmargin center horizontal maxrows 1 width 2
plot $PLOTS"
    retitle "$DEST/percentiles.svg" "tkms benchmark: latency percentiles by scenario"
  else
    echo "charts: $SCEN has no latency percentiles: percentiles.svg not drawn" >&2
  fi
fi

if [ -f "$SOAKF" ]; then
  data "$SOAKF" >"$TMP/soak.csv"
  END_MIN=$(awk -F, 'NR > 1 && $3 > m { m = $3 } END { printf "%.2f", m / 60 }' "$TMP/soak.csv")
  RSS_ROWS=$(awk -F, 'NR > 1 && $10 != "" { n++ } END { print n + 0 }' "$TMP/soak.csv")
  RSS_PLOT="plot '$TMP/soak.csv' using (mid(\$2, \$3)):10 with linespoints pt 7 ps 0.7 lc rgb 0x009E73 lw 1.5 notitle"
  [ "$RSS_ROWS" -gt 60 ] && RSS_PLOT="plot '$TMP/soak.csv' using (mid(\$2, \$3)):10 with lines lc rgb 0x009E73 lw 1.5 notitle"
  [ "$RSS_ROWS" -gt 0 ] || RSS_PLOT="set yrange [0:1]
set label 'no RSS in the CSV' at graph 0.5, graph 0.5 center
plot NaN notitle"
  # The restarts: a dashed line at each start, the window up to 10 s after the dependency answered
  # again shaded (the soak's restart window), a label in the bottom panel (RSS keeps its lower part
  # free; each label a line higher than the one before). Throughput and p99 are drawn as steps over
  # each row's span: a row is a slice of a few seconds, or a whole phase in a transcribed report.
  MARKS="" LABELS=""
  if [ -f "$EVENTS" ]; then
    MARKS=$(data "$EVENTS" | awk -F, 'NR > 1 && $2 != "" {
      printf "set object rect from first %.4f, graph 0 to first %.4f, graph 1 behind fc rgb 0xF6D5D5 fs solid 1.0 noborder\n", $2 / 60, ($3 + 10) / 60
      printf "set arrow from first %.4f, graph 0 to first %.4f, graph 1 nohead dt 2 lw 1.5 lc rgb 0xCC0000 front\n", $2 / 60, $2 / 60 }')
    LABELS=$(data "$EVENTS" | awk -F, -v end="$END_MIN" 'NR > 1 && $2 != "" {
      n = ($1 == "postgres" ? "Postgres" : ($1 == "redis" ? "Redis" : $1))
      side = ($2 / 60 > 0.7 * end ? "right offset -0.5,0" : "left offset 0.5,0")
      printf "set label \"%s restart (answering after %.1f s)%s\" at first %.4f, graph %.2f %s tc rgb 0xCC0000 font \",11\" front\n",
        n, $3 - $2, ($4 != "" && $4 != "ok" ? ": " $4 : ""), $2 / 60, 0.08 + 0.12 * ((NR - 2) % 3), side }')
  fi
  draw soak-rss "$COMMON
set terminal svg size 1000,900 fixed noenhanced font 'sans,13' background rgb 'white'
set output '$DEST/soak-rss.svg'
set xrange [0:$END_MIN]
set lmargin 12
set rmargin 4
set key bottom left
mid(a, b) = (a + b) / 120.0
$MARKS
set multiplot layout 3,1 title $(heading "Soak: throughput, p99 and server RSS over time" "$SOAKF")
set format x ''
set ylabel 'requests/s'
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
plot '$TMP/soak.csv' using (\$2 / 60):5 with steps lc rgb 0x0072B2 lw 1.5 notitle, \\
  '' using (\$2 / 60):5:((\$3 - \$2) / 60):(0) with vectors nohead lc rgb 0x0072B2 lw 1.5 notitle, \\
  '' using (mid(\$2, \$3)):(\$9 > 0 ? \$5 : NaN) with points pt 7 ps 1 lc rgb 0xCC0000 title 'non-success (count)', \\
  '' using (mid(\$2, \$3)):(\$9 > 0 ? \$5 : NaN):(sprintf('%d', \$9)) with labels offset 1.2,-1 tc rgb 0xCC0000 font ',11' notitle
set offsets 0, 0, 0, 0
set ylabel 'p99 (ms, log scale)'
set logscale y
set yrange [*:*]
plot '$TMP/soak.csv' using (\$2 / 60):7 with steps lc rgb 0xE69F00 lw 1.5 notitle, \\
  '' using (\$2 / 60):7:((\$3 - \$2) / 60):(0) with vectors nohead lc rgb 0xE69F00 lw 1.5 notitle
unset logscale y
$LABELS
set format x '%g'
set xlabel 'minutes since the soak started'
set ylabel 'server RSS (MiB)'
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
$RSS_PLOT
unset multiplot"
  retitle "$DEST/soak-rss.svg" "tkms soak: throughput, p99 and server RSS over time"
fi
exit "$FAILED"
