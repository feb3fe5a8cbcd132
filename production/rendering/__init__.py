"""Rendering the chapters: what to render (jobs), one worker process per chapter scheduled longest first
(renderer, worker), the render cache and its manifest (cache), and where a render's time goes (stages)."""
