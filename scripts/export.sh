#!/usr/bin/env bash
# The main job: set up, then export every lesson in content/, and the course its course.yml
# describes, to every format into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/aipm-export build content/ -o dist/ "$@"
