# mle-to-map: `make video` renders the full video, `make test` runs the tests.
# Both bootstrap what is missing (Debian packages, .venv, pinned Python packages) and are idempotent.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
QUALITY ?=
JOBS   ?= 0
ARGS   ?=
STORY  ?=
STORY_ARG = $(if $(STORY),--story '$(STORY)')

.DEFAULT_GOAL := help
.PHONY: help setup sysdeps test lint video preview contact-sheet thumbnail publish clean slides bench check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

sysdeps: ## install missing Debian packages (cairo, pango, ffmpeg, TeX Live, dvisvgm, espeak-ng)
	@bash production/bootstrap/sysdeps.sh $(EXTRA_APT)

$(STAMP): pyproject.toml | sysdeps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: sysdeps $(STAMP) ## bootstrap everything (Debian packages, .venv, Python packages)

lint: setup ## ruff over the whole tree
	$(VENV)/bin/ruff check .

test: setup ## run lint and the whole test suite
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

video: setup ## render every chapter and assemble media/final/<quality>-<theme>/ (QUALITY=preview|hd|4k, default video.toml; JOBS=N; STORY=FILE)
	$(PY) -m production.cli video $(if $(QUALITY),--quality $(QUALITY)) -j $(JOBS) $(STORY_ARG) $(ARGS)

check: setup ## every check a render makes (video.toml, voice, media folder, tools, font, narration, story), in seconds, nothing rendered (STORY=FILE)
	$(PY) -m production.cli check $(STORY_ARG) $(ARGS)

bench: setup ## reproducible render benchmark -> benchmarks/results.json
	$(PY) -m production.bench $(ARGS)

preview: ## quick 480p15 render of the whole video
	$(MAKE) video QUALITY=preview

slides: setup ## deck (HTML+PPTX) and per-beat clips in media/slides, media/clips (THEME=light for white templates; STORY=FILE)
	$(PY) -m production.deck.slides --quality $(or $(QUALITY),hd) --theme $(or $(THEME),dark) -j $(JOBS) $(if $(CHAPTERS),--chapters '$(CHAPTERS)') $(STORY_ARG) $(ARGS)

contact-sheet: setup ## one still per chapter in media/contact_sheet.png
	$(PY) -m production.cli contact-sheet $(STORY_ARG)

thumbnail: setup ## a look at the 1280x720 thumbnail in media/thumbnail.png (make video packages its own)
	$(PY) -m production.cli thumbnail $(STORY_ARG)

publish: setup ## upload the complete video at video.toml's quality and theme (DRY_RUN=1 to check only; STORY=FILE)
	$(PY) -m production.youtube.publish $(if $(filter-out 0 no false,$(DRY_RUN)),--dry-run) $(STORY_ARG) $(ARGS)

clean: ## remove rendered media (keeps .venv)
	rm -rf media
