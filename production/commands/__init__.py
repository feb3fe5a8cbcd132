"""The CLI's commands, one module each. Every module has ``run(args, cfg, settings, media) -> None``; production/cli.py
parses the options, checks the machine and maps each command name to its ``run``."""
