"""Everything after a scene exists, one subpackage per stage: rendering/ (jobs, workers, cache), packaging/ (the
YouTube package), deck/ (slides, clips, handout), youtube/ (upload), bench/ (make bench), commands/ (the CLI's
commands). config.py, quality.py, probe.py and lifetime.py are shared by all of them."""
