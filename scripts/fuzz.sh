#!/usr/bin/env bash
# Fuzzes every parser of user input (src/test/java/r1j/fuzz/ParsersFuzzTest.java) with Jazzer, one target after
# another (Jazzer explores one fuzz test per JVM). A crash is saved under
# src/test/resources/r1j/fuzz/ParsersFuzzTestInputs/TARGET/ and from then on replayed by every `./r1j test`.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      default 60 s each, every target; CI runs 5 s each
# A TARGET is a method of ParsersFuzzTest, or Class#method for a fuzz test of another class (the server's parsers
# are RequestParsersFuzzTest, next to the package-private code they read).
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors checkpointIndex configJson tokenizerJson chatTemplate tokenizerConfig datasetJsonl answers rewardSpec serverRequestBody
  RequestParsersFuzzTest#completionRequest RequestParsersFuzzTest#httpHead)
[ -n "${JAVA_HOME:-}" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
mvn -B -q test-compile >/dev/null 2>&1 || { echo "fuzz: the tests do not compile (mvn test-compile)" >&2; exit 2; }
failed=0
for t in "${targets[@]}"; do
  log=$(mktemp)
  case $t in *"#"*) sel=$t ;; *) sel="ParsersFuzzTest#$t" ;; esac
  if JAZZER_FUZZ=1 mvn -B test -Dtest="$sel" -Djazzer.max_duration="${secs}s" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    echo "fuzz $t: $(grep -ao 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1), no finding"
  else
    echo "fuzz $t: FINDING (log: $log)"; grep -a -m3 -E "FuzzTestFinding|Exception|Error:" "$log" | sed 's/^/    /'
    failed=1
  fi
done
exit $failed
