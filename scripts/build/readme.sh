#!/usr/bin/env bash
# README.rst (and static/description/index.html) of every addon in odoo_addon/, generated from its
# readme/*.md fragments and manifest by OCA's oca-gen-addon-readme with scripts/build/addon-readme.rst.jinja.
# OCA publishes that tool only in its maintainer-tools repository, not on PyPI: set
# OCA_MAINTAINER_TOOLS to a checkout of it (its dependencies are installed from PyPI here).
#   OCA_MAINTAINER_TOOLS=/path/to/maintainer-tools scripts/build/readme.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=${OCA_MAINTAINER_TOOLS:-}
if [ -z "$tools" ] || [ ! -f "$tools/tools/gen_addon_readme.py" ]; then
  echo "gen-readme: set OCA_MAINTAINER_TOOLS to a checkout of OCA's maintainer-tools" \
       "(the home of oca-gen-addon-readme, which is not published on PyPI)" >&2
  exit 2
fi
scripts/setup.sh lint
# What oca-gen-addon-readme imports; pypandoc_binary brings the pandoc that converts .md fragments.
if ! .venv-lint/bin/python -c 'import click, docutils, jinja2, pygments, pypandoc' 2>/dev/null; then
  .venv-lint/bin/pip install -q --disable-pip-version-check click docutils jinja2 pygments pypandoc_binary
fi
PYTHONPATH="$tools" .venv-lint/bin/python -m tools.gen_addon_readme \
  --addons-dir odoo_addon --org-name DPMPTSP --repo-name sicantik-whatsapp --branch 18.0 \
  --template-filename scripts/build/addon-readme.rst.jinja "$@"
