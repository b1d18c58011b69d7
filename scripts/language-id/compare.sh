#!/usr/bin/env bash
# Accuracy, speed, load time and heap of the candidate language identifiers on short reasoning sentences
# (docs/language-id.md). Needs JDK 25 and Maven; downloads Lingua 1.2.2 and Optimaize language-detector 0.6.
# ./compare.sh [--json]: one row per candidate, each measured in its own JVM.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null 2>&1
run() { "$JAVA_HOME/bin/java" -Xmx6g -cp "$(cat target/cp.txt)" Compare.java \
  ../../src/test/resources/language/sentences.tsv world-clauses.tsv "$@" 2>/dev/null; }
n=$(run -1)
for ((i = 0; i < n; i++)); do run "$i" "$@"; done
