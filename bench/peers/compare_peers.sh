#!/usr/bin/env bash
# routesim beside the tools a user would otherwise pick to filter device messages: jq over the
# NDJSON file, and SQLite's json_extract over the messages in a table. Same corpus, an
# equivalent two-condition filter, one machine, one run; prints a Markdown table of throughputs
# and ratios for bench/RESULTS.md.
#
#   bench/peers/compare_peers.sh [ROUTESIM_BINARY] [MESSAGES] [THREADS]
#
# Installs jq and sqlite3 (Debian packages) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUTESIM="${1:-build/tools/routesim/routesim}"
COUNT="${2:-200000}"
THREADS="${3:-2}"

need=()
command -v jq >/dev/null || need+=(jq)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if ((${#need[@]})); then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y --no-install-recommends "${need[@]}"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$ROUTESIM" generate --messages "$COUNT" > "$work/messages.ndjson"

# The filter: a critical message whose JSON body reports an alarm. The peers spell out what the
# routing language does implicitly: the body is only JSON when contentType and contentEncoding
# say so (letter case ignored). (A numeric comparison would not be equivalent: in IoT Hub's
# language a null temperature is greater than 30, in jq and SQL it is not.)
cat > "$work/routes.json" <<'JSON'
{"endpoints": {"eventHubs": [{"name": "hot"}]},
 "routes": [{"name": "critical-hot", "source": "DeviceMessages",
             "condition": "level = 'critical' AND $body.status = 'alarm'",
             "endpointNames": ["hot"], "isEnabled": true}]}
JSON
JQ_FILTER='select(.appProperties.level == "critical"
  and ((.systemProperties.contentType // "") | ascii_downcase) == "application/json"
  and ((.systemProperties.contentEncoding // "") | ascii_downcase) == "utf-8"
  and .body.status == "alarm")'
SQL_WHERE="json_extract(doc, '\$.appProperties.level') = 'critical'
  AND lower(json_extract(doc, '\$.systemProperties.contentType')) = 'application/json'
  AND lower(json_extract(doc, '\$.systemProperties.contentEncoding')) = 'utf-8'
  AND json_extract(doc, '\$.body.status') = 'alarm'"

now() { date +%s.%N; }

# routesim: the router's own figure (messages already in memory) and the whole command.
t0=$(now)
summary="$("$ROUTESIM" bench --messages "$work/messages.ndjson" --routes "$work/routes.json" \
  --passes 1 --threads "$THREADS" | tail -n 1)"
t1=$(now)
rs_rate=$(echo "$summary" | jq '.messagesPerSecond')
rs_matched=$(echo "$summary" | jq '.matched.hot')
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
rs_wall=$(calc "$t1 - $t0")

# jq as users run it: one process over the file.
t0=$(now)
jq_matched=$(jq -c "$JQ_FILTER" "$work/messages.ndjson" | wc -l)
t1=$(now)
jq_wall=$(calc "$t1 - $t0")

# SQLite: the messages in a table (loading not timed), one query.
python3 - "$work/m.db" "$work/messages.ndjson" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE m(doc TEXT)")
with open(sys.argv[2]) as f:
    db.executemany("INSERT INTO m(doc) VALUES (?)", ((l.rstrip("\n"),) for l in f))
db.commit()
PY
t0=$(now)
sql_matched=$(sqlite3 "$work/m.db" "SELECT count(*) FROM m WHERE $SQL_WHERE;")
t1=$(now)
sql_wall=$(calc "$t1 - $t0")

if [ "$rs_matched" != "$jq_matched" ] || [ "$rs_matched" != "$sql_matched" ]; then
  echo "answers differ: routesim $rs_matched, jq $jq_matched, sqlite $sql_matched" >&2
  exit 1
fi

jq_rate=$(calc "$COUNT / $jq_wall")
sql_rate=$(calc "$COUNT / $sql_wall")
rs_e2e=$(calc "$COUNT / $rs_wall")
printf '| tool | messages/s | routesim bench / tool |\n|---|---:|---:|\n'
printf '| routesim bench --threads %s (router figure) | %.0f | 1.0 |\n' "$THREADS" "$rs_rate"
printf '| routesim bench, whole command incl. loading the file | %.0f | %.1f |\n' "$rs_e2e" "$(calc "$rs_rate / $rs_e2e")"
printf '| jq 1.6, one process over the NDJSON | %.0f | %.1f |\n' "$jq_rate" "$(calc "$rs_rate / $jq_rate")"
printf '| SQLite 3.40 json_extract over a table | %.0f | %.1f |\n' "$sql_rate" "$(calc "$rs_rate / $sql_rate")"
echo "matching messages: $rs_matched of $COUNT (all three agree)"
