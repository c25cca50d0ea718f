#!/bin/sh
# Renders every PlantUML source of this folder (*.puml) into the SVG beside it (*.svg).
# The SVGs are checked in: re-run this after editing a source. DocsConsistencyTest compares the source
# each SVG embeds with its .puml, so a stale SVG fails the build.
#
# Needs Java 17. The PlantUML jar is taken from PLANTUML_JAR, else from the local Maven repository,
# where the first run fetches it. No Graphviz: the sequence diagrams do not use it, and the
# architecture diagram uses PlantUML's own layout (!pragma layout smetana).
set -eu

VERSION=1.2025.2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repo=$(cd "$root" && ./mvnw -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || true)
[ -d "$repo" ] || repo="$HOME/.m2/repository"
jar=${PLANTUML_JAR:-$repo/net/sourceforge/plantuml/plantuml/$VERSION/plantuml-$VERSION.jar}

if [ ! -f "$jar" ]; then
  (cd "$root" && ./mvnw -B -q dependency:get -Dartifact=net.sourceforge.plantuml:plantuml:$VERSION -Dtransitive=false)
fi

cd "$here"
java -Djava.awt.headless=true -jar "$jar" -tsvg -charset UTF-8 -failfast2 ./*.puml
ls -1 ./*.svg
