"""Project commands (``COMMANDS_MODULE``): Scrapy's own, with what newscrawl needs of them."""
