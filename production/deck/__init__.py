"""Presenter outputs: the slide deck (HTML with an offline reveal.js, PPTX, PDF handout) and per-beat clips."""
