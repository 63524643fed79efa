"""Project commands (``COMMANDS_MODULE``): ``crawl`` extended with the exit status contract;
``shell`` and ``parse``, which are not runs of the job (:mod:`newscrawl.commands.inspect`)."""
