"""Project commands (``COMMANDS_MODULE``): ``crawl`` extended with the exit status contract."""
