#!/usr/bin/env bash
# The main job: set up, then export every lesson in content/, and the course its course.yml
# describes, to every format into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# cmi5 is named because build leaves it out by default (it needs a base IRI, which the bundled
# content has in exporters/cmi5.toml).
.venv/bin/aipm-export build content/ -o dist/ --formats pdf,epub,json,scorm,cmi5 "$@"
